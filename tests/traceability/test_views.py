"""The Trace's views: HTML (coverage, bars, untraced first, links) and the Excel workbook."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from jama_magic.errors import JamaUsageError
from jama_magic.sandbox import generate
from jama_magic.traceability import Trace, TraceData, trace_data
from jama_magic.traceability.data import item_frame, relationship_frame
from jama_magic.traceability.html import render
from jama_magic.traceability.network import web_url


@pytest.fixture(scope="module")
def data() -> TraceData:
    """Project 20 of a generated dataset, as frames (no server)."""
    ds = generate(items=300, seed=3)
    return TraceData(
        projects=(20,),
        items=item_frame(i for i in ds.items.values() if i["project"] == 20),
        relationships=relationship_frame(ds.relationships.values()),
        item_types=ds.itemtypes,
        relationship_types={k: v["name"] for k, v in ds.relationshiptypes.items()},
        source="a generated dataset",
    )


@pytest.fixture
def t(data: TraceData) -> Trace:
    return trace_data(data, "Requirement", "Test Case")


def test_html_shows_the_figure_bars_and_untraced_first(t: Trace) -> None:
    """The view leads with the coverage figure, has a bar per set, lists untraced rows first."""
    html = t._repr_html_()
    assert f"{t.coverage:.1%}" in html
    for name in t.summary.index.drop("All"):
        assert name in html
    untraced = set(t.untraced["documentKey"])
    keys = re.findall(r"<td[^>]*>(DEMO-REQ-\d+)</td>", render(t, rows=len(t.matrix)))
    assert untraced and set(keys[: len(untraced)]) == untraced
    assert len(keys) == len(t.matrix)
    assert f"20 of {len(t.matrix)} rows, untraced first" in html


def test_html_links_keys_only_with_a_web_url(t: Trace, data: TraceData) -> None:
    """Keys link to Jama's item page when the connection has a web UI, never for the sandbox."""
    assert "<a " not in t._repr_html_()
    linked = Trace(replace(data, web_url="https://example.jamacloud.com"), t.spec)
    html = linked._repr_html_()
    item = int(t.untraced.index[0])
    assert f"https://example.jamacloud.com/perspective.req#/items/{item}?projectId=20" in html


def test_web_url_is_none_on_loopback() -> None:
    """Loopback hosts (the sandbox) have no web UI; other hosts do."""
    assert web_url("http://127.0.0.1:8765") is None
    assert web_url("http://localhost:8765") is None
    assert web_url("http://[::1]:8765") is None
    assert web_url("https://jama.example.com/contour") == "https://jama.example.com/contour"


def test_html_escapes_names(t: Trace, data: TraceData) -> None:
    """Item names are escaped, so markup in a name is shown, not run."""
    items = data.items.copy()
    items.loc[t.untraced.index[0], "name"] = "<script>alert(1)</script>"
    html = Trace(replace(data, items=items), t.spec)._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_text_repr_is_one_line(t: Trace) -> None:
    """The terminal repr names both directions' figures on one line."""
    text = repr(t)
    assert "\n" not in text
    assert f"{t.traced:,} of {t.total:,} traced" in text


def test_excel_workbook_for_reviewers(t: Trace, tmp_path: Path) -> None:
    """Summary, Matrix, Untraced sheets; frozen bold header, filters, widths, keys as text."""
    path = tmp_path / "trace.xlsx"
    t.to_excel(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Summary", "Matrix", "Untraced", "Untraced downstream"]
    matrix = book["Matrix"]
    header = [cell.value for cell in matrix[1]]
    assert header[:6] == ["id", "documentKey", "name", "itemType", "set", "downstream"]
    assert matrix.freeze_panes == "A2" and matrix["B1"].font.bold
    assert matrix.auto_filter.ref == matrix.dimensions
    assert matrix.max_row == len(t.matrix) + 1
    traced = t.matrix[t.matrix["count"] > 1].iloc[0]
    row = next(
        r for r in matrix.iter_rows(min_row=2, values_only=True) if r[1] == traced["documentKey"]
    )
    assert row[5] == ", ".join(traced["downstream"])
    assert book["Untraced"].max_row == len(t.untraced) + 1
    assert 10 < matrix.column_dimensions["C"].width <= 82
    summary = book["Summary"]
    facts = {row[0].value: row[1] for row in summary.iter_rows(max_col=2) if row[0].value}
    assert facts["Coverage"].value == pytest.approx(t.coverage)
    assert facts["Coverage"].number_format == "0.0%"
    assert facts["Traced"].value == f"{t.traced} of {t.total} Requirement"
    table = [[c.value for c in r] for r in summary.iter_rows(min_row=facts["set"].row)]
    assert table[0] == ["set", "items", "traced", "untraced", "coverage"]
    assert table[-1][:4] == ["All", t.total, t.traced, t.total - t.traced]


def test_excel_without_openpyxl_names_the_extra(
    t: Trace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without openpyxl the error says which extra to install, and no file is written."""
    import sys

    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(JamaUsageError, match=r'pip install "jama-magic\[excel\]"'):
        t.to_excel(tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_empty_relationships(data: TraceData) -> None:
    """A project without relationships is traced as nothing covered."""
    none = replace(data, relationships=relationship_frame([]))
    t = trace_data(none, "Requirement", "Test Case")
    assert t.traced == 0 and t.coverage == 0.0
    assert len(t.untraced) == t.total > 0
