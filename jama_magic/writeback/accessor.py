"""``df.jama``: the pandas accessor for frames made by jama_magic.

``df.jama.plan()`` the changes since the frame was read (a :class:`ChangePlan`),
``df.jama.naive(tz=None)`` a copy with timezone-naive datetimes (Excel and
some plotting tools want them), ``df.jama.to_excel(path)`` a workbook for
people: names, naive dates, plain-text rich text, lists as text.
``df.jama.origin`` where the frame came from.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import JamaUsageError
from ..frames.origin import ATTR, FrameOrigin, origin_of
from ..frames.richtext import html_to_text, looks_like_html
from .diff import NAIVE_TZ

if TYPE_CHECKING:
    import pandas

    from .plan import ChangePlan

__all__ = ["JamaAccessor"]

_SNIFF = 50


class JamaAccessor:
    """Jama write-back and export for a DataFrame (``df.jama``)."""

    def __init__(self, frame: pandas.DataFrame) -> None:
        self._frame = frame

    @property
    def origin(self) -> FrameOrigin:
        """Where the frame came from (an error for a frame not made by jama_magic)."""
        return origin_of(self._frame)

    def plan(self) -> ChangePlan:
        """What would change in Jama: only the edited cells, names mapped to ids. Writes nothing
        (a frame read without resolve=True reads its item type definitions once a session)."""
        from .build import build_plan

        return build_plan(self._frame)

    def naive(self, tz: str | None = None) -> pandas.DataFrame:
        """A copy with timezone-naive datetimes: in ``tz`` (default UTC); Jama dates stay days."""
        frame: pandas.DataFrame = self._frame.copy()
        dates = _date_columns(frame)
        for column in frame.columns:
            series = frame[column]
            if getattr(series.dtype, "tz", None) is None:
                continue
            zone = None if column in dates else tz
            frame[column] = (series.dt.tz_convert(zone) if zone else series).dt.tz_localize(None)
        frame.attrs[NAIVE_TZ] = tz or "UTC"
        return frame

    def to_excel(self, path: str | Path, *, tz: str | None = None, **kwargs: Any) -> Path:
        """Write a reviewer-ready workbook (needs openpyxl: ``pip install "jama-magic[excel]"``)."""
        try:
            import openpyxl  # noqa: F401
        except ImportError:
            raise JamaUsageError(
                'to_excel needs openpyxl: pip install "jama-magic[excel]"'
            ) from None
        frame = self.naive(tz)
        rich = _rich_columns(self._frame)
        for column in frame.columns[frame.dtypes == "object"].union(list(rich), sort=False):
            frame[column] = [_cell_text(v, column in rich) for v in frame[column].tolist()]
        target = Path(path)
        frame.to_excel(target, **{"sheet_name": "items", **kwargs})
        return target


def _date_columns(frame: pandas.DataFrame) -> set[str]:
    origin = frame.attrs.get(ATTR)
    if not isinstance(origin, FrameOrigin):
        return set()
    return {c for c, key in origin.columns.items() if _field_type(origin, key) == "DATE"}


def _rich_columns(frame: pandas.DataFrame) -> set[str]:
    origin = frame.attrs.get(ATTR)
    if isinstance(origin, FrameOrigin):
        return {c for c, key in origin.columns.items() if _text_type(origin, key) == "RICHTEXT"}
    return {c for c in frame.columns if _looks_rich(frame[c].tolist())}


def _field_type(origin: FrameOrigin, key: str) -> str | None:
    spec = _any_spec(origin, key)
    return spec.get("fieldType") if spec else None


def _text_type(origin: FrameOrigin, key: str) -> str | None:
    spec = _any_spec(origin, key)
    if spec is None:
        return "RICHTEXT" if key == "description" else None
    return spec.get("textType") or ("RICHTEXT" if key == "description" else None)


def _any_spec(origin: FrameOrigin, key: str) -> Any:
    return next((s for t in origin.item_types if (s := origin.spec(t, key)) is not None), None)


def _looks_rich(values: list[Any]) -> bool:
    texts = [v for v in values[: _SNIFF * 4] if isinstance(v, str)][:_SNIFF]
    return any(looks_like_html(v) for v in texts)


def _cell_text(value: Any, rich: bool) -> Any:
    if isinstance(value, str):
        return html_to_text(value) if rich else value
    if isinstance(value, list | tuple):
        if all(isinstance(part, str | int | float) for part in value):
            return ", ".join(str(part) for part in value)
        return json.dumps(value, default=str, ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value, default=str, ensure_ascii=False)
    return value
