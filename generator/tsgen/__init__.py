"""tsgen: turns the tushare docs and SDK source into metadata, and metadata into the typed client."""
