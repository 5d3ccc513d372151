"""How two cell values compare: equal, changed, or changed in markup only.

Frames built at different times hold the same value in different Python
types (``numpy.int64`` and ``int``, ``pd.NA`` and ``None``, a list and a numpy
array), so values are made plain before they are compared. An empty string,
an empty list and a missing value are the same to a reader, so they compare
equal.

Rich text (Jama stores it as HTML) is compared as text: two values whose text
is the same but whose HTML differs (a ``<b>`` added, ``&nbsp;`` for a space)
are a *markup* change, reported apart from changes a reader would see.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from ..frames.missing import is_missing
from ..frames.richtext import html_to_text, looks_like_html

__all__ = ["Kind", "as_text", "classify", "plain", "same"]

Kind = Literal["changed", "markup"]


def plain(value: Any) -> Any:
    """``value`` as plain Python: missing values as None, numpy scalars and arrays unwrapped."""
    if hasattr(value, "tolist") and not isinstance(value, str | bytes):
        value = value.tolist()  # numpy scalars and arrays
    if isinstance(value, list | tuple):
        return [plain(part) for part in value] or None
    if isinstance(value, Mapping):
        return {key: plain(part) for key, part in value.items()} or None
    if isinstance(value, str):
        return value or None
    return None if is_missing(value) else value


def same(before: Any, after: Any) -> bool:
    """True when a reader would see no difference between the two values (markup aside)."""
    return classify(before, after) is None


def classify(before: Any, after: Any) -> Kind | None:
    """None when equal, ``"markup"`` when only the HTML of rich text differs, else ``"changed"``."""
    before, after = plain(before), plain(after)
    if before == after:
        return None
    if _rich(before) or _rich(after):
        return "markup" if as_text(before) == as_text(after) else "changed"
    return "changed"


def _rich(value: Any) -> bool:
    return isinstance(value, str) and looks_like_html(value)


def as_text(value: Any) -> str:
    """What a reader sees of a value: rich text as plain text, None as an empty string."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return html_to_text(value) if looks_like_html(value) else value
    if isinstance(value, list):
        return "\n".join(as_text(part) for part in value)
    if isinstance(value, dict):
        return " / ".join(as_text(part) for part in value.values() if part is not None)
    return str(value)
