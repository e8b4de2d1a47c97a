"""The options that say how to reach a lake (``export --to s3://…``, ``sync --export-to s3://…``): endpoint, region
and addressing. Keys come from the environment only (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE): a
secret on the command line would show in the process list and the shell's history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

__all__ = ["lake_options", "make_lake"]

_F = TypeVar("_F", bound=Callable[..., Any])


def lake_options(command: _F) -> _F:
    """Add --endpoint-url, --region and --virtual-addressing/--path-style to ``command``."""
    for option in (
        click.option(
            "--virtual-addressing/--path-style",
            "virtual_addressing",
            default=None,
            help="Address the bucket as bucket.host / host/bucket (default: path style, virtual for Alibaba OSS).",
        ),
        click.option("--region", metavar="REGION", help="The object store's region (default: $AWS_REGION)."),
        click.option(
            "--endpoint-url",
            metavar="URL",
            help="An S3-compatible endpoint: MinIO, Alibaba OSS, Tencent COS (default: $AWS_ENDPOINT_URL, else AWS).",
        ),
    ):
        command = option(command)
    return command


def make_lake(url: str, endpoint_url: str | None, region: str | None, virtual_addressing: bool | None) -> Any:
    """The :class:`~tushare_typed.store.Lake` at ``url`` reached as the options say; None when ``url`` is not
    object storage (a local directory)."""
    from ..store._lake_fs import is_lake_url

    if not is_lake_url(url):
        return None
    from ..store import Lake

    return Lake(url, endpoint_url=endpoint_url, region=region, virtual_addressing=virtual_addressing)
