"""The panel's Table tab: one page of rows at a time, every column, sortable, empty cells empty.

Only the rows shown are converted (``to_dataframe`` of that slice, names
resolved), so a 5,000-item response shows its table at once. Sorting needs
one column of every row: the first sort converts the whole list once (the
status line says so) and keeps the order; pages are then cut from that order.
"""

from __future__ import annotations

import html
import importlib.util
import json
import math
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..errors import JamaError
from ..frames import to_dataframe
from .view import note_html

if TYPE_CHECKING:
    import pandas as pd

    from ..response import JamaResponse

__all__ = ["TableView", "cell_text", "frame_html", "header_text"]

SERVER_ORDER = "(server order)"
_TITLE_LIMIT = 1000
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


class TableView:
    """The Table tab's widgets: pager, sort controls and the HTML table."""

    def __init__(self, *, rows: int = 50, notify: Callable[[str], None] | None = None) -> None:
        self.rows = rows
        self.page = 0
        self._notify = notify or (lambda _text: None)
        self._resp: JamaResponse | None = None
        self._order: list[int] | None = None
        self._full: pd.DataFrame | None = None
        self._muted = False  # set while the panel itself changes the sort controls
        self.html = w.HTML("", layout=w.Layout(width="auto"))
        self.prev = w.Button(
            description="◀ prev", tooltip="previous rows", layout=w.Layout(width="auto")
        )
        self.next = w.Button(
            description="next ▶", tooltip="next rows", layout=w.Layout(width="auto")
        )
        self.position = w.Label("", layout=w.Layout(width="auto"))
        self.position.add_class("jama-position")
        self.sort = w.Dropdown(
            options=[(SERVER_ORDER, "")],
            description="sort by",
            layout=w.Layout(width="240px"),
            style={"description_width": "50px"},
        )
        self.descending = w.Checkbox(
            description="descending", indent=False, layout=w.Layout(width="auto")
        )
        controls = [self.prev, self.next, self.position, self.sort, self.descending]
        self.pager = w.HBox(controls, layout=w.Layout(display="none"))
        self.pager.add_class("jama-wrap")
        self.pager.add_class("jama-pager")
        self.widget = w.VBox([self.pager, self.html], layout=w.Layout(width="auto"))
        self.widget.add_class("jama-table-view")
        self.prev.on_click(lambda _: self.turn(-1))
        self.next.on_click(lambda _: self.turn(+1))
        for control in (self.sort, self.descending):
            control.observe(lambda _: None if self._muted else self._sort_changed(), names="value")

    # what the panel calls
    def clear(self) -> None:
        """Empty the tab (a request is on its way)."""
        self._resp, self._order, self._full = None, None, None
        self.html.value = ""
        self.pager.layout.display = "none"

    def show(self, resp: JamaResponse) -> None:
        """Show the first page of ``resp`` in server order (a note when it is not a list)."""
        self._resp, self._order, self._full, self.page = resp, None, None, 0
        self._set_sort([(SERVER_ORDER, "")], "", descending=False)
        if resp.item_count is None:
            self.html.value = note_html("no table: the body is not a list (see the Body tab)")
            self.pager.layout.display = "none"
            return
        self.render()

    def turn(self, step: int) -> None:
        """Go ``step`` pages forward (or back), staying within the rows."""
        self.page = max(0, min(self.page + step, self._last_page()))
        self.render()

    def sort_by(self, column: str, *, descending: bool = False) -> None:
        """Order every row by ``column`` (empty cells last) and show the first page."""
        self._offer([column], {})
        self._set_sort(self.sort.options, column, descending=descending)
        self._sort_changed()

    def _set_sort(self, options: Any, value: str, *, descending: bool) -> None:
        self._muted = True
        try:
            self.sort.options = options
            self.sort.value, self.descending.value = value, descending
        finally:
            self._muted = False

    # rendering
    def render(self) -> None:
        """Convert and show the current page."""
        resp = self._resp
        if resp is None or not isinstance(resp.data, list):
            return
        count = len(resp.data)
        start = self.page * self.rows
        positions = (self._order or range(count))[start : start + self.rows]
        frame = self._page_frame(resp, positions)
        self.html.value = frame_html(frame) if count else note_html("the list is empty")
        self._update_controls(frame, start, len(positions), count)

    def _page_frame(self, resp: JamaResponse, positions: Sequence[int]) -> pd.DataFrame:
        if self._full is not None:
            page: pd.DataFrame = self._full.iloc[list(positions)]
            return page
        return page_frame(resp, [resp.data[i] for i in positions])

    def _update_controls(self, frame: pd.DataFrame, start: int, shown: int, count: int) -> None:
        self.pager.layout.display = "flex" if count else "none"
        self.position.value = f"rows {start + 1}–{start + shown} of {count}" if shown else ""
        self.prev.disabled = self.page == 0
        self.next.disabled = self.page >= self._last_page()
        self._offer([str(c) for c in _columns(frame)], frame.attrs.get("labels") or {})

    def _offer(self, columns: list[str], labels: dict[str, str]) -> None:
        # the sort choices grow with the columns seen; the value stays the raw column name
        known = [value for _, value in self.sort.options]
        new = [(header_text(c, labels), c) for c in columns if c not in known]
        if new:
            options = [*self.sort.options, *new]
            self._set_sort(options, self.sort.value, descending=self.descending.value)

    def _last_page(self) -> int:
        count = len(self._resp.data) if self._resp is not None else 0
        return max(0, math.ceil(count / self.rows) - 1)

    def _sort_changed(self) -> None:
        resp, column = self._resp, self.sort.value
        if resp is None or not isinstance(resp.data, list):
            return
        self.page = 0
        if not column:
            self._order = None
        else:
            if self._full is None:
                self._notify(f"sorting: converting all {len(resp.data)} rows once…")
                self._full = _indexed(page_frame(resp, resp.data))
            self._order = sort_order(self._full, column, descending=self.descending.value)
            self._notify("")
        self.render()


