"""The reference site: `tsgen docs` renders `docs/reference/` (MkDocs Markdown) from the metadata."""
