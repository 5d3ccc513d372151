"""The widget panel driven from Python (set values, click, send) against the real sandbox."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from IPython.utils.text import DollarFormatter

import jama_magic
from jama_magic.connection import Connection
from jama_magic.errors import BodyError, JamaConnectError, ReadOnlyError, UnknownConnectionError
from jama_magic.magics.parse import RequestSpec, build_request, parse_line
from jama_magic.request import NO_BODY, JamaRequest
from jama_magic.sandbox import Sandbox
from jama_magic.widgets.cell import parse_body_text, to_cell
from jama_magic.widgets.panel import TAB_TITLES, JamaPanel


@pytest.fixture
def ns() -> dict[str, Any]:
    return {}


@pytest.fixture
def panel(sandbox_conn: Connection, ns: dict[str, Any]) -> Iterator[JamaPanel]:
    p = JamaPanel(namespace=ns)
    yield p
    p.close()


def _get(p: JamaPanel, url: str, **query: str) -> Any:
    p.method.value, p.url.value = "GET", url
    p.query.set_pairs(query.items())
    return p.send()


# the form
def test_connection_dropdown_lists_nicknames_with_default_selected(sandbox: Sandbox) -> None:
    """The dropdown offers every nickname and selects the default connection."""
    jama_magic.connect("a", url=sandbox.url, username="u", password="p", check=False)
    jama_magic.connect("b", url=sandbox.url, username="u", password="p", default=True, check=False)
    p = JamaPanel(namespace={})
    assert p.connection.options == ("a", "b")
    assert p.connection.value == "b"
    p.close()


def test_connection_dropdown_refreshes_and_keeps_selection(sandbox: Sandbox) -> None:
    """Adding a connection updates the options; the user's pick stays selected."""
    jama_magic.connect("a", url=sandbox.url, username="u", password="p", check=False)
    p = JamaPanel(namespace={})
    jama_magic.connect("b", url=sandbox.url, username="u", password="p", check=False)
    assert p.connection.options == ("a", "b")
    p.connection.value = "b"
    jama_magic.connect("c", url=sandbox.url, username="u", password="p", default=True, check=False)
    assert p.connection.value == "b"
    jama_magic.disconnect("b")
    assert p.connection.options == ("a", "c") and p.connection.value == "c"
    p.close()


def test_closed_panel_stops_following_the_registry(sandbox: Sandbox) -> None:
    """After close() a new connection no longer reaches the dropdown."""
    p = JamaPanel(namespace={})
    p.close()
    jama_magic.connect("late", url=sandbox.url, username="u", password="p", check=False)
    assert "late" not in p.connection.options


def test_url_suggestions_come_from_the_catalogue(panel: JamaPanel) -> None:
    """The URL combobox suggests Jama's endpoint templates."""
    assert {"/projects", "/items/{id}", "/items/{id}/children"} <= set(panel.url.options)


def test_body_is_cleared_and_disabled_for_get_and_delete(panel: JamaPanel) -> None:
    """GET and DELETE clear and disable the body editor; POST gets the typed body back."""
    assert panel.body.disabled
    panel.method.value = "POST"
    panel.body.value = '{"project": 20}'
    for method in ("PUT", "PATCH"):
        panel.method.value = method
        assert not panel.body.disabled and panel.body.value == '{"project": 20}'
    panel.method.value, panel.url.value = "DELETE", "/items/1003"
    assert panel.body.disabled and panel.body.value == ""
    assert panel.build_request().body is NO_BODY
    assert panel.cell_text.value == "%jama DELETE /items/1003 -c sb"
    panel.method.value = "POST"
    assert panel.body.value == '{"project": 20}'


def test_all_pages_is_for_get_only(panel: JamaPanel) -> None:
    """Leaving GET unticks and disables "all pages"; the cell carries no --all."""
    panel.url.value = "/items"
    panel.all_pages.value = True
    panel.method.value = "POST"
    assert panel.all_pages.disabled and not panel.all_pages.value
    assert "--all" not in panel.cell_text.value
    panel.method.value = "GET"
    assert not panel.all_pages.disabled


