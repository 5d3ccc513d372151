"""Cancelling a request: the client's submit() future and the panel's Cancel button."""

from __future__ import annotations

import concurrent.futures
import threading
import time
from collections.abc import Iterator

import pytest

import jama_magic
from jama_magic.client import client_for
from jama_magic.request import JamaRequest
from jama_magic.sandbox import Sandbox
from jama_magic.widgets.panel import JamaPanel


class _Started:
    """A paging.Progress that signals when the first page is in."""

    def __init__(self) -> None:
        self.first_page = threading.Event()
        self.pages = 0

    def start(self, *, total_items: int | None, total_pages: int | None) -> None:
        self.total_pages = total_pages

    def advance(self, *, items: int, pages: int) -> None:
        self.pages += pages
        self.first_page.set()

    def close(self) -> None:
        pass


@pytest.fixture
def slow() -> Iterator[Sandbox]:
    """A sandbox that answers every request after 0.3 s, so a paged fetch takes a while."""
    with Sandbox(latency=0.3) as sb:
        jama_magic.connect("slow", url=sb.url, username=sb.username, password=sb.password)
        jama_magic.settings.max_concurrency = 1
        yield sb


def test_submit_future_cancel_stops_a_paged_fetch(slow: Sandbox) -> None:
    """cancel() on submit()'s future stops an all-pages fetch before its last page."""
    progress = _Started()
    req = JamaRequest.build("GET", "/items", query=[("project", "20")], all_pages=True)
    future = client_for("slow").submit(req, progress=progress)
    assert progress.first_page.wait(60)
    assert future.cancel() or future.cancelled()
    with pytest.raises(concurrent.futures.CancelledError):
        future.result(timeout=60)
    assert progress.total_pages is not None and progress.pages < progress.total_pages


def test_submit_refuses_a_write_on_a_read_only_connection(sandbox: Sandbox) -> None:
    """submit() runs the read-only check in the caller's thread, before any I/O."""
    jama_magic.connect(
        "ro", url=sandbox.url, username=sandbox.username, password=sandbox.password,
        read_only=True,
    )  # fmt: skip
    with pytest.raises(jama_magic.errors.ReadOnlyError):
        client_for("ro").submit(JamaRequest.build("DELETE", "/items/1003"))


def _wait_for_first_page(p: JamaPanel) -> None:
    deadline = time.monotonic() + 60
    while p.progress.pages < 1:
        assert time.monotonic() < deadline, "the first page never arrived"
        time.sleep(0.02)


def test_cancel_button_stops_the_fetch_and_leaves_the_panel_usable(slow: Sandbox) -> None:
    """Cancel during an all-pages fetch stops it, says so, and the next Send works."""
    p = JamaPanel(namespace={}, connection="slow", url="/items")
    p.query.set_pairs([("project", "20")])
    p.all_pages.value = True
    slow.reset_stats()
    p.send(wait=False)
    assert p.cancel_button.layout.display == "flex" and p.send_button.disabled
    _wait_for_first_page(p)
    p.cancel_button.click()
    assert p._thread is not None
    p._thread.join(60)
    assert not p.busy and slow.stats.requests < 9  # project 20 has 9 pages
    assert "cancelled after" in p.status.value and "nothing was kept" in p.status.value
    assert "cancelled" in p.progress.label.value
    assert p.response is None and p.cancel_button.layout.display == "none"
    assert not p.send_button.disabled and p.send_button.description == "Send"
    p.all_pages.value = False
    p.url.value = "/projects"
    p.query.set_pairs([])
    resp = p.send()
    assert resp is not None and resp.status_code == 200 and "200 OK" in p.status.value
    p.close()


def test_cancel_without_a_request_does_nothing(sandbox_conn: object) -> None:
    """cancel() when nothing is in flight returns False and changes nothing."""
    p = JamaPanel(namespace={})
    assert p.cancel() is False and "no request sent yet" in p.status.value
    p.close()
