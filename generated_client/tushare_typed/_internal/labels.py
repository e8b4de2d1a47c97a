"""Column labels for tables people read: ``labels="zh"`` names each column by its short Chinese label from the
catalog (``FieldSpec.label``) instead of its wire name. Used by the responses' conversions and the CLI."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from ..errors import ParameterError

__all__ = ["LABEL_CHOICES", "Labels", "column_labels"]

Labels = Literal["zh"] | None
LABEL_CHOICES = ("zh",)


def column_labels(api_name: str, columns: Iterable[str], labels: str | None) -> dict[str, str]:
    """Wire name → displayed name for ``columns`` of ``api_name``: the label when ``labels`` is "zh" and the catalog
    labels the column, the wire name otherwise (an interface the catalog does not know keeps every wire name)."""
    names = list(columns)
    if labels is None:
        return {name: name for name in names}
    if labels not in LABEL_CHOICES:
        raise ParameterError(
            f"labels={labels!r} is not supported",
            remediation="pass labels='zh' for Chinese column labels, or leave it out for the wire names",
        )
    from ..catalog import load_catalog

    catalog = load_catalog()
    known = {f.name: f.label for f in catalog.interfaces[api_name].fields} if api_name in catalog else {}
    return {name: known.get(name) or name for name in names}
