"""The panel's form, second pass: copied cells run, Enter sends, suggestions, path variables."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ipywidgets as w
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.testing import globalipapp
from IPython.utils.capture import capture_output

from jama_magic.catalog import load_catalog
from jama_magic.connection import Connection
from jama_magic.response import JamaResponse
from jama_magic.widgets.panel import JamaPanel

NEW_ITEM = (
    '{"project": 20, "itemType": 33, "childItemType": 33, "location": {"parent": '
    '{"item": 1002}}, "fields": {"name": "from the panel {{ not a placeholder }}"}}'
)


@pytest.fixture(scope="module")
def ip() -> InteractiveShell:
    shell = globalipapp.start_ipython() or globalipapp.get_ipython()
    assert shell is not None
    shell.run_line_magic("load_ext", "jama_magic")
    return shell


@pytest.fixture
def panel(sandbox_conn: Connection) -> Iterator[JamaPanel]:
    p = JamaPanel(namespace={})
    yield p
    p.close()


def _run_cell(ip: InteractiveShell, code: str) -> Any:
    with capture_output():
        result = ip.run_cell(code)
    assert result.error_in_exec is None and result.error_before_exec is None, code
    return result.result


def test_copied_cell_without_body_runs(ip: InteractiveShell, panel: JamaPanel) -> None:
    """The %jama cell of a GET with query and --all runs in IPython and fetches every page."""
    panel.url.value = "/items"
    panel.query.set_pairs([("project", "20")])
    panel.all_pages.value = True
    assert panel.cell_text.value == "%jama GET /items -c sb -p project=20 --all"
    resp = _run_cell(ip, panel.cell_text.value)
    assert isinstance(resp, JamaResponse) and resp.status_code == 200 and resp.pages > 1


def test_copied_cell_with_body_runs(ip: InteractiveShell, panel: JamaPanel) -> None:
    """A POST's cell is %%jama with the JSON body below; it runs and Jama answers it."""
    panel.method.value, panel.url.value = "POST", "/items"
    panel.body.value = NEW_ITEM
    assert panel.cell_text.value.startswith("%%jama POST /items -c sb\n{")
    resp = _run_cell(ip, panel.cell_text.value)
    assert isinstance(resp, JamaResponse) and resp.status_code == 201
    assert resp.created_id is not None


def test_enter_in_the_url_box_sends(panel: JamaPanel) -> None:
    """The front end's "submit" event (Enter) in the URL box sends the request."""
    panel.url.value = "/projects"
    panel.url._handle_custom_msg({"event": "submit"}, [])
    assert panel._thread is not None
    panel._thread.join(60)
    assert panel.response is not None and "200 OK · GET /projects" in panel.status.value


def test_enter_in_a_query_value_sends(panel: JamaPanel) -> None:
    """Enter in a query parameter's value box sends too."""
    panel.url.value = "/items"
    row = panel.query.add_row("project", "20")
    row.value._handle_custom_msg({"event": "submit"}, [])
    assert panel._thread is not None
    panel._thread.join(60)
    assert panel.response is not None and "project=20" in panel.response.url


def test_url_suggestions_follow_the_method(panel: JamaPanel) -> None:
    """The URL box offers only the paths that take the chosen method."""
    catalog = load_catalog()
    assert "/items/{id}" in panel.url.options
    panel.method.value = "POST"
    assert set(panel.url.options) == {p for p in catalog if "POST" in catalog[p]}
    assert "/items" in panel.url.options and "/users/current" not in panel.url.options


def test_query_names_are_suggested_for_the_url(panel: JamaPanel) -> None:
    """A query row's name box offers the catalogue's parameters of the URL and method."""
    panel.url.value = "/items"
    row = panel.query.add_row()
    assert {"project", "include", "startAt"} <= set(row.key.options)
    panel.url.value = "/projects"
    assert "project" not in row.key.options


def test_path_variables_get_boxes_and_fill_the_url(panel: JamaPanel) -> None:
    """/items/{id}/children shows an {id} box; its value goes into the URL and the cell."""
    panel.url.value = "/items/{id}/children"
    assert list(panel.path_vars.boxes) == ["id"]
    assert panel.path_vars.widget.layout.display == "flex"
    assert "fill in the path variable {id}" in panel.cell_text.value
    panel.path_vars.boxes["id"].value = "1002"
    assert panel.cell_text.value == "%jama GET /items/1002/children -c sb"
    resp = panel.send()
    assert resp is not None and resp.status_code == 200
    panel.url.value = "/projects"
    assert panel.path_vars.widget.layout.display == "none"


def test_a_path_variable_is_url_quoted(panel: JamaPanel) -> None:
    """A value with a slash cannot change the path: it is percent-encoded."""
    panel.url.value = "/items/{id}"
    panel.path_vars.boxes["id"].value = "12/children"
    assert panel.build_request().url == "/items/12%2Fchildren"


def test_refused_send_replaces_the_old_status(panel: JamaPanel) -> None:
    """After a good response, a refused Send says "not sent" instead of the old green line."""
    panel.url.value = "/projects"
    assert panel.send() is not None and "200 OK" in panel.status.value
    panel.url.value = "https://elsewhere.example/x"
    assert panel.send() is None
    assert "200 OK" not in panel.status.value and "not sent" in panel.status.value
    assert panel.error_box.value.count("jama-error") == 1


def test_a_new_request_clears_the_old_result(panel: JamaPanel) -> None:
    """While a request runs the status says so and the previous table is gone."""
    panel.url.value = "/projects"
    panel.send()
    seen: list[str] = []
    panel.status.observe(lambda ch: seen.append(ch["new"]), names="value")
    tables: list[str] = []
    panel.table.observe(lambda ch: tables.append(ch["new"]), names="value")
    panel.send()
    assert "sending GET /projects" in seen[0] and tables[0] == ""


def test_created_item_shows_the_body_tab(panel: JamaPanel) -> None:
    """A 201 (a single object, not a list) selects the Body tab."""
    panel.method.value, panel.url.value = "POST", "/items"
    panel.body.value = NEW_ITEM
    resp = panel.send()
    assert resp is not None and resp.status_code == 201, panel.error_box.value
    assert panel.tabs.selected_index == 1 and "created id" in panel.status.value


def test_headers_tab_says_which_page(panel: JamaPanel) -> None:
    """With several pages, the Headers tab says they are the first page's."""
    panel.url.value, panel.all_pages.value = "/items", True
    panel.query.set_pairs([("project", "20")])
    resp = panel.send()
    assert resp is not None and resp.pages > 1
    assert f"the headers of the first of {resp.pages} pages" in panel.headers_view.value


def test_add_focuses_the_new_name_box(panel: JamaPanel, monkeypatch: pytest.MonkeyPatch) -> None:
    """ "add" appends a row and asks the front end to focus that row's name box."""
    focused: list[Any] = []
    monkeypatch.setattr(w.Combobox, "focus", lambda box: focused.append(box))
    panel.query.add_button.click()
    panel.query.add_button.click()
    assert focused == [row.key for row in panel.query.rows] and len(focused) == 2
