"""`pro_bar`'s dispatch table, read from the SDK facts: which HTTP interface serves each (asset, frequency)."""

from __future__ import annotations

import re

from tsgen.render.metadata import Metadata

_ASSET = re.compile(r"^asset == '(\w+)'$")
_FREQ = re.compile(r"^freq == '(\w+)'$")
_MINUTES = "'min' in freq"


def dispatch_table(metadata: Metadata) -> dict[tuple[str, str], str]:
    """(asset, `D`/`W`/`M`/`min`) → api_name, for the SDK's plain bar dispatches to interfaces we have.

    Dispatches under further conditions (factors → daily_basic) and to interfaces not in the metadata
    (coinbar) are left out: the composite method handles factors and adjustment itself.
    """
    available = {interface.api_name for interface in metadata.http_interfaces}
    table: dict[tuple[str, str], str] = {}
    for dispatch in metadata.sdk.pro_bar_dispatches:
        asset = freq = None
        other = False
        for condition in dispatch.when:
            if match := _ASSET.match(condition):
                asset = match.group(1)
            elif match := _FREQ.match(condition):
                freq = match.group(1)
            elif condition == _MINUTES:
                freq = "min"
            else:
                other = True
        if asset and freq and not other and dispatch.api_name in available:
            table.setdefault((asset, freq), dispatch.api_name)
    return dict(sorted(table.items()))


def pro_bar_literals(metadata: Metadata) -> dict[str, list[str]]:
    """The values pro_bar's typed parameters accept, from the SDK source: the assets it dispatches to interfaces we
    have, its D/W/M frequencies plus the minute frequencies its minute interfaces document, its `adj` and `factors`
    values."""
    values = metadata.sdk.pro_bar_values
    table = dispatch_table(metadata)
    minute_sources = {api_name for (_, freq), api_name in table.items() if freq == "min"}
    minutes: list[str] = []
    for interface in metadata.http_interfaces:
        if interface.api_name in minute_sources:
            for param in interface.params:
                if param.name == "freq":
                    minutes += [value.value for value in param.enum or [] if value.value not in minutes]
    return {
        "asset": [asset for asset in values.assets if any(asset == a for a, _ in table)],
        "freq": [*values.freqs, *minutes],
        "adj": values.adj,
        "factor": values.factors,
    }
