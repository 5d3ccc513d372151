"""What a frame cell holds when it holds nothing, as every reader of frames tells it."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["is_missing"]


def is_missing(value: Any) -> bool:
    """``None``, ``pd.NA``, ``NaT`` or a float NaN (numpy's too), without importing pandas."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    kind = type(value).__name__
    return kind in ("NAType", "NaTType") or (kind.startswith("float") and value != value)