def test_body_is_validated_as_you_type(panel: JamaPanel) -> None:
    """Invalid JSON shows an inline error with line and column; fixing it clears it."""
    panel.method.value = "POST"
    panel.body.value = '{"project": 20,\n  "name" "x"}'
    assert "line 2, column 10" in panel.body_error.value
    panel.body.value = '{"project": 20,\n  "name": "x"}'
    assert panel.body_error.value == ""


def test_query_rows_can_be_added_and_removed(panel: JamaPanel) -> None:
    """The add button appends a row; a row's remove button deletes it."""
    panel.query.add_button.click()
    panel.query.add_button.click()
    panel.query.rows[0].key.value, panel.query.rows[0].value.value = "project", "20"
    panel.query.rows[1].key.value = "gone"
    panel.query.rows[1].remove.click()
    assert panel.query.pairs == [("project", "20")]
    assert len(panel.query.widget.children[1].children) == 1


def test_cell_text_follows_the_form(panel: JamaPanel) -> None:
    """The %%jama cell tab shows the request the form describes."""
    panel.url.value = "/items"
    panel.query.set_pairs([("project", "20"), ("include", "data.createdBy")])
    panel.headers.add_row("X-Trace", "on")
    panel.all_pages.value = True
    assert panel.cell_text.value == (
        "%jama GET /items -c sb -p project=20 -p include=data.createdBy -H 'X-Trace: on' --all"
    )
    assert panel.tabs.titles == TAB_TITLES


def test_cell_text_says_when_the_form_is_not_a_request_yet(panel: JamaPanel) -> None:
    """An invalid form shows why in the cell tab instead of a wrong cell."""
    panel.url.value = "https://evil.example/x"
    assert panel.cell_text.value.startswith("# not a valid request yet: refused")


# sending
def test_send_shows_status_table_body_headers(panel: JamaPanel, ns: dict[str, Any]) -> None:
    """A GET fills the status line and the Table, Body and Headers tabs."""
    resp = _get(panel, "/projects")
    assert resp is not None and resp.status_code == 200
    assert "200 OK · GET /projects" in panel.status.value and "items · 1 page" in panel.status.value
    assert ">Demo Project</td>" in panel.table.value
    assert panel.tabs.selected_index == 0
    assert "&quot;pageInfo&quot;" in panel.body_view.value
    assert "content-type" in panel.headers_view.value.lower()
    assert panel.error is None and panel.error_box.value == ""
    assert panel.response is resp and ns["jama_response"] is resp


def test_response_name_is_configurable(sandbox_conn: Connection) -> None:
    """JamaPanel(response_name=...) stores the response under that name."""
    ns: dict[str, Any] = {}
    p = JamaPanel(namespace=ns, response_name="projects")
    resp = _get(p, "/projects")
    assert ns == {"projects": resp}
    p.close()


def test_table_resolves_names(panel: JamaPanel) -> None:
    """The Table tab shows user names instead of user ids where it can."""
    resp = _get(panel, "/projects")
    assert resp is not None
    creator = resp.data[0]["createdBy"]
    assert f"<td>{creator}</td>" not in panel.table.value
    assert "Alice Smith" in panel.table.value


def test_repeated_query_keys_are_sent_repeatedly(panel: JamaPanel) -> None:
    """Two rows with the same key send the parameter twice."""
    panel.url.value = "/items"
    panel.query.set_pairs([("project", "20"), ("include", "data.createdBy"), ("include", "x")])
    resp = panel.send()
    assert resp is not None
    assert resp.url.count("include=") == 2


def test_headers_editor_rows_are_sent(panel: JamaPanel) -> None:
    """A header row goes out with the request."""
    panel.url.value = "/projects"
    panel.headers.add_row("X-Panel-Test", "yes")
    resp = panel.send()
    assert resp is not None
    assert ("x-panel-test", "yes") in [(k.lower(), v) for k, v in resp.request.headers]


def test_value_without_name_is_an_error(panel: JamaPanel) -> None:
    """A header row with a value but no name is refused with a message."""
    panel.url.value = "/projects"
    panel.headers.add_row("", "orphan")
    assert panel.send() is None
    assert "headers row 1 has a value but no name" in panel.error_box.value


