"""``tushare-typed cache clear``: the response cache of ``TushareClient(cache=True)``."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["cache_group"]


@click.group("cache")
def cache_group() -> None:
    """The response cache of ``TushareClient(cache=True)``."""


@cache_group.command("clear")
@click.option("--path", type=click.Path(dir_okay=False, path_type=Path), help="A cache file other than the default.")
@click.option("--redis", "redis_url", metavar="URL", help="Clear a RedisCache at URL instead.")
def cache_clear(path: Path | None, redis_url: str | None) -> None:
    """Forget every cached reply."""
    from ..cache import RedisCache, SQLiteCache

    cache = RedisCache(redis_url) if redis_url else SQLiteCache(path)
    click.echo(f"cleared {cache.clear()} cached replies", err=True)
