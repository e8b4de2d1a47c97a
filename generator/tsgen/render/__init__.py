"""Build: metadata → the `tushare_typed` package. Knows the IR and the templates, nothing of the docs."""
