"""The one JSON serialization every generated JSON document uses: sorted keys, UTF-8, trailing newline."""

from __future__ import annotations

import json
from typing import Any


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