def page_frame(resp: JamaResponse, rows: Sequence[Any]) -> pd.DataFrame:
    """``rows`` of ``resp`` as the DataFrame view: names resolved when possible, else plain."""
    text = importlib.util.find_spec("html2text") is not None  # rich text as plain text
    data, linked, links = list(rows), resp.linked, resp.links
    try:
        frame = to_dataframe(
            data, linked=linked, links=links, text=text, resolve=True, names=resp.names
        )
    except JamaError:  # a failed name lookup must not hide the table
        frame = to_dataframe(data, linked=linked, links=links, text=text)
    frame.attrs["resolved"] = _resolved(frame, rows)
    return frame


def _resolved(frame: pd.DataFrame, rows: Sequence[Any]) -> list[str]:
    """Columns now holding names where the body had numeric ids (their header drops "Id")."""
    keys = frame.attrs.get("field_keys") or {}
    out = []
    for column in frame.columns:
        path = ["fields", keys[column]] if column in keys else str(column).split(".")
        raw = next((v for v in (_at(row, path) for row in rows) if v is not None), None)
        shown = frame[column].dropna()
        if type(raw) is int and len(shown) and isinstance(shown.iloc[0], str):
            out.append(str(column))
    return out


def _at(row: Any, path: list[str]) -> Any:
    for key in path:
        if not isinstance(row, dict):
            return None
        row = row.get(key)
    return row


def _indexed(frame: pd.DataFrame) -> pd.DataFrame:
    # the id index becomes a column, so that positions select rows and "id" can be sorted
    return frame.reset_index() if frame.index.name else frame


def _columns(frame: pd.DataFrame) -> list[Any]:
    return ([frame.index.name] if frame.index.name else []) + list(frame.columns)


def sort_order(frame: pd.DataFrame, column: str, *, descending: bool) -> list[int]:
    """Row positions of ``frame`` ordered by ``column``; empty cells last, text case-blind."""
    import pandas as pd

    if column not in frame.columns:
        return list(range(len(frame)))
    series = frame[column].reset_index(drop=True)
    if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
        series = series.map(_sort_text, na_action="ignore")
    ordered = series.sort_values(ascending=not descending, na_position="last", kind="stable")
    return [int(i) for i in ordered.index]


def _sort_text(value: Any) -> Any:
    text = cell_text(value)
    return text.casefold() if text else None


# the HTML table
def frame_html(frame: pd.DataFrame) -> str:
    """``frame`` as a compact HTML table: every column, readable cells, empty cells empty."""
    frame = _indexed(frame)
    labels, resolved = frame.attrs.get("labels") or {}, frame.attrs.get("resolved") or []
    heads = "".join(
        f'<th title="{html.escape(str(c))}">'
        f"{html.escape(header_text(str(c), labels, resolved=str(c) in resolved))}</th>"
        for c in frame.columns
    )
    numeric = [_is_numeric(frame[c]) for c in frame.columns]
    body = "".join(
        "<tr>" + "".join(_td(v, n) for v, n in zip(row, numeric, strict=True)) + "</tr>"
        for row in frame.itertuples(index=False, name=None)
    )
    table = (
        f'<table class="jama-table"><thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table>'
    )
    return f'<div class="jama-scroll">{table}</div>'


def _td(value: Any, numeric: bool) -> str:
    text = cell_text(value)
    if not text:
        return "<td></td>"
    shown = html.escape(" ".join(text.split()))
    title = html.escape(text[:_TITLE_LIMIT], quote=True)
    cls = ' class="jama-num"' if numeric else ""
    return f'<td{cls} title="{title}">{shown}</td>'


def _is_numeric(series: pd.Series) -> bool:
    import pandas as pd

    return bool(pd.api.types.is_numeric_dtype(series)) and not pd.api.types.is_bool_dtype(series)


def header_text(column: str, labels: dict[str, str], *, resolved: bool = False) -> str:
    """A column's header: its field label, else its name in words (``createdBy`` → Created by).

    A ``resolved`` column (ids shown as names) loses a trailing ``Id``: ``statusId`` → Status.
    The raw name stays in the header's tooltip and is what ``response.df`` calls it.
    """
    if labels.get(column):
        return labels[column]
    words = _CAMEL.sub(" ", column).replace(".", " ").replace("_", " ").split()
    if resolved and len(words) > 1 and words[-1] == "Id":
        words = words[:-1]
    return " ".join(words).capitalize() if words else column


def cell_text(value: Any) -> str:
    """A value as a person reads it: no NaN/None/NaT, dates without midnight, lists joined."""
    import pandas as pd

    if value is None or value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, pd.Timestamp):
        return _date_text(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return ", ".join(part for part in (cell_text(v) for v in value) if part)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _date_text(value: pd.Timestamp) -> str:
    if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
        return value.strftime("%Y-%m-%d")
    return value.strftime("%Y-%m-%d %H:%M")
