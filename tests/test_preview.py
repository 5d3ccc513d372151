"""The table in a response's HTML summary, against the sandbox: names, plain text, compact rows."""

from __future__ import annotations

import re

import jama_magic as jm
from jama_magic.connection import Connection
from jama_magic.sandbox import Sandbox


def _cells(html: str) -> list[str]:
    return re.findall(r"<td>(.*?)</td>", html, flags=re.S)


def test_summary_sends_no_request_and_shows_ids_until_names_are_known(
    sandbox: Sandbox, sandbox_conn: Connection
) -> None:
    """Rendering never sends a request; names appear once the connection has cached them."""
    resp = jm.request("GET", "/items", query={"project": 20}, limit=40)
    before = sandbox.stats.requests
    first = resp._repr_html_()
    assert sandbox.stats.requests == before  # no lookup was fetched to render
    assert "<td>Draft</td>" not in first
    resp.to_dataframe(resolve=True)  # fills the connection's lookups
    after = sandbox.stats.requests
    second = resp._repr_html_()
    assert sandbox.stats.requests == after
    assert "<td>Draft</td>" in second and "<td>Requirement</td>" in second


def test_summary_uses_linked_names_without_lookups(sandbox_conn: Connection) -> None:
    """Names the response brought in `linked` (include=) are shown at once."""
    resp = jm.request("GET", "/items", query={"project": 20, "include": "data.createdBy"}, limit=30)
    assert resp.linked.get("users")
    html = resp._repr_html_()
    names = {obj["firstName"] for obj in resp.linked["users"].values()}
    assert any(name in html for name in names)


def test_summary_cells_are_short_plain_text(sandbox_conn: Connection) -> None:
    """Rich text is plain (no tags, entities or \\n), long values are cut, missing is empty."""
    resp = jm.request("GET", "/items", query={"project": 20}, limit=40)
    html = resp._repr_html_()
    cells = _cells(html)
    assert "&lt;p&gt;" not in html and "&amp;#39;" not in html and "&amp;nbsp;" not in html
    assert not any("\\n" in cell or "\n" in cell for cell in cells)
    assert max(len(cell) for cell in cells) <= 80 + 10  # escaping may lengthen a little
    assert any(cell.endswith("…") for cell in cells)
    assert "NaN" not in html and "&lt;NA&gt;" not in html and "None" not in cells
    assert "white-space: nowrap" in html  # one line per row


def test_single_item_shows_its_fields_expanded(sandbox_conn: Connection) -> None:
    """GET /items/{id} shows a field/value table (names when known), JSON collapsed below."""
    jm.request("GET", "/items", query={"project": 20}, limit=5).to_dataframe(resolve=True)
    html = jm.request("GET", "/items/1003")._repr_html_()
    table, raw = html.split("<details>", 1)
    assert "<th>documentKey</th>" in table and "<td>DEMO-REQ-1</td>" in table
    assert "<th>status</th>" in table and "<td>Requirement</td>" in table
    assert raw.startswith("<summary>body (JSON)</summary>")
