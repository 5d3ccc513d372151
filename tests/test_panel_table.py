"""The panel's Table tab: only the shown rows converted, paging, sorting, every column, no NaN."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

import jama_magic.widgets.table as table_module
from jama_magic.connection import Connection
from jama_magic.response import JamaResponse
from jama_magic.widgets.panel import JamaPanel
from jama_magic.widgets.table import cell_text, header_text


@pytest.fixture
def panel(sandbox_conn: Connection) -> Iterator[JamaPanel]:
    p = JamaPanel(namespace={})
    yield p
    p.close()


@pytest.fixture
def converted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of rows of every to_dataframe call the Table tab makes."""
    sizes: list[int] = []
    real = table_module.to_dataframe

    def counting(data: Any, **kw: Any) -> pd.DataFrame:
        sizes.append(len(data))
        return real(data, **kw)

    monkeypatch.setattr(table_module, "to_dataframe", counting)
    return sizes


def _all_items(p: JamaPanel) -> JamaResponse:
    p.url.value, p.all_pages.value = "/items", True
    p.query.set_pairs([("project", "20")])
    resp = p.send()
    assert resp is not None and isinstance(resp.data, list) and len(resp.data) > 100
    return resp


def _column(html: str, index: int) -> list[str]:
    rows = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1], re.S)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[index] for row in rows]


def _headers(html: str) -> list[str]:
    return re.findall(r'<th title="([^"]*)"', html)


def test_only_the_shown_rows_are_converted(panel: JamaPanel, converted: list[int]) -> None:
    """440 items: the table converts 50 rows, and 50 more per page turned."""
    resp = _all_items(panel)
    assert converted == [50]
    assert panel.table_view.position.value == f"rows 1–50 of {len(resp.data)}"
    panel.table_view.next.click()
    assert converted == [50, 50]
    assert panel.table_view.position.value == f"rows 51–100 of {len(resp.data)}"


def test_paging_reaches_the_last_row_and_stops(panel: JamaPanel) -> None:
    """next walks to the last page (prev/next disabled at the ends); its rows are the last ones."""
    resp = _all_items(panel)
    view = panel.table_view
    assert view.prev.disabled and not view.next.disabled
    for _ in range(math.ceil(len(resp.data) / 50)):
        view.next.click()
    assert view.next.disabled and not view.prev.disabled
    first = len(resp.data) - (len(resp.data) - 1) % 50
    assert view.position.value == f"rows {first}–{len(resp.data)} of {len(resp.data)}"
    assert _column(panel.table.value, 0)[-1] == str(resp.data[-1]["id"])


def test_sorting_orders_every_row(panel: JamaPanel) -> None:
    """Sort by name orders all rows (case-blind), descending reverses, server order restores."""
    resp = _all_items(panel)
    names = sorted((row["fields"]["name"] for row in resp.data), key=str.casefold)
    column = _headers(panel.table.value).index("name")
    panel.table_view.sort_by("name")
    shown = _column(panel.table.value, column)
    assert [n.casefold() for n in shown] == [" ".join(n.split()).casefold() for n in names[:50]]
    panel.table_view.descending.value = True
    last = _column(panel.table.value, column)[0]
    assert last.casefold() == " ".join(names[-1].split()).casefold()
    panel.table_view.sort.value = ""
    assert _column(panel.table.value, 0)[0] == str(resp.data[0]["id"])


def test_sorting_puts_empty_cells_last(panel: JamaPanel) -> None:
    """Rows without a value in the sort column come after every row that has one."""
    resp = _all_items(panel)
    panel.table_view.sort_by("release")
    for _ in range(math.ceil(len(resp.data) / 50)):
        panel.table_view.next.click()
    column = _headers(panel.table.value).index("release")
    assert _column(panel.table.value, column)[-1] == ""


def test_every_column_is_shown_and_empty_cells_are_empty(panel: JamaPanel) -> None:
    """No pandas "…" column; no NaN, <NA>, NaT or None text; dates without midnight."""
    _all_items(panel)
    frame = table_module.page_frame(panel.response, panel.response.data[:50])  # type: ignore[union-attr]
    html = panel.table.value
    assert len(_headers(html)) == len(frame.columns) + 1  # + the id
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html)
    assert not {"NaN", "&lt;NA&gt;", "NaT", "None", "nan", "..."} & set(cells)
    assert not any("00:00:00" in c for c in cells)
    assert "<td></td>" in html


def test_headers_use_names_and_drop_id_of_resolved_columns(panel: JamaPanel) -> None:
    """/projects: fields.statusId shows names, so its header is "Status"; globalId keeps "id"."""
    panel.url.value = "/projects"
    panel.send()
    html = panel.table.value
    assert re.search(r'<th title="statusId">Status</th>', html), html[:500]
    assert header_text("globalId", {}) == "Global id"
    assert header_text("createdBy", {}) == "Created by"
    assert header_text("status", {"status": "Workflow status"}) == "Workflow status"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (float("nan"), ""),
        (pd.NA, ""),
        (pd.NaT, ""),
        (pd.Timestamp("2022-10-11", tz="UTC"), "2022-10-11"),
        (pd.Timestamp("2022-10-11 13:45:10", tz="UTC"), "2022-10-11 13:45"),
        (["Inspection", None, "Test"], "Inspection, Test"),
        ({"a": 1}, '{"a": 1}'),
        (7.0, "7"),
        (False, "False"),
        ("Draft", "Draft"),
    ],
)
def test_cell_text_reads_like_a_person_writes(value: Any, text: str) -> None:
    """Empty values are empty; dates, lists and objects are short readable text."""
    assert cell_text(value) == text


def test_not_a_list_says_so_and_hides_the_pager(panel: JamaPanel) -> None:
    """A single object: a note in the Table tab, no pager."""
    panel.url.value = "/projects/20"
    panel.send()
    assert "no table" in panel.table.value
    assert panel.table_view.pager.layout.display == "none"
