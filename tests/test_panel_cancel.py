"""Cancelling a request: the client's submit() future and the panel's Cancel button."""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Iterator

import pytest

import jama_magic
from jama_magic.client import client_for
from jama_magic.request import JamaRequest
from jama_magic.sandbox import Sandbox


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
