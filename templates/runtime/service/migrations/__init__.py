"""Alembic migrations of the service database, shipped inside the package (``tushare_typed.service:migrations``)."""
