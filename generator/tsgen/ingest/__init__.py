"""Ingest: the tushare docs corpus and SDK source → normalized metadata. Knows nothing about rendering."""
