"""How the panel shows things: the status line, result tabs as HTML, errors, and progress.

The result tabs are HTML strings rather than ``Output`` widgets because they
are filled from a background thread, where ``with output:`` capture does not
work; plain strings are also easy to assert on in tests.
"""

from __future__ import annotations

import html
import importlib.util
import threading
from typing import TYPE_CHECKING

import ipywidgets as w

from ..display import body_text, dataframe_view, one_line, summary_line
from ..errors import JamaError

if TYPE_CHECKING:
    import pandas as pd

    from ..response import JamaResponse

__all__ = [
    "PANEL_CSS",
    "PanelProgress",
    "body_html",
    "error_html",
    "headers_html",
    "note_html",
    "status_html",
    "table_html",
]

OK_COLOR = "#2e7d32"
ERROR_COLOR = "#c62828"
BODY_LIMIT = 200_000
_SCROLL = "max-height:420px;overflow:auto;padding:4px"

# One <style> for the panel (in a hidden HTML widget): compact, one-line table cells
# (the full text stays in the DOM and in panel.response.df), JupyterLab theme colours.
PANEL_CSS = """<style>
.jama-panel .jama-table, .jama-panel .jama-headers {
  border-collapse: collapse; font-size: 12px; line-height: 1.5; }
.jama-panel .jama-table th, .jama-panel .jama-table td, .jama-panel .jama-headers th,
.jama-panel .jama-headers td {
  padding: 2px 8px; max-width: 260px; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; text-align: left; vertical-align: top;
  border-bottom: 1px solid var(--jp-border-color2, #e0e0e0); }
.jama-panel .jama-table thead th {
  position: sticky; top: 0; background: var(--jp-layout-color2, #f5f5f5); }
.jama-panel .jama-body { font-size: 12px; line-height: 1.4; }
.jama-panel .jama-status-line, .jama-panel .jama-error-box { line-height: 1.6; }
</style>"""


def status_html(resp: JamaResponse) -> str:
    """The status line: status, reason, method, URL, time, size, items/pages."""
    color = OK_COLOR if resp.ok else ERROR_COLOR
    line = f'<span class="jama-status" style="color:{color};font-family:monospace">'
    line += f"{html.escape(summary_line(resp))}</span>"
    notes = [f'<div style="color:#e65100">⚠ {html.escape(w)}</div>' for w in resp.warnings]
    return line + "".join(notes)


def error_html(exc: BaseException) -> str:
    """An error as one red line (Jama's message and a hint for ``JamaError``s)."""
    text = one_line(exc) if isinstance(exc, JamaError) else f"{type(exc).__name__}: {exc}"
    return f'<div class="jama-error" style="color:{ERROR_COLOR}">✖ {html.escape(text)}</div>'


def note_html(text: str) -> str:
    return f'<div style="color:#666;font-style:italic">{html.escape(text)}</div>'


def table_html(resp: JamaResponse, *, rows: int) -> str:
    """The DataFrame view (names resolved when possible), first ``rows`` rows."""
    if resp.item_count is None:
        return note_html("no table: the body is not a list (see the Body tab)")
    frame = _frame(resp)
    shown = frame.head(rows)
    more = len(frame) - len(shown)
    note = note_html(f"{more} more rows: use panel.response.df") if more > 0 else ""
    if shown.index.name:  # the index (id) as an ordinary first column: one header row
        shown = shown.reset_index()
    table = shown.to_html(border=0, escape=True, classes="jama-table", index=False, max_cols=40)
    return f'<div style="{_SCROLL}">{table}</div>{note}'


def _frame(resp: JamaResponse) -> pd.DataFrame:
    # rich text as plain text when the `text` extra is installed
    return dataframe_view(resp, text=importlib.util.find_spec("html2text") is not None)


def body_html(resp: JamaResponse) -> str:
    """The body as pretty JSON (or text), escaped and cut at ``BODY_LIMIT`` characters."""
    text = body_text(resp.body) if resp.body is not None else "(no body)"
    if len(text) > BODY_LIMIT:
        text = text[:BODY_LIMIT] + f"\n… {len(text) - BODY_LIMIT} more characters: use .body"
    return f'<pre class="jama-body" style="{_SCROLL};margin:0">{html.escape(text)}</pre>'


def headers_html(resp: JamaResponse) -> str:
    """The response headers as a two-column table."""
    rows = "".join(
        f"<tr><th style='text-align:left;padding-right:12px'>{html.escape(k)}</th>"
        f"<td>{html.escape(v)}</td></tr>"
        for k, v in resp.headers.items()
    )
    return f'<table class="jama-headers">{rows}</table>'


class PanelProgress:
    """The ``paging.Progress`` of the panel: a bar and a label.

    Called from the I/O thread; trait assignments are sent to the front end
    by ipykernel's thread-safe IOPub, the lock keeps the counts consistent.
    """

    def __init__(self) -> None:
        self.bar = w.IntProgress(min=0, max=1, value=0, layout=w.Layout(width="240px"))
        self.label = w.Label("")
        self.widget = w.HBox([self.bar, self.label], layout=w.Layout(display="none"))
        self._lock = threading.Lock()
        self._items = self._pages = 0
        self._total_items: int | None = None
        self._total_pages: int | None = None

    def reset(self) -> None:
        with self._lock:
            self._items = self._pages = 0
            self._total_items = self._total_pages = None
        self.bar.value, self.label.value = 0, ""
        self.widget.layout.display = "none"

    def start(self, *, total_items: int | None, total_pages: int | None) -> None:
        with self._lock:
            self._total_items, self._total_pages = total_items, total_pages
            self.bar.max = max(1, total_items or 1)
        self.widget.layout.display = "flex"
        self._show()

    def advance(self, *, items: int, pages: int) -> None:
        with self._lock:
            self._items += items
            self._pages += pages
        self._show()

    def close(self) -> None:
        self._show()

    def _show(self) -> None:
        with self._lock:
            items, pages = self._items, self._pages
            of_items = f" of {self._total_items}" if self._total_items is not None else ""
            of_pages = f" of {self._total_pages}" if self._total_pages is not None else ""
        self.bar.value = min(items, self.bar.max)
        self.label.value = f"{items}{of_items} items · {pages}{of_pages} pages"
