"""The response summary and the panel in a real Jupyter kernel (nbclient) against the sandbox."""

from __future__ import annotations

from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

from test_notebooks import kernel_env  # noqa: E402  (after the importorskips)

CELLS = {
    "load": "%load_ext jama_magic\nimport jama_magic as jm",
    "sandbox": "%jama sandbox",
    "fetch": "r = %jama GET /items?project=20 --all",
    "first": "r",
    "names": "_ = r.to_dataframe(resolve=True)\nr",
    "item": "%jama GET /items/1003",
    "df": "%jama GET /items/1003 --df",
    "panel": "%jama panel",
    "stop": "jm.stop_sandbox()",
}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Each cell's outputs merged into one mime bundle (plus 'errors'), by cell name."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS.values()]
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3")
    client.execute(env=kernel_env(tmp_path_factory.mktemp("kernel")))
    return {name: _bundle(cell) for name, cell in zip(CELLS, nb.cells, strict=True)}


def _bundle(cell: Any) -> dict[str, Any]:
    merged: dict[str, Any] = {"errors": []}
    for out in cell.outputs:
        merged.update(out.get("data", {}))
        if out.output_type == "error":
            merged["errors"].append(f"{out.ename}: {out.evalue}")
    return merged


@pytest.mark.slow
def test_every_cell_runs(outputs: dict[str, dict[str, Any]]) -> None:
    """No cell of the kernel session fails."""
    assert {name: out["errors"] for name, out in outputs.items() if out["errors"]} == {}


@pytest.mark.slow
def test_summary_is_a_compact_table_of_plain_text(outputs: dict[str, dict[str, Any]]) -> None:
    """The first summary: plain short text, empty gaps, one-line rows; no HTML or \\n shown."""
    html = outputs["first"]["text/html"]
    assert "440 items · 9 pages" in html and "jama-preview" in html
    assert "white-space: nowrap" in html
    for raw in ("&lt;p&gt;", "&amp;#39;", "&amp;nbsp;", "\\n", "&lt;NA&gt;", "NaN"):
        assert raw not in html, raw


@pytest.mark.slow
def test_summary_shows_names_once_known(outputs: dict[str, dict[str, Any]]) -> None:
    """After a resolve the same response's summary shows item types, statuses and users."""
    first, named = outputs["first"]["text/html"], outputs["names"]["text/html"]
    assert "<td>Requirement</td>" not in first  # nothing was fetched to render
    assert "<td>Requirement</td>" in named and "<td>Draft</td>" in named


@pytest.mark.slow
def test_single_item_is_expanded(outputs: dict[str, dict[str, Any]]) -> None:
    """GET /items/1003 shows its fields as a table; --df gives a one-row frame."""
    item = outputs["item"]["text/html"]
    assert "<th>documentKey</th>" in item and "<td>DEMO-REQ-1</td>" in item
    assert "<summary>body (JSON)</summary>" in item
    frame = outputs["df"]["text/html"]
    assert "DEMO-REQ-1" in frame and frame.count("<tr>") == 2  # the header and one row


@pytest.mark.slow
def test_panel_is_a_widget_in_jupyter(outputs: dict[str, dict[str, Any]]) -> None:
    """In a kernel %jama panel displays the widget panel (a terminal gets a one-line note)."""
    assert "application/vnd.jupyter.widget-view+json" in outputs["panel"]
