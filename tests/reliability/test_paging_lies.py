"""Servers that lie about their lists: wrong ``totalResults``, ``startAt`` or ``lastId`` ignored.

A ``ListServer`` on loopback serves a known list and counts the requests it
gets. Whatever it claims, ``--all`` must come back with exactly the items it
has (or one clear error), after a handful of requests, and Ctrl-C must stop a
fetch of a list that never ends.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

import jama_magic
from jama_magic.display import one_line
from jama_magic.errors import JamaProtocolError

from ._servers import ListServer

AREA = "Paging against lying servers"
pytestmark = pytest.mark.timeout(120)  # the old eager planner ran for minutes: fail, not hang


@pytest.fixture(autouse=True)
def plain(fast_backoff: None) -> Iterator[None]:
    """Default pacing (learned rate, 16 in flight), fast retries."""
    jama_magic.settings.rate_limit = None
    yield


def fetch(server: ListServer, url: str = "/items") -> Any:
    jama_magic.connect(
        "liar", url=server.url, username="u", password="p", default=True, check=False
    )
    return jama_magic.request("GET", url, query={"project": 20}, all_pages=True)


def ids(resp: Any) -> list[int]:
    return [row["id"] for row in resp.data]


def few_requests(pages: int) -> int:
    """What a fetch may cost: its pages, plus one window of pages sent past the end."""
    return pages + jama_magic.settings.max_concurrency + 1


@pytest.mark.parametrize("claimed", [100_000, 10**12])
def test_a_total_far_too_high_stops_at_the_first_short_page(ledger: Any, claimed: int) -> None:
    """totalResults far above the 50 items served: 50 items, a warning, a handful of requests."""
    with ListServer(50, total=claimed) as server:
        resp = fetch(server)
        sent = server.requests
    lost = abs(len(ids(resp)) - 50)
    warned = "; ".join(resp.warnings)
    ledger.record(
        f"totalResults {claimed:,} for 50 items",
        cases=1,
        outcome=f"{len(ids(resp))}/50 items after {sent} requests; warned: {warned}",
        loss=lost,
    )
    assert ids(resp) == [1000 + i for i in range(50)]
    assert sent <= few_requests(1)
    assert any("ended after 50 items" in note for note in resp.warnings)


def test_ctrl_c_stops_a_list_that_never_ends(ledger: Any) -> None:
    """totalResults 10**12, every page full: Ctrl-C stops the fetch and all its requests."""
    with ListServer(0, total=10**12, endless=True) as server:
        timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                fetch(server)
        finally:
            timer.cancel()
        sent = settled(server)  # requests sent before the interrupt may still be arriving
        time.sleep(1.0)  # a fetch still running would send more by now
        after = server.requests - sent
    ledger.record(
        "totalResults 10**12, every page full, Ctrl-C after 1 s",
        cases=1,
        outcome=f"KeyboardInterrupt after {sent} requests, {after} after it",
    )
    assert after == 0
    assert sent > 1  # it was really fetching when interrupted


def settled(server: ListServer) -> int:
    """The server's request count once it stopped changing for 0.3 s (at most 5 s)."""
    count, deadline = server.requests, time.monotonic() + 5.0
    while time.monotonic() < deadline:
        time.sleep(0.3)
        if server.requests == count:
            break
        count = server.requests
    return count


def test_total_zero_on_full_pages_reads_until_a_short_page(ledger: Any) -> None:
    """totalResults 0 while full pages come: every one of the 120 items, and a warning."""
    with ListServer(120, total=0) as server:
        resp = fetch(server)
        sent = server.requests
    ledger.record(
        "totalResults 0 on full pages (120 items)",
        cases=1,
        outcome=f"{len(ids(resp))}/120 items after {sent} requests",
        loss=abs(len(ids(resp)) - 120),
    )
    assert ids(resp) == [1000 + i for i in range(120)]
    assert any("totalResults 0" in note for note in resp.warnings)
    assert resp.page_info is not None and resp.page_info.total_results == 120
    assert sent <= few_requests(3)


def test_relationships_on_a_server_ignoring_last_id_are_read_by_offset(ledger: Any) -> None:
    """lastId ignored (older Jama): detected on page 2, read with startAt: 120 items, a warning."""
    with ListServer(120, ignore_last_id=True) as server:
        resp = fetch(server, "/relationships")
        sent = server.requests
    ledger.record(
        "/relationships: lastId ignored, startAt honoured (120 items)",
        cases=1,
        outcome=f"{len(ids(resp))}/120 items after {sent} requests, read by startAt",
        loss=abs(len(ids(resp)) - 120),
    )
    assert ids(resp) == [1000 + i for i in range(120)]
    assert any("ignored lastId" in note for note in resp.warnings)
    assert not any("appeared on two pages" in note for note in resp.warnings)
    assert sent <= few_requests(5)


@pytest.mark.parametrize("page_info", [True, False], ids=["with pageInfo", "without pageInfo"])
def test_a_server_ignoring_every_paging_parameter_is_one_clear_error(
    ledger: Any, page_info: bool
) -> None:
    """lastId and startAt both ignored: one clear error after a few requests, not a loop."""
    with ListServer(120, ignore_last_id=True, ignore_start=True, page_info=page_info) as server:
        with pytest.raises(JamaProtocolError) as caught:
            fetch(server, "/relationships")
        sent = server.requests
    line = one_line(caught.value)
    ledger.record(
        f"/relationships: lastId and startAt ignored, {'with' if page_info else 'no'} pageInfo",
        cases=1,
        outcome=f"one clear error after {sent} requests: {line}",
    )
    assert "\n" not in line
    assert "cannot be paged" in line or "ignores startAt" in line
    assert sent <= few_requests(3)


def test_items_on_a_server_ignoring_start_at_are_one_clear_error(ledger: Any) -> None:
    """startAt ignored (every page is the first): one clear error, not 50 items "deduplicated"."""
    with ListServer(120, ignore_start=True) as server:
        with pytest.raises(JamaProtocolError) as caught:
            fetch(server)
        sent = server.requests
    line = one_line(caught.value)
    ledger.record(
        "/items: startAt ignored (120 items claimed)",
        cases=1,
        outcome=f"one clear error after {sent} requests: {line}",
    )
    assert "ignores startAt" in line
    assert sent <= few_requests(3)
