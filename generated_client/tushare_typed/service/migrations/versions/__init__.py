"""Alembic revisions, applied in order by :func:`tushare_typed.service._db.migrate`."""