def test_all_pages_shows_progress(panel: JamaPanel) -> None:
    """ "all pages" merges every page and the progress line counts them."""
    panel.all_pages.value = True
    resp = _get(panel, "/items", project="20")
    assert resp is not None and resp.pages > 1
    total = resp.page_info.total_results if resp.page_info else -1
    assert len(resp.data) == total
    label = panel.progress.label.value
    assert label == f"{total} of {total} items · {resp.pages} of {resp.pages} pages"
    assert panel.progress.bar.value == panel.progress.bar.max == total


def test_http_error_is_shown_with_jama_message(panel: JamaPanel, ns: dict[str, Any]) -> None:
    """A 404 shows a red status line and Jama's message; the response is still kept."""
    resp = _get(panel, "/items/99999999")
    assert resp is not None and resp.status_code == 404
    assert "404 Not Found" in panel.status.value and "jama-error" in panel.status.value
    assert resp.message and resp.message.split(".")[0] in panel.error_box.value
    assert "the URL box suggests Jama&#x27;s endpoints" in panel.error_box.value
    assert "%jama GET /" not in panel.error_box.value
    assert "no table" in panel.table.value
    assert panel.tabs.selected_index == 1  # the Body tab, where Jama's answer is
    assert ns["jama_response"] is resp


def test_bad_post_body_shows_the_400(panel: JamaPanel) -> None:
    """A POST that Jama refuses shows the 400 and Jama's message."""
    panel.method.value, panel.url.value = "POST", "/items"
    panel.body.value = '{"project": 20}'
    resp = panel.send()
    assert resp is not None and resp.status_code == 400
    assert "400 Bad Request" in panel.error_box.value


def test_invalid_json_is_refused_before_sending(panel: JamaPanel) -> None:
    """Send with invalid JSON shows the error in the panel and sends nothing."""
    panel.method.value, panel.url.value = "POST", "/items"
    panel.body.value = "{oops}"
    assert panel.send() is None
    assert "invalid JSON at line 1, column 2" in panel.body_error.value
    assert "invalid JSON" not in panel.error_box.value  # said once, under the body
    assert "the JSON body has an error" in panel.error_box.value
    assert "not sent" in panel.status.value
    assert panel.response is None and not panel.send_button.disabled


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "give a relative URL"),
        ("https://evil.example/projects", "give a relative URL starting with a single"),
        ("/items/{id}", "fill in the path variable {id}"),
        ("/../admin", "climbs out of the API root"),
    ],
)
def test_bad_urls_are_refused(panel: JamaPanel, url: str, message: str) -> None:
    """Empty, absolute, template and climbing URLs are refused with a clear line."""
    panel.url.value = url
    assert panel.send() is None
    assert message in panel.error_box.value


def test_no_connection_is_an_error() -> None:
    """Without any connection Send says how to make one."""
    p = JamaPanel(namespace={})
    p.url.value = "/projects"
    assert p.send() is None
    assert isinstance(p.error, UnknownConnectionError)
    assert "%jama sandbox" in p.error_box.value
    p.close()


