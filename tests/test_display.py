"""How a response looks: the compact text form and the HTML summary (pure, no IPython)."""

from __future__ import annotations

from typing import Any

import httpx

from jama_magic import theme
from jama_magic.connection import Connection
from jama_magic.display import render_html, render_text, summary_line
from jama_magic.response import JamaResponse, RequestView


def _response(
    status: int = 200,
    body: Any = None,
    *,
    method: str = "GET",
    url: str = "/items",
    size: int = 100,
    pages: int = 1,
    retries: int = 0,
    warnings: list[str] | None = None,
) -> JamaResponse:
    view = RequestView(
        method=method,
        url="https://j.example/rest/latest" + url,
        relative_url=url,
        headers=(),
        body=None,
    )
    return JamaResponse(
        status_code=status,
        headers=httpx.Headers(),
        body=body,
        request=view,
        elapsed=0.123,
        size=size,
        pages=pages,
        retries=retries,
        warnings=warnings,
    )


def _page(n: int, total: int) -> dict[str, Any]:
    return {
        "meta": {
            "status": "OK",
            "pageInfo": {"startIndex": 0, "resultCount": n, "totalResults": total},
        },
        "links": {},
        "data": [{"id": i, "name": f"row {i}"} for i in range(n)],
    }


def test_summary_line_of_a_list() -> None:
    """The summary says status, request, time, size, items of total and pages."""
    line = summary_line(_response(body=_page(20, 440), size=2048, pages=1))
    assert line == "200 OK · GET /items · 0.12 s · 2.0 kB · 20 of 440 items · 1 page"


def test_summary_line_all_items_retries_and_created() -> None:
    """All items omit 'of'; retries and a created id are shown."""
    assert "5 items · 2 pages · 1 retry" in summary_line(
        _response(body=_page(5, 5), pages=2, retries=1)
    )
    created = _response(201, {"meta": {"status": "Created", "id": 9}}, method="POST")
    assert summary_line(created).endswith("created id 9")


def test_sizes() -> None:
    """Sizes are shown in B, kB and MB."""
    assert " 999 B" in summary_line(_response(size=999))
    assert "3.0 MB" in summary_line(_response(size=3 * 1024 * 1024))


def test_text_repr_of_success_and_error() -> None:
    """The text form is one line for success; errors add Jama's message."""
    assert repr(_response(body=_page(2, 2))).startswith("<JamaResponse 200 OK · GET /items")
    assert "\n" not in repr(_response(body=_page(2, 2)))
    err = _response(
        404, {"meta": {"status": "Not Found", "message": "No item with id 9"}}, url="/items/9"
    )
    expected = "<JamaResponse 404 Not Found · GET /items/9 · 0.12 s · 100 B>"
    assert render_text(err) == expected + "\n  message: No item with id 9"


def test_text_repr_lists_warnings() -> None:
    """Warnings are listed in the text form."""
    assert "  warning: stopped at limit" in render_text(_response(warnings=["stopped at limit"]))


def test_html_table_preview_of_list() -> None:
    """A list body shows as an HTML table limited to `rows`, with a note on the rest."""
    html = render_html(_response(body=_page(30, 30)), rows=5)
    assert "<table" in html
    assert "row 4" in html and "row 5" not in html
    assert "25 more rows: use .df" in html


def test_html_rows_zero_shows_json_instead() -> None:
    """rows=0 shows no table, only the JSON body."""
    html = render_html(_response(body=_page(3, 3)), rows=0)
    assert "<table" not in html
    assert "<pre>" in html


def test_html_single_object_shows_its_fields() -> None:
    """A single object shows its fields as a field/value table, the JSON collapsed below."""
    body = {"meta": {"status": "OK"}, "data": {"id": 1, "name": "One", "note": None}}
    html = render_html(_response(body=body))
    table, raw = html.split("<details>")
    assert "<th>name</th>" in table and "<td>One</td>" in table
    assert "<th>note</th>" not in table  # empty fields are left out
    assert raw.startswith("<summary>body (JSON)</summary><pre>")
    assert "&quot;id&quot;: 1" in raw


def test_html_error_shows_jama_message_escaped() -> None:
    """An error shows 'Jama says:' with the message HTML-escaped, in the theme's error colour."""
    body = {"meta": {"status": "Bad Request", "message": "<script>alert(1)</script> bad"}}
    html = render_html(_response(400, body, method="POST"))
    assert "<b>Jama says:</b> &lt;script&gt;alert(1)&lt;/script&gt; bad" in html
    assert "<script>" not in html
    assert f"color:{theme.ERROR}" in html


def test_html_escapes_table_cells() -> None:
    """HTML in data is escaped in the table preview."""
    body = {"meta": {}, "data": [{"name": "<img src=x onerror=alert(1)>"}]}
    html = render_html(_response(body=body))
    assert "<img" not in html


def test_html_of_binary_and_empty() -> None:
    """Binary bodies are described, empty bodies show only the summary."""
    assert "&lt;3 bytes of binary data&gt;" in render_html(_response(body=b"\x00\x01\x02"))
    empty = render_html(_response(204, None, method="DELETE"))
    assert "<pre>" not in empty and "204 No Content" in empty


def test_html_long_body_truncated() -> None:
    """A huge body is cut with a note instead of flooding the notebook."""
    html = render_html(_response(body={"data": "x" * 10_000}))
    assert "more characters" in html
    assert len(html) < 6000


def test_repr_html_uses_display_rows_setting() -> None:
    """_repr_html_ follows settings.display_rows."""
    import jama_magic

    jama_magic.settings.display_rows = 2
    html = _response(body=_page(10, 10))._repr_html_()
    assert "8 more rows" in html


def test_item_preview_shows_names_and_fields_first(sandbox_conn: Connection) -> None:
    """The HTML preview of items leads with documentKey, name and fields, not bookkeeping."""
    import jama_magic as jm

    html = jm.request("GET", "/items", query={"project": 20}, limit=5)._repr_html_()
    header = html.split("</thead>")[0]
    assert "<th>name</th>" in header and "<th>documentKey</th>" in header
    assert "<th>globalSortOrder</th>" not in header
    assert "more columns: use .df" in html
