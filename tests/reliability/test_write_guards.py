"""A write is sent at most once, as the method the user asked for, and only when allowed.

Against a hostile loopback server (``RecordingServer``) that counts what it
receives: paging options on a write, redirects of writes (301/302/303/307/308
and a 307 loop) and a hand-made lower-case method on guarded connections.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

import jama_magic
from jama_magic.client import client_for
from jama_magic.display import one_line
from jama_magic.errors import JamaError, JamaUsageError, ReadOnlyError, WriteNotConfirmedError
from jama_magic.request import JamaRequest

from ._oracles import assert_clean_message
from ._servers import RecordingServer
from ._shell import shell

AREA = "Safe writes"
WRITES = ["POST", "PUT", "PATCH", "DELETE"]
PAGE = {
    "meta": {"status": "OK", "pageInfo": {"startIndex": 0, "resultCount": 1, "totalResults": 4}},
    "data": [{"id": 1}],
}

pytestmark = pytest.mark.usefixtures("fast_backoff")


def _body(method: str) -> Any:
    return jama_magic.NO_BODY if method == "DELETE" else {"fields": {"name": "x"}}


@pytest.mark.parametrize("paging", ["all_pages", "limit"])
def test_paging_options_on_a_write_are_a_usage_error(ledger: Any, paging: str) -> None:
    """--all or --limit on POST/PUT/PATCH/DELETE is refused before anything is sent."""
    option: dict[str, Any] = {"all_pages": True} if paging == "all_pages" else {"limit": 3}
    lines = []
    with RecordingServer(body=PAGE) as server:
        jama_magic.connect("w", url=server.url, username="u", password="pw-paging-1", check=False)
        for method in WRITES:
            with pytest.raises(JamaUsageError) as info:
                jama_magic.request(method, "/items/1", body=_body(method), **option)
            lines.append(assert_clean_message(info.value))
        sent = len(server.seen)
    ledger.record(
        f"{paging} on each write method (a write sent once per page?)",
        cases=len(WRITES),
        outcome=f"{len(lines)} usage errors ({lines[0]}); {sent} requests sent",
        loss=sent,
    )
    assert sent == 0


def test_paging_options_on_a_write_through_the_magic(
    ledger: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """%%jama POST /items --all is one UsageError line; the server gets nothing."""
    from IPython.core.error import UsageError

    ip = shell()
    with RecordingServer(body=PAGE) as server:
        monkeypatch.setenv("JAMA_WM_PASSWORD", "pw-magic-2")
        ip.run_line_magic("jama", f"connect wm --url {server.url} --username u --no-check")
        with pytest.raises(UsageError) as post:
            ip.run_cell_magic("jama", "POST /items -c wm --all", '{"fields": {}}')
        with pytest.raises(UsageError):
            ip.run_line_magic("jama", "DELETE /items/1 -c wm --limit 3")
        sent = len(server.seen)
    ledger.record(
        "magic: %%jama POST --all, DELETE --limit 3",
        cases=2,
        outcome=f"user sees: {post.value}; {sent} requests sent",
        loss=sent,
    )
    assert sent == 0 and "\n" not in str(post.value)


REDIRECTS = [(m, s) for m in ("POST", "PUT", "PATCH", "DELETE") for s in (301, 302, 303, 307, 308)]


@pytest.mark.parametrize(("method", "status"), REDIRECTS, ids=[f"{m}-{s}" for m, s in REDIRECTS])
def test_redirected_write_is_sent_once_and_reported(ledger: Any, method: str, status: int) -> None:
    """A write answered with a redirect is not followed (nor turned into a GET): one clear error."""
    with RecordingServer(status=status) as server:
        server.reply_headers["Location"] = f"{server.url}/rest/latest/items/elsewhere"
        jama_magic.connect(
            "rd", url=server.url, username="u", password="pw-redirect-3", check=False
        )
        with pytest.raises(JamaError) as info:
            jama_magic.request(method, "/items/1", body=_body(method))
        seen = [(s.method, s.path) for s in server.seen]
    shown = assert_clean_message(info.value)
    ledger.record(
        f"{status} redirect of a {method}",
        cases=1,
        outcome=f"{len(seen)} request(s) received ({seen[0][0]}); user sees: {shown}",
        loss=len(seen) - 1,
    )
    assert seen == [(method, "/rest/latest/items/1")]
    assert str(status) in shown and "redirect" in shown.lower()


def test_redirect_loop_on_a_write_sends_it_once(ledger: Any) -> None:
    """A 307 pointing back at itself: the POST reaches the server once, not 21 times."""
    with RecordingServer(status=307) as server:
        server.reply_headers["Location"] = f"{server.url}/rest/latest/items"
        jama_magic.connect("loop", url=server.url, username="u", password="pw-loop-4", check=False)
        with pytest.raises(JamaError) as info:
            jama_magic.request("POST", "/items", body={"fields": {}})
        posts = sum(s.method == "POST" for s in server.seen)
    ledger.record(
        "307 redirect loop on a POST",
        cases=1,
        outcome=f"{posts} POST(s) received; user sees: {one_line(info.value)}",
        loss=posts - 1,
    )
    assert posts == 1 and len(server.seen) == 1


def test_reads_still_follow_same_origin_redirects() -> None:
    """A GET answered with a redirect on the same host is still followed."""
    with RecordingServer() as target, RecordingServer(status=302) as server:
        # a different port is another origin, so the target answers without credentials
        server.reply_headers["Location"] = f"{target.url}/rest/latest/projects"
        jama_magic.connect("rg", url=server.url, username="u", password="pw-read-5", check=False)
        resp = jama_magic.request("GET", "/projects")
        assert resp.ok and len(target.seen) == 1


@pytest.mark.parametrize("method", ["delete", "Post", "pUt", "patch"])
def test_hand_made_lower_case_write_is_guarded(ledger: Any, method: str) -> None:
    """JamaRequest(method="delete") made by hand meets read_only and confirm_writes."""
    with RecordingServer() as server:
        jama_magic.connect(
            "ro", url=server.url, username="u", password="p6", read_only=True, check=False
        )
        jama_magic.connect(
            "cw", url=server.url, username="u", password="p6", confirm_writes=True, check=False
        )
        body = _body(method.upper())
        req = JamaRequest(method=method, url="/items/1", body=body)
        replaced = dataclasses.replace(JamaRequest(url="/items/1"), method=method, body=body)
        for made in (req, replaced):
            with pytest.raises(ReadOnlyError):
                client_for("ro").send(made)
            with pytest.raises(WriteNotConfirmedError):
                client_for("cw").send(made)
        sent = len(server.seen)
    ledger.record(
        f"hand-made JamaRequest(method={method!r}) on read_only / confirm_writes",
        cases=4,
        outcome=f"method normalised to {req.method}; 4 refused; {sent} requests sent",
        loss=sent,
    )
    assert req.method == method.upper() and sent == 0