def test_network_error_is_shown(ns: dict[str, Any]) -> None:
    """A host that does not answer gives a one-line connect error, and Send works again."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    jama_magic.connect(
        "dead", url=f"http://127.0.0.1:{port}", username="u", password="p", check=False
    )
    jama_magic.settings.retries = 0
    p = JamaPanel(namespace=ns)
    p.url.value = "/projects"
    assert p.send() is None
    assert isinstance(p.error, JamaConnectError)
    assert "cannot connect to 127.0.0.1" in p.error_box.value
    assert not p.send_button.disabled and ns == {}
    p.close()


def test_read_only_connection_refuses_writes(sandbox: Sandbox) -> None:
    """A POST on a read-only connection is refused in the panel before sending."""
    jama_magic.connect(
        "ro", url=sandbox.url, username=sandbox.username, password=sandbox.password, read_only=True
    )
    p = JamaPanel(namespace={}, method="POST", url="/items")
    p.body.value = "{}"
    assert p.send() is None
    assert isinstance(p.error, ReadOnlyError)
    assert "read-only" in p.error_box.value
    p.close()


def test_send_button_is_disabled_while_in_flight(sandbox_conn: Connection) -> None:
    """Clicking Send disables the button until the response arrives, then enables it."""
    p = JamaPanel(namespace={}, url="/projects")
    seen: list[bool] = []
    p.send_button.observe(lambda ch: seen.append(ch["new"]), names="disabled")
    p.send_button.click()
    assert p._thread is not None
    p._thread.join()
    assert seen == [True, False]
    assert "200 OK" in p.status.value
    p.close()


def test_second_send_while_busy_is_refused() -> None:
    """A send while a request is in flight is refused with a message; the first completes."""
    with Sandbox(latency=1.0) as slow:
        jama_magic.connect(
            "slow", url=slow.url, username=slow.username, password=slow.password, check=False
        )
        p = JamaPanel(namespace={}, url="/projects")
        p.send(wait=False)
        assert p.busy and p.send_button.disabled
        assert p.send() is None and "already in flight" in p.error_box.value
        assert p._thread is not None
        p._thread.join()
        assert p.response is not None and p.response.status_code == 200
        p.close()


def test_non_list_body_has_no_table(panel: JamaPanel) -> None:
    """A single object shows a note in the Table tab and pretty JSON in the Body tab."""
    resp = _get(panel, "/projects/20")
    assert resp is not None and resp.status_code == 200
    assert "no table" in panel.table.value
    assert "Demo Project" in panel.body_view.value


def test_panel_function_and_repr_hide_the_password(sandbox_conn: Connection) -> None:
    """jama_magic.panel() returns the panel; its repr names the connection, never the secret."""
    p = jama_magic.panel(url="/projects")
    p.send()
    assert isinstance(p, JamaPanel)
    assert repr(p).startswith("<JamaPanel sb: 200 OK")
    assert sandbox_conn.password is not None
    assert sandbox_conn.password.reveal() not in repr(p) + p.cell_text.value
    p.close()


def test_panel_can_be_opened_twice(sandbox_conn: Connection) -> None:
    """jm.panel() still works after its first call imported the panel module."""
    first, second = jama_magic.panel(), jama_magic.panel()
    assert isinstance(first, JamaPanel) and isinstance(second, JamaPanel)
    first.close()
    second.close()


# the %%jama cell text (pure)
CELL_CASES = [
    JamaRequest.build("GET", "/projects"),
    JamaRequest.build(
        "GET",
        "/items",
        query=[("project", "20"), ("include", "a"), ("include", "b")],
        all_pages=True,
        limit=30,
        timeout=5,
    ),
    JamaRequest.build(
        "GET",
        "/abstractitems",
        query=[("contains", "a b 'c' $HOME {x} $$"), ("k", "it's $x")],
        headers=[("X-Note", 'say "hi" {now}')],
    ),
    JamaRequest.build(
        "POST",
        "/items",
        body={"project": 20, "fields": {"name": "{{ not a placeholder }}", "nested": [{}]}},
    ),
]


@pytest.mark.parametrize("req", CELL_CASES)
def test_cell_round_trips_through_the_magic(req: JamaRequest) -> None:
    """IPython's line expansion plus the magic's parser give back the panel's request."""
    line, _, body = to_cell(req, connection="prod").partition("\n")
    assert line.startswith("%%jama " if req.body is not NO_BODY else "%jama ")
    expanded = DollarFormatter().vformat(line.split(" ", 1)[1], [], {})
    spec = parse_line(expanded)
    assert isinstance(spec, RequestSpec) and spec.connection == "prod"
    assert build_request(spec, cell=body, evaluate=lambda expr: pytest.fail(expr)) == req


def test_cell_shows_body_as_pretty_json() -> None:
    """The body goes below the magic line as indented JSON."""
    req = JamaRequest.build("PUT", "/items/42", body={"fields": {"name": "x"}})
    assert to_cell(req) == ('%%jama PUT /items/42\n{\n  "fields": {\n    "name": "x"\n  }\n}')


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1,}', "line 1, column 9"),
        ('{\n  "a": 1\n  "b": 2\n}', "line 3, column 3: Expecting ',' delimiter"),
        ("[NaN]", "NaN is not a JSON value"),
    ],
)
def test_body_errors_name_line_and_column(text: str, message: str) -> None:
    """Invalid body text raises BodyError saying where."""
    with pytest.raises(BodyError, match=re.escape(message)):
        parse_body_text(text)


def test_blank_body_is_no_body() -> None:
    """An empty or blank body box sends no body; `null` is a JSON body."""
    assert parse_body_text("  \n") is NO_BODY
    assert parse_body_text("null") is None
