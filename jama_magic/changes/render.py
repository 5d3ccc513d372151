"""The HTML view of a ``Diff``: a side-by-side table with the changed words highlighted.

One row per change, grouped by item (the item's key shown on its first row):
field, before, after. Values are shown as a reader sees them (rich text as
text); inside a changed value the words that differ are marked (removed in
red, added in green). Markup-only changes carry a "markup only" note. Styles
are inline so that the view survives notebook sanitizers and exports; colours
come from :mod:`jama_magic.theme`, so the view reads in the dark theme too.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from .. import theme
from .values import as_text
from .words import highlight

if TYPE_CHECKING:
    from .result import Diff

__all__ = ["MAX_ROWS", "render_html"]

MAX_ROWS = 200
_CELL = "text-align:left;vertical-align:top;white-space:pre-wrap;padding:2px 8px"
_DEL = f"background:{theme.DELETED};color:{theme.TEXT};text-decoration:line-through"
_INS = f"background:{theme.INSERTED};color:{theme.TEXT};text-decoration:none"
_NOTE = f"color:{theme.NOTE};font-size:85%"
_WHAT = {"added": "added", "removed": "removed"}


def render_html(diff: Diff) -> str:
    """The whole view: a title line with the summary, then the table."""
    head = f"<b>{html.escape(diff.title)}</b> · " if diff.title else ""
    parts = [f'<div class="jama-diff"><div>{head}{html.escape(diff.summary)}</div>']
    if len(diff.changes):
        parts.append(_table(diff))
    parts.append("</div>")
    return "".join(parts)


def _table(diff: Diff) -> str:
    header = "".join(
        f'<th style="{_CELL}">{name}</th>' for name in ("Item", "Field", "Before", "After")
    )
    rows: list[str] = []
    previous: Any = object()
    for row in diff.changes.head(MAX_ROWS).itertuples(index=False):
        rows.append(_row(row, show_item=row.id != previous))
        previous = row.id
    more = len(diff.changes) - MAX_ROWS
    tail = f'<div style="{_NOTE}">… {more} more rows in .changes</div>' if more > 0 else ""
    return f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>{tail}"


def _row(row: Any, *, show_item: bool) -> str:
    item = html.escape(str(row.documentKey or row.id)) if show_item else ""
    before, after = _cells(row)
    cells = (item, _field(row), before, after)
    return "<tr>" + "".join(f'<td style="{_CELL}">{cell}</td>' for cell in cells) + "</tr>"


def _field(row: Any) -> str:
    if row.field is None:
        return f'<i style="{_NOTE}">item {_WHAT[row.change]}</i>'
    name = html.escape(str(row.field))
    if row.change == "markup":
        return f'{name} <span style="{_NOTE}">(markup only)</span>'
    if row.field == "relationship":
        return f'<i style="{_NOTE}">relationship {_WHAT[row.change]}</i>'
    return name


def _cells(row: Any) -> tuple[str, str]:
    before, after = as_text(row.before), as_text(row.after)
    if row.change == "markup":
        return html.escape(before), html.escape(after)
    old, new = highlight(before, after)
    return _styled(old), _styled(new)


def _styled(marked: str) -> str:
    return marked.replace("<del>", f'<del style="{_DEL}">').replace(
        "<ins>", f'<ins style="{_INS}">'
    )
