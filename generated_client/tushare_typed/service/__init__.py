"""``tushare_typed.service``: the REST service of the tushare MCP service design, over the typed client.

``tushare-typed serve`` runs it (``pip install 'tushare-typed[service]'``: FastAPI, uvicorn, SQLAlchemy, Alembic,
prometheus-client). :func:`~.app.create_app` builds the ASGI application from a :class:`~.config.ServiceConfig`.

Importing this package loads nothing heavy: FastAPI is imported by :mod:`.app`, SQLAlchemy by :mod:`._db`, and
``import tushare_typed`` never imports this package.
"""
