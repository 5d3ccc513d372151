"""The HTML view of a ``Trace``: the coverage figure, a bar per set or item type, the
untraced items first, document keys linked to Jama when the connection has a web UI.

Colours come from :mod:`jama_magic.theme` (JupyterLab's theme variables with light
fallbacks), so the view reads in the dark theme too.
"""

from __future__ import annotations

import math
from html import escape
from typing import TYPE_CHECKING, Any

from .. import theme

if TYPE_CHECKING:
    import pandas as pd

    from .result import Trace

__all__ = ["item_url", "render"]


def render(t: Trace, *, rows: int | None = None) -> str:
    """The whole view (``rows``: table rows shown, default ``jm.settings.display_rows``)."""
    if rows is None:
        from ..state import session

        rows = max(session.settings.display_rows, 20)
    parts = [_head(t), _bars(t), _warnings(t), _table(t, rows)]
    return f'<div class="jama-trace">{"".join(parts)}</div>'


def _percent(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.1%}"


def _head(t: Trace) -> str:
    back = t.reverse()
    down = " + ".join(t.downstream)
    return (
        f"<div><b>{escape(t.title())}</b></div>"
        f'<div style="font-size:2em;font-weight:600">{_percent(t.coverage)}</div>'
        f"<div>{t.traced:,} of {t.total:,} {escape(' + '.join(t.upstream))} items have"
        f" at least one {escape(down)} item; {back.traced:,} of {back.total:,}"
        f" {escape(down)} items trace back ({_percent(back.coverage)})</div>"
    )


def _bars(t: Trace) -> str:
    summary = t.summary
    label = "set" if t.group_by == "set" else "item type"
    lines = [
        _bar(str(name), int(row["traced"]), int(row["items"]))
        for name, row in summary.iterrows()
        if name != "All"
    ]
    if len(lines) < 1:
        return ""
    title = f'<div style="margin-top:.5em;color:{theme.NOTE}">Coverage per {label}</div>'
    return title + f'<table style="border-collapse:collapse">{"".join(lines)}</table>'


def _bar(name: str, traced: int, total: int) -> str:
    share = traced / total if total else 0.0
    width = round(share * 100, 1)
    bar = (
        f'<div style="width:16em;height:.9em;background:{theme.TRACK};border-radius:2px">'
        f'<div style="width:{width}%;height:100%;background:{theme.OK};border-radius:2px">'
        "</div></div>"
    )
    return (
        f'<tr><td style="text-align:left;padding-right:1em">{escape(name)}</td>'
        f"<td>{bar}</td>"
        f'<td style="text-align:right;padding-left:1em">{traced:,} / {total:,}'
        f" ({_percent(share if total else math.nan)})</td></tr>"
    )


def _warnings(t: Trace) -> str:
    style = f"color:{theme.ERROR}"
    return "".join(f'<div style="{style}">⚠ {escape(note)}</div>' for note in t.warnings)


def _table(t: Trace, rows: int) -> str:
    matrix = t.matrix
    if matrix.empty:
        return f"<div>No {escape(' + '.join(t.upstream))} items in this project.</div>"
    ordered = _untraced_first(matrix)
    shown = ordered.head(rows)
    ids = _ids_by_key(t)
    head = "".join(
        f"<th>{name}</th>" for name in ("", "documentKey", "name", "set", "downstream", "count")
    )
    body = "".join(_row(t, item, row, ids) for item, row in shown.iterrows())
    more = len(ordered) - len(shown)
    note = (
        f'<div style="color:{theme.NOTE}">{len(shown)} of {len(ordered):,} rows, untraced first;'
        f" all in t.matrix, the untraced in t.untraced</div>"
        if more
        else ""
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}"


def _untraced_first(matrix: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    ordered: pd.DataFrame = pd.concat([matrix[matrix["count"] == 0], matrix[matrix["count"] > 0]])
    return ordered


def _ids_by_key(t: Trace) -> dict[str, tuple[int, Any]]:
    items = t.data.items
    pairs = zip(
        items["documentKey"].tolist(), items.index.tolist(), items["project"].tolist(), strict=True
    )
    return {str(key): (int(item), project) for key, item, project in pairs}


def _row(t: Trace, item: Any, row: pd.Series[Any], ids: dict[str, tuple[int, Any]]) -> str:
    mark = (
        f'<span style="color:{theme.ERROR}">✗</span>'
        if row["count"] == 0
        else f'<span style="color:{theme.OK}">✓</span>'
    )
    key = _key(t, str(row["documentKey"]), ids)
    downstream = ", ".join(_key(t, str(other), ids) for other in row["downstream"])
    cells = (
        mark,
        key,
        escape(str(row["name"] or "")),
        escape(str(row["set"] or "")),
        downstream,
        str(row["count"]),
    )
    return "<tr>" + "".join(f'<td style="text-align:left">{cell}</td>' for cell in cells) + "</tr>"


def _key(t: Trace, key: str, ids: dict[str, tuple[int, Any]]) -> str:
    found = ids.get(key)
    if t.data.web_url is None or found is None:
        return escape(key)
    url = item_url(t.data.web_url, *found)
    return f'<a href="{escape(url)}" target="_blank" rel="noopener">{escape(key)}</a>'


def item_url(web_url: str, item: int, project: Any) -> str:
    """Where Jama's web UI shows an item."""
    tail = f"?projectId={int(project)}" if isinstance(project, int) else ""
    return f"{web_url.rstrip('/')}/perspective.req#/items/{item}{tail}"
