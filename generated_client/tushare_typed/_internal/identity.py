"""How an interface's rows are identified and stored, in words: its record key (or why its rows have none) and its
sync shape (or why it has none). Shared by `describe`, `store info` and the MCP documentation."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..catalog import InterfaceSpec

__all__ = ["key_text", "store_mode", "sync_text"]


def key_text(spec: InterfaceSpec) -> str:
    if spec.keys:
        return ", ".join(spec.keys)
    return f"none: {spec.keys_absent_reason}" if spec.keys_absent_reason else "none documented"


def store_mode(spec: InterfaceSpec) -> str:
    """How the store writes a synced slice: upserted by the key, or replacing that slice's rows."""
    return "upsert by key" if spec.keys else "slice-replace (each synced slice replaces its own rows)"


def sync_text(spec: InterfaceSpec) -> str:
    if spec.sync is None:
        return f"not synced: {spec.sync_absent_reason or 'no sync plan in the metadata'}"
    return f"by {spec.sync.shape}, {store_mode(spec)}"
