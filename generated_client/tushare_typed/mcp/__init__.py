"""The MCP side of ``tushare_typed``: ``tools.json`` (one tool per tushare interface, written by ``tsgen build``) and
a server over the typed client.

Run it with ``python -m tushare_typed.mcp`` (stdio) or ``tushare-typed mcp serve``; it needs the optional ``mcp``
extra (``pip install 'tushare-typed[mcp]'``). Importing this package is free: the MCP SDK, slow to import, is loaded
by :mod:`.server` only, and nothing else in ``tushare_typed`` imports that module.
"""
