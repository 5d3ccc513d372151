"""``Trace.to_excel``: a reviewer-ready workbook through pandas and openpyxl.

Sheets: *Summary* (what was traced, from where and when, both coverage figures, the
per-set or per-type table, warnings), *Matrix* (one row per upstream item, document
keys joined with ", "), *Untraced* and *Untraced downstream*. Every table has a frozen,
bold header row with a filter, and column widths that fit the content.
"""

from __future__ import annotations

import datetime as dt
from os import PathLike
from typing import TYPE_CHECKING, Any

from ..errors import JamaUsageError

if TYPE_CHECKING:
    import pandas as pd

    from .result import Trace

__all__ = ["write_workbook"]

_MAX_WIDTH = 80
_LIST_COLUMNS_JOIN = ", "


def write_workbook(t: Trace, path: str | PathLike[str]) -> None:
    """Write ``t`` to ``path`` (.xlsx), replacing the file."""
    pd = _pandas_with_openpyxl()
    back = t.reverse()
    facts = _facts(t, back)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        facts.to_excel(writer, sheet_name="Summary", index=False, header=False)
        summary = t.summary.reset_index()
        summary.to_excel(writer, sheet_name="Summary", index=False, startrow=len(facts) + 1)
        _flat(t.matrix).to_excel(writer, sheet_name="Matrix")
        _flat(t.untraced).to_excel(writer, sheet_name="Untraced")
        _flat(back.untraced).to_excel(writer, sheet_name="Untraced downstream")
        for sheet in writer.sheets.values():
            _tidy(sheet, header_row=len(facts) + 2 if sheet.title == "Summary" else 1)


def _pandas_with_openpyxl() -> Any:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise JamaUsageError(
            'Excel export needs openpyxl: pip install "jama-magic[excel]"'
        ) from None
    import pandas as pd

    return pd


def _facts(t: Trace, back: Trace) -> pd.DataFrame:
    import pandas as pd

    kinds = t.relationship_types
    facts = [
        ("Trace", t.title()),
        ("Relationship types", ", ".join(kinds) if kinds else "all"),
        ("Source", t.data.source or "data at hand"),
        ("Written", dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("Coverage", t.coverage),
        ("Traced", f"{t.traced} of {t.total} {' + '.join(t.upstream)}"),
        ("Downstream coverage", back.coverage),
        ("Traced back", f"{back.traced} of {back.total} {' + '.join(back.upstream)}"),
        *(("Warning", note) for note in t.warnings),
    ]
    table: pd.DataFrame = pd.DataFrame(facts, columns=["", "value"])
    return table


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists of document keys as text (a cell holds one value)."""
    flat: pd.DataFrame = frame.copy()
    for name in flat.columns:
        if flat[name].map(lambda value: isinstance(value, list)).any():
            flat[name] = flat[name].map(_joined)
    return flat


def _joined(value: Any) -> Any:
    return (
        _LIST_COLUMNS_JOIN.join(str(part) for part in value) if isinstance(value, list) else value
    )


def _tidy(sheet: Any, *, header_row: int) -> None:
    """Bold, frozen header with a filter; percentages as such; widths that fit."""
    from openpyxl.styles import Font

    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    if header_row == 1:
        sheet.freeze_panes = "A2"
        if sheet.max_row > 1:
            sheet.auto_filter.ref = sheet.dimensions
    else:
        for (cell,) in sheet.iter_rows(max_row=header_row - 2, max_col=1):
            cell.font = Font(bold=True)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = "0.0%"
    for column in sheet.columns:
        width = max((len(str(cell.value)) for cell in column if cell.value is not None), default=8)
        sheet.column_dimensions[column[0].column_letter].width = min(width + 2, _MAX_WIDTH)
