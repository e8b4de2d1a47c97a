"""What the ``bars``, ``compare`` and ``sources`` commands share: the :class:`Sources` built from the root options
(``--base-url``, ``--timeout``, ``--token`` reach the tushare source) and the ``--no-store`` flag."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ._client import ClientOptions

if TYPE_CHECKING:
    from ..sources import Sources

__all__ = ["make_sources", "split_list"]


def make_sources(store: bool) -> Sources:
    from ..sources import Sources, SourceSettings

    context = click.get_current_context(silent=True)
    options = context.find_root().obj if context is not None else None
    arguments: dict[str, Any] = {}
    if isinstance(options, ClientOptions):
        if options.base_url:
            arguments["urls"] = {"tushare": options.base_url}
        if options.timeout:
            arguments["timeout"] = options.timeout
        if options.token:
            arguments["tushare_token"] = options.token
    return Sources(SourceSettings.resolve(**arguments), store=store)


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]
