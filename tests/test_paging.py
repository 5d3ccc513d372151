"""Unit tests of paging: planning, merging and consistency repairs, on an in-memory list server."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from jama_magic.errors import JamaProtocolError
from jama_magic.paging import Page, fetch_pages, merge_pages, only_grew, plan_pages
from jama_magic.request import JamaRequest
from jama_magic.response import JamaResponse, RequestView


def response(body: Any, *, status: int = 200, url: str = "/items") -> JamaResponse:
    view = RequestView(
        method="GET",
        url="http://jama.test/rest/latest" + url,
        relative_url=url,
        headers=(),
        body=None,
    )
    return JamaResponse(
        status_code=status, headers=httpx.Headers(), body=body, request=view, elapsed=0.0, size=10
    )


def page_body(rows: list[Any], start: int, total: int, linked: dict[str, Any] | None = None) -> Any:
    info = {"startIndex": start, "resultCount": len(rows), "totalResults": total}
    body: dict[str, Any] = {"meta": {"status": "OK", "pageInfo": info}, "links": {}, "data": rows}
    if linked:
        body["linked"] = linked
    return body


class ListServer:
    """Serves ``rows`` with startAt/maxResults; ``before`` hooks may edit rows per request."""

    def __init__(self, n: int, *, max_page: int = 50) -> None:
        self.rows: list[dict[str, Any]] = [{"id": i} for i in range(1, n + 1)]
        self.max_page = max_page
        self.requests: list[tuple[int, int]] = []
        self.before: Callable[[int], None] = lambda count: None
        self.fail_at: dict[int, int] = {}  # startAt -> status
        self.text_at: dict[int, int] = {}  # startAt -> how many 200 text answers first

    async def exchange(self, req: JamaRequest) -> JamaResponse:
        start = int(req.query_value("startAt") or 0)
        size = min(int(req.query_value("maxResults") or 20), self.max_page)
        self.requests.append((start, size))
        self.before(len(self.requests))
        await asyncio.sleep(0)  # let concurrent pages interleave
        if self.text_at.get(start):
            self.text_at[start] -= 1
            return response("Service is in maintenance mode.")
        if start in self.fail_at:
            return response({"meta": {"status": "Not Found"}}, status=self.fail_at[start])
        return response(page_body(self.rows[start : start + size], start, len(self.rows)))

    def ids(self) -> list[int]:
        return [row["id"] for row in self.rows]


def fetch(server: ListServer, **kw: Any) -> JamaResponse:
    req = JamaRequest.build(
        "GET", "/items", query={"project": 20}, all_pages=True, limit=kw.pop("limit", None)
    )
    args = {"page_size": 50, "concurrency": 4, **kw}
    return asyncio.run(fetch_pages(server.exchange, req, **args))


def ids(resp: JamaResponse) -> list[int]:
    return [row["id"] for row in resp.data]


# planning


def test_plan_covers_the_range_with_a_short_last_page() -> None:
    """plan_pages(50, 120, 50) is two pages, the last one 20 items."""
    assert plan_pages(50, 120, 50) == [Page(50, 50), Page(100, 20)]
    assert plan_pages(100, 100, 50) == []


def test_only_grew_spots_a_total_that_went_down() -> None:
    """Totals that never go down mean items were only added."""
    assert only_grew([10, 10, 12, 12])
    assert not only_grew([10, 12, 11])


# merging


def test_merge_keeps_order_drops_repeated_ids_and_merges_linked() -> None:
    """Rows keep page order; an id seen on an earlier page is dropped and reported."""
    p1 = response(page_body([{"id": 1}, {"id": 2}], 0, 4, {"users": {"7": {"id": 7}}}))
    p2 = response(page_body([{"id": 2}, {"id": 3}, {"id": 4}], 2, 4, {"users": {"8": {"id": 8}}}))
    merged = merge_pages([p1, p2], elapsed=1.0, warnings=[])
    assert ids(merged) == [1, 2, 3, 4]
    assert merged.linked == {"users": {"7": {"id": 7}, "8": {"id": 8}}}
    assert merged.pages == 2
    assert merged.page_info is not None and merged.page_info.result_count == 4
    assert merged.warnings == ["1 item(s) appeared on two pages and were kept once"]


def test_merge_returns_the_failed_page() -> None:
    """A failed page is what the caller gets (so raise_for_status reports it)."""
    ok = response(page_body([{"id": 1}], 0, 2))
    bad = response({"meta": {"status": "Not Found"}}, status=404)
    assert merge_pages([ok, bad], elapsed=0, warnings=[]).status_code == 404


# fetching


def test_fetch_returns_every_item_once_in_order_with_the_fewest_requests() -> None:
    """2,000 items at 50 a page: 40 requests, every id once, server order."""
    server = ListServer(2000)
    resp = fetch(server)
    assert ids(resp) == server.ids()
    assert len(server.requests) == 40
    assert resp.pages == 40
    assert resp.warnings == []


def test_limit_fetches_only_the_pages_it_needs() -> None:
    """limit=120: three requests (50, 50, 20), 120 items."""
    server = ListServer(2000)
    resp = fetch(server, limit=120)
    assert ids(resp) == list(range(1, 121))
    assert sorted(server.requests) == [(0, 50), (50, 50), (100, 20)]


def test_small_limit_is_one_request() -> None:
    """limit=7 asks for exactly 7 items once."""
    server = ListServer(2000)
    assert ids(fetch(server, limit=7)) == list(range(1, 8))
    assert server.requests == [(0, 7)]


def test_server_that_serves_fewer_per_page_than_asked_loses_nothing() -> None:
    """A server clamping to 20 a page: the plan follows it."""
    server = ListServer(205, max_page=20)
    assert ids(fetch(server)) == server.ids()


def test_items_inserted_early_during_the_fetch_are_neither_lost_nor_duplicated() -> None:
    """Inserts at the front shift pages: every original item is still there exactly once."""
    server = ListServer(500)
    original = server.ids()
    added = iter(range(10_001, 10_100))

    def insert_front(count: int) -> None:
        if count in (2, 5, 8):
            for _ in range(3):
                server.rows.insert(0, {"id": next(added)})

    server.before = insert_front
    resp = fetch(server)
    got = ids(resp)
    assert len(got) == len(set(got))
    assert set(original) <= set(got)
    assert any("changed during the fetch" in w for w in resp.warnings)


def test_items_deleted_during_the_fetch_make_a_full_reread() -> None:
    """Deletes shift pages back: the list is read again and matches the final list."""
    server = ListServer(500)

    def delete_front(count: int) -> None:
        if count == 3:
            del server.rows[0:4]

    server.before = delete_front
    resp = fetch(server)
    assert ids(resp) == server.ids()
    assert any("changed during the fetch" in w for w in resp.warnings)


def test_items_appended_during_the_fetch_are_read_from_the_new_tail() -> None:
    """A growing list: the new tail is read too, nothing duplicated."""
    server = ListServer(300)

    def append(count: int) -> None:
        if count == 2:
            server.rows.extend({"id": 5000 + i} for i in range(60))

    server.before = append
    resp = fetch(server)
    assert ids(resp) == server.ids()


def test_a_list_that_never_settles_is_reported() -> None:
    """Deletes on every request: after the repair rounds the warning says items may be missing."""
    server = ListServer(400)
    server.before = lambda count: server.rows.pop(0)
    resp = fetch(server)
    assert any("kept changing" in w for w in resp.warnings)


def test_failed_page_stops_the_fetch_and_is_returned() -> None:
    """A 404 on a later page is the response (no partial data passed off as complete)."""
    server = ListServer(500)
    server.fail_at = {150: 404}
    resp = fetch(server)
    assert resp.status_code == 404


@pytest.mark.parametrize("start", [0, 100])
def test_a_200_text_page_is_read_again(start: int) -> None:
    """A 200 maintenance text instead of a page is read again: nothing lost, counted as retries."""
    server = ListServer(300)
    server.text_at = {start: 2}
    resp = fetch(server)
    assert ids(resp) == server.ids()
    assert resp.retries == 2


def test_a_page_that_stays_text_is_one_clear_error() -> None:
    """Text every time: a JamaProtocolError saying so, not a silently short list."""
    server = ListServer(300)
    server.text_at = {100: 99}
    with pytest.raises(JamaProtocolError, match="without a JSON page"):
        fetch(server)


def test_unpaged_response_is_returned_as_is() -> None:
    """An object (no pageInfo) comes back unchanged, one page."""

    async def exchange(req: JamaRequest) -> JamaResponse:
        return response({"meta": {"status": "OK"}, "data": {"id": 5}})

    req = JamaRequest.build("GET", "/items/5", all_pages=True)
    resp = asyncio.run(fetch_pages(exchange, req, page_size=50, concurrency=4))
    assert resp.data == {"id": 5} and resp.pages == 1


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def start(self, **kw: Any) -> None:
        self.calls.append(("start", kw))

    def advance(self, **kw: Any) -> None:
        self.calls.append(("advance", kw))

    def close(self) -> None:
        self.calls.append(("close", {}))


def test_progress_is_started_once_advanced_per_page_and_closed() -> None:
    """start(totals) once, advance per page summing to the totals, close last."""
    progress = Recorder()
    fetch(ListServer(230), progress=progress)
    names = [name for name, _ in progress.calls]
    assert names[0] == "start" and names[-1] == "close" and names.count("start") == 1
    assert progress.calls[0][1] == {"total_items": 230, "total_pages": 5}
    advances = [kw for name, kw in progress.calls if name == "advance"]
    assert sum(a["items"] for a in advances) == 230
    assert sum(a["pages"] for a in advances) == 5


def test_a_failing_progress_display_does_not_fail_the_fetch() -> None:
    """An exception in the progress display switches it off; the data still arrives."""

    class Broken(Recorder):
        def advance(self, **kw: Any) -> None:
            raise RuntimeError("widget gone")

    server = ListServer(230)
    assert ids(fetch(server, progress=Broken())) == server.ids()


# keyset paging


class RelationshipServer:
    """``/relationships`` with ``lastId``: ascending ids after lastId."""

    def __init__(
        self,
        n: int,
        *,
        max_page: int = 50,
        ids: list[int] | None = None,
        ignore_last_id_from: int | None = None,
    ) -> None:
        self.rows = [{"id": key} for key in (ids or [3 * i for i in range(1, n + 1)])]
        self.max_page = max_page
        # from this request on, lastId is ignored (startAt is honoured), as by an older Jama
        self.ignore_last_id_from = ignore_last_id_from
        self.requests: list[tuple[int, int]] = []
        self.in_flight = self.most_in_flight = 0

    async def exchange(self, req: JamaRequest) -> JamaResponse:
        last = int(req.query_value("lastId") or -1)
        size = min(int(req.query_value("maxResults") or 20), self.max_page)
        self.requests.append((last, size))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0.001)
        self.in_flight -= 1
        if self.ignoring:
            start = int(req.query_value("startAt") or 0)
            rows = self.rows[start : start + size]
            return response(page_body(rows, start, len(self.rows)), url="/relationships")
        after = [row for row in self.rows if row["id"] > last][:size]
        return response(page_body(after, 0, len(self.rows)), url="/relationships")

    @property
    def ignoring(self) -> bool:
        since = self.ignore_last_id_from
        return since is not None and len(self.requests) >= since


@pytest.mark.parametrize(("n", "max_page"), [(120, 50), (100, 50), (45, 20)])
def test_relationships_use_last_id_paging(n: int, max_page: int) -> None:
    """lastId=0 first, then the last id seen, until totalResults rows are in."""
    server = RelationshipServer(n, max_page=max_page)
    req = JamaRequest.build("GET", "/relationships", query={"project": 20}, all_pages=True)
    resp = asyncio.run(fetch_pages(server.exchange, req, page_size=50, concurrency=4))
    assert ids(resp) == [row["id"] for row in server.rows]
    assert server.requests[0][0] == 0
    assert len(server.requests) == -(-n // max_page)


SPREADS = {
    "even": [7 * i for i in range(1, 2001)],
    "clustered": [i for i in range(1, 1001)] + [50_000 + 13 * i for i in range(1000)],
    "sparse then dense": [1000 * i for i in range(1, 101)] + list(range(200_000, 201_900)),
    "random gaps": sorted(random.Random(5).sample(range(1, 1_000_000), 2000)),
}


@pytest.mark.parametrize("spread", SPREADS)
def test_relationship_segments_read_every_row_once(spread: str) -> None:
    """Segments read side by side give every row once, ascending, at about one page per 50."""
    server = RelationshipServer(0, ids=SPREADS[spread])
    req = JamaRequest.build("GET", "/relationships", query={"project": 20}, all_pages=True)
    resp = asyncio.run(fetch_pages(server.exchange, req, page_size=50, concurrency=4))
    assert ids(resp) == SPREADS[spread]
    assert server.most_in_flight == 4
    extra = len(server.requests) - len(SPREADS[spread]) // 50
    assert extra <= 8  # at most one per segment and round; two rounds here


def test_relationship_segments_evenly_spread_cost_no_extra_request() -> None:
    """Evenly spread ids are cut exactly: as many requests as pages of 50."""
    server = RelationshipServer(0, ids=SPREADS["even"])
    req = JamaRequest.build("GET", "/relationships", query={"project": 20}, all_pages=True)
    asyncio.run(fetch_pages(server.exchange, req, page_size=50, concurrency=4))
    assert len(server.requests) == 2000 // 50


def test_relationship_segments_follow_a_clamping_server() -> None:
    """A server serving 20 a page: segments ask for 20 and still read every row once."""
    server = RelationshipServer(0, ids=SPREADS["random gaps"], max_page=20)
    req = JamaRequest.build("GET", "/relationships", query={"project": 20}, all_pages=True)
    resp = asyncio.run(fetch_pages(server.exchange, req, page_size=50, concurrency=4))
    assert ids(resp) == SPREADS["random gaps"]
    assert all(size == 20 for _, size in server.requests[1:])


def test_relationships_limit() -> None:
    """limit=60 stops after 60 rows, asking for only the rest on the second page."""
    server = RelationshipServer(200)
    req = JamaRequest.build("GET", "/relationships", query={"project": 20}, limit=60)
    resp = asyncio.run(fetch_pages(server.exchange, req, page_size=50, concurrency=4))
    assert len(resp.data) == 60
    assert server.requests == [(0, 50), (150, 10)]


def test_relationship_segments_ignoring_last_id_fall_back_to_start_at() -> None:
    """lastId honoured on the first page only: the segments notice, the list is read by startAt."""
    server = RelationshipServer(0, ids=SPREADS["even"], ignore_last_id_from=2)
    req = JamaRequest.build("GET", "/relationships", query={"project": 20}, all_pages=True)
    resp = asyncio.run(fetch_pages(server.exchange, req, page_size=50, concurrency=4))
    assert ids(resp) == SPREADS["even"]
    assert any("ignored lastId" in note for note in resp.warnings)
    segments = [last for last, _ in server.requests[1:] if last != -1]
    assert 1 <= len(segments) <= 4  # one round of segments at most, then offsets only
    assert len(server.requests) <= 1 + 4 + 2000 // 50
