"""Multi-page fetches against the real sandbox: faults, rate limits, --limit, writers, Ctrl-C."""

from __future__ import annotations

import asyncio
import math
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import jama_magic
from jama_magic import retry
from jama_magic.client import JamaClient
from jama_magic.errors import ServerError
from jama_magic.response import JamaResponse
from jama_magic.sandbox import Sandbox

PROJECT = 20


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    """A sandbox of this module's own (the tests change its latency and limits)."""
    with Sandbox(seed=3) as sandbox:
        yield sandbox


@pytest.fixture
def fresh(sb: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    """The module sandbox, quick and unlimited, counters zeroed, backoff in milliseconds."""
    sb.set_latency(0)
    sb.set_rate_limit(None)
    sb.reset_stats()
    monkeypatch.setattr(retry, "BASE_DELAY", 0.001)
    jama_magic.settings.rate_limit = None
    return sb


def client(sb: Sandbox) -> JamaClient:
    conn = jama_magic.connect(
        "sb", url=sb.url, username=sb.username, password=sb.password, check=False
    )
    return JamaClient(conn)


def project_ids(sb: Sandbox) -> list[int]:
    """Project 20's item ids in server order, read without faults."""
    resp = client(sb).request("GET", "/items", query={"project": PROJECT}, all_pages=True)
    return [row["id"] for row in resp.data]


def fetch_all(jc: JamaClient, **kw: Any) -> JamaResponse:
    return jc.request("GET", "/items", query={"project": PROJECT}, all_pages=True, **kw)


def ids(resp: JamaResponse) -> list[int]:
    return [row["id"] for row in resp.data]


def test_scheduled_faults_still_give_every_item_once_in_order(fresh: Sandbox) -> None:
    """429, 503, a dropped connection, 502, 504 and a truncated body: every item once, in order."""
    expected = project_ids(fresh)
    faults = ["429", "503", "drop", "502", None, "504", "truncate", "429:0"]
    fresh.schedule_faults(faults, method="GET", path_prefix="/items")
    fresh.reset_stats()
    jama_magic.settings.page_size = 20
    resp = fetch_all(client(fresh))
    assert ids(resp) == expected
    assert resp.retries == 7
    assert fresh.stats.faults == 7
    assert fresh.stats.requests == math.ceil(len(expected) / 20) + 7


def test_matching_limits_mean_no_429s(fresh: Sandbox) -> None:
    """Client limit = server limit (10/s): the sandbox never answers 429."""
    fresh.set_rate_limit(10)
    jama_magic.settings.rate_limit = 10
    jama_magic.settings.page_size = 20
    jama_magic.settings.max_concurrency = 8
    resp = fetch_all(client(fresh))
    assert fresh.stats.requests > 15  # more than the server's burst of 10
    assert fresh.stats.rate_limited == 0
    assert resp.retries == 0


def test_without_the_client_limit_the_same_fetch_is_throttled_but_complete(
    fresh: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Control: no cap, so the learned rate overshoots the server's 10/s at first: 429s, retried."""
    monkeypatch.setattr(retry, "BASE_DELAY", 0.5)  # the real backoff: the server must refill
    expected = project_ids(fresh)
    fresh.set_rate_limit(10)
    fresh.reset_stats()
    jama_magic.settings.page_size = 20
    jama_magic.settings.max_concurrency = 8
    resp = fetch_all(client(fresh))
    assert fresh.stats.rate_limited > 0
    assert resp.retries == fresh.stats.rate_limited
    assert ids(resp) == expected


@pytest.mark.parametrize(("limit", "requests"), [(7, 1), (50, 1), (120, 3), (200, 4)])
def test_limit_sends_only_the_requests_it_needs(fresh: Sandbox, limit: int, requests: int) -> None:
    """--limit N: ceil(N / 50) requests and N items."""
    resp = client(fresh).request("GET", "/items", query={"project": PROJECT}, limit=limit)
    assert len(resp.data) == limit
    assert fresh.stats.requests == requests


def test_all_pages_sends_one_request_per_page(fresh: Sandbox) -> None:
    """--all on N items: exactly ceil(N / 50) requests."""
    resp = fetch_all(client(fresh))
    assert fresh.stats.requests == math.ceil(len(resp.data) / 50) == resp.pages


def test_writes_are_not_retried_on_503(fresh: Sandbox) -> None:
    """POST answered 503 is sent once and raises."""
    fresh.schedule_faults(["503"], method="POST", path_prefix="/items")
    with pytest.raises(ServerError):
        client(fresh).request("POST", "/items", body=new_item_body(fresh))
    assert fresh.stats.by_route["POST /items"] == 1


def test_writes_are_retried_on_429(fresh: Sandbox) -> None:
    """POST answered 429 (not processed) is sent again and counted."""
    fresh.schedule_faults(["429:0"], method="POST", path_prefix="/items")
    resp = client(fresh).request("POST", "/items", body=new_item_body(fresh))
    assert resp.status_code == 201 and resp.retries == 1
    assert fresh.stats.by_route["POST /items"] == 2


def test_retry_after_is_honoured(fresh: Sandbox) -> None:
    """A 429 with Retry-After: 1 is retried after (at least) that second."""
    fresh.schedule_faults(["429:1"], method="GET", path_prefix="/projects")
    jc = client(fresh)
    began = time.monotonic()
    resp = jc.request("GET", "/projects")
    assert resp.retries == 1
    assert time.monotonic() - began >= 1.0


def new_item_body(sb: Sandbox) -> dict[str, Any]:
    """A valid POST /items body: a sibling of project 20's third item."""
    item = client(sb).request("GET", "/items", query={"project": PROJECT}, limit=3).data[-1]
    parent = item["location"]["parent"]
    return {
        "project": PROJECT,
        "itemType": item["itemType"],
        "location": {"parent": parent},
        "fields": {"name": "added during a fetch"},
    }


class OnPage:
    """A progress display that runs ``action(page_number)`` as pages come in (I/O thread)."""

    def __init__(self, action: Callable[[int], None]) -> None:
        self.action = action
        self.pages = 0

    def start(self, *, total_items: int | None, total_pages: int | None) -> None:
        pass

    def advance(self, *, items: int, pages: int) -> None:
        self.pages += pages
        self.action(self.pages)

    def close(self) -> None:
        pass


def test_items_posted_during_a_fetch_are_neither_duplicated_nor_lost(fresh: Sandbox) -> None:
    """A concurrent writer POSTs items mid-fetch: each id once, every pre-existing item present."""
    before = set(project_ids(fresh))
    body = new_item_body(fresh)
    created: list[int] = []
    writer = httpx.Client(
        base_url=fresh.url + "/rest/latest", auth=(fresh.username, fresh.password)
    )

    def write(page: int) -> None:
        if page in (2, 6, 12):  # blocking on purpose: the fetch's other pages are in flight
            for _ in range(3):
                created.append(writer.post("/items", json=body).json()["meta"]["id"])

    fresh.set_latency(0.05)
    jama_magic.settings.page_size = 10
    resp = fetch_all(client(fresh), progress=OnPage(write))
    writer.close()
    got = ids(resp)
    assert len(created) == 9
    assert len(got) == len(set(got))
    assert before <= set(got)
    assert set(got) <= before | set(created)
    assert any("changed during the fetch" in note for note in resp.warnings)


def test_items_deleted_during_a_fetch_are_detected_and_the_list_reread(fresh: Sandbox) -> None:
    """A writer DELETEs early items mid-fetch: warned, and the result is the list as it ends."""
    writer = httpx.Client(
        base_url=fresh.url + "/rest/latest", auth=(fresh.username, fresh.password)
    )
    start = project_ids(fresh)
    leaves = [i for i in start if not fresh.dataset.items[i].get("childItemType")][:3]

    def delete(page: int) -> None:
        if page == 3:
            for item_id in leaves:
                writer.delete(f"/items/{item_id}").raise_for_status()

    fresh.set_latency(0.05)
    jama_magic.settings.page_size = 10
    resp = fetch_all(client(fresh), progress=OnPage(delete))
    writer.close()
    fresh.set_latency(0)
    assert ids(resp) == project_ids(fresh)
    assert not set(leaves) & set(ids(resp))
    assert any("changed during the fetch" in note for note in resp.warnings)


def test_ctrl_c_stops_a_sync_fetch_and_all_its_requests(fresh: Sandbox) -> None:
    """KeyboardInterrupt mid-fetch: raised promptly, and the sandbox sees no request after it."""
    fresh.set_latency(0.3)
    jama_magic.settings.rate_limit = 10
    jama_magic.settings.page_size = 5  # about 90 pages: at 10/s at least 9 s to fetch them all
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))

    def interrupt_soon(page: int) -> None:
        if page == 1:
            timer.start()

    jc = client(fresh)
    began = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        fetch_all(jc, progress=OnPage(interrupt_soon))
    stopped = time.monotonic() - began
    sent = fresh.stats.requests
    time.sleep(1.0)  # longer than the latency: anything still queued would have arrived
    assert fresh.stats.requests == sent
    assert sent < 40  # far from all ~90 pages
    assert stopped < 5.0  # generous sanity bound; the whole fetch needs over 9 s


def test_sync_call_works_inside_a_running_event_loop(fresh: Sandbox) -> None:
    """A sync fetch from code running on an event loop (a Jupyter cell) and an awaited one."""
    jc = client(fresh)
    expected = project_ids(fresh)

    async def cell() -> tuple[list[int], list[int]]:
        sync = ids(fetch_all(jc))
        awaited = await jc.arequest("GET", "/items", query={"project": PROJECT}, all_pages=True)
        return sync, ids(awaited)

    sync, awaited = asyncio.run(cell())
    assert sync == expected and awaited == expected


def test_relationships_are_fetched_with_last_id_paging() -> None:
    """/relationships?project=20 on a server that requires lastId: every row once, ascending."""
    with Sandbox(require_last_id=True, seed=3) as sandbox:
        jama_magic.settings.rate_limit = None
        resp = client(sandbox).request(
            "GET", "/relationships", query={"project": PROJECT}, all_pages=True
        )
        rows = ids(resp)
        assert resp.page_info is not None
        assert len(rows) == resp.page_info.total_results > 50
        assert rows == sorted(set(rows))
        assert sandbox.stats.requests == resp.pages == math.ceil(len(rows) / 50)
