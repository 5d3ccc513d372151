"""The table inside a response's HTML summary: a list as compact rows, one object as its fields.

It shows the same DataFrame view as ``--df`` and the panel, but never sends a
request while rendering: ids become names only when the names are already
known (the response's ``linked`` map, or lookups the connection cached
earlier). Rich text is shown as short plain text (with the ``text`` extra),
long values are cut, missing values are empty cells, and rows stay one line
high. Only the rows shown are converted.
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from .frames import NameSource
    from .response import JamaResponse

__all__ = ["PREVIEW_COLUMNS", "VALUE_CHARS", "list_preview", "object_preview"]

# columns a glance at a list rarely needs: shown after the rest, so the name and the
# fields make it into the preview's width
_BACKGROUND = (
    "globalId",
    "type",
    "sortOrder",
    "globalSortOrder",
    "locked",
    "lastLockedDate",
    "childItemType",
    "createdDate",
    "modifiedDate",
    "lastActivityDate",
    "createdBy",
    "modifiedBy",
    "project",
    "parent",
)
PREVIEW_COLUMNS = 10
VALUE_CHARS = 80  # a longer value is cut with "…" (the full text is in .df)

# one line per row; the whole value stays in the cell's title
_CSS = (
    "<style>.jama-preview td, .jama-preview th {white-space: nowrap; max-width: 28em;"
    " overflow: hidden; text-overflow: ellipsis; padding: 2px 8px; text-align: left;"
    " vertical-align: top;}</style>"
)


def list_preview(resp: JamaResponse, rows: int) -> str:
    """The first ``rows`` rows of a list body as a compact table, with a note on the rest."""
    frame = _frame(resp, resp.data[:rows])
    front = [c for c in frame.columns if c not in _BACKGROUND]
    back = [c for c in frame.columns if c in _BACKGROUND]
    shown = (front + back)[:PREVIEW_COLUMNS]
    notes = []
    if (resp.item_count or 0) > len(frame):
        notes.append(f"{(resp.item_count or 0) - len(frame)} more rows")
    if len(frame.columns) > len(shown):
        notes.append(f"{len(frame.columns) - len(shown)} more columns")
    note = f"<div><i>… {' and '.join(notes)}: use .df</i></div>" if notes else ""
    return _CSS + _html(_short(frame[shown])) + note


def object_preview(resp: JamaResponse) -> str:
    """A single object as a two-column table of its non-empty fields, in the frame's order."""
    frame = _frame(resp, resp.data)
    front = [c for c in frame.columns if c not in _BACKGROUND]
    back = [c for c in frame.columns if c in _BACKGROUND]
    row = _short(frame[front + back]).iloc[0]
    fields = row[[_present(value) for value in row]]
    if frame.index.name:
        fields = _prepend(fields, frame.index.name, frame.index[0])
    table = fields.to_frame(name="value").rename_axis("field")
    return _CSS + _html(table)


def _frame(resp: JamaResponse, data: Any) -> pd.DataFrame:
    from .frames import to_dataframe

    return to_dataframe(
        data,
        linked=resp.linked,
        links=resp.links,
        resolve=True,
        names=_known_names(resp.names),
        text=importlib.util.find_spec("html2text") is not None,
    )


def _known_names(names: NameSource | None) -> NameSource | None:
    """The names the connection already has, without fetching (None: ``linked`` only)."""
    cached = getattr(names, "cached", None)
    return cached() if callable(cached) else None


def _short(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as shown: missing values empty, text on one line of ``VALUE_CHARS`` at most."""
    # to_html's na_rep misses pandas' nullable <NA>, so blanks are made here
    blanked = frame.astype(object).where(frame.notna(), "")
    shown: pd.DataFrame = blanked.map(_one_line)
    return shown


def _one_line(value: Any) -> Any:
    if isinstance(value, list):
        value = ", ".join(str(part) for part in value)
    if not isinstance(value, str):
        return value
    text = " ".join(value.split())
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def _present(value: Any) -> bool:
    import pandas as pd

    return not (value is None or value == "" or (pd.api.types.is_scalar(value) and pd.isna(value)))


def _prepend(fields: pd.Series, name: Any, value: Any) -> pd.Series:
    import pandas as pd

    head = pd.Series([value], index=[name], dtype=object)
    joined: pd.Series = pd.concat([head, fields.astype(object)])
    return joined


def _html(frame: pd.DataFrame) -> str:
    return str(frame.to_html(border=0, escape=True, na_rep="", classes="jama-preview"))
