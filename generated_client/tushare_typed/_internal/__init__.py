"""Internals of ``tushare_typed``: not part of the public API, free to change in any release.

The supported names are those of the package root (the clients, ``Response``, ``RateLimit``, ...) and of the public
modules ``errors``, ``token``, ``ratelimit``, ``response``, ``models``, ``catalog``, ``logs``, ``testing``, ``cli``
and ``mcp``.
"""
