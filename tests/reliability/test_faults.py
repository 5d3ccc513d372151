"""Faults injected by the real sandbox: the user gets the right result or one clear error.

Reads are retried (502/503/504, 429, dropped and truncated connections, one
timeout) and must come back complete: the ids are compared with the sandbox's
dataset, so a lost or duplicated item counts as loss. Writes are sent again
only after a 429; every other fault is reported once, and the number of POSTs
the sandbox received and of items it created prove nothing was sent twice.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

import jama_magic
from jama_magic.display import one_line
from jama_magic.errors import (
    JamaError,
    JamaProtocolError,
    JamaRequestError,
    JamaTimeoutError,
    ServerError,
)
from jama_magic.sandbox import Sandbox

from .conftest import connect_oauth, connect_to

AREA = "Faults"
PROJECT = 20
QUERY = {"project": PROJECT}


@pytest.fixture(autouse=True)
def quick(fast_backoff: None) -> None:
    """Fast retries, no client-side limiter, 20 items per page (14 pages for project 20)."""
    jama_magic.settings.page_size = 20


@dataclass
class Fetch:
    """A sandbox, its truth (ids of project 20 in server order), and a connection to it."""

    sb: Sandbox
    truth: list[int]

    def all_items(self, **kw: Any) -> list[int]:
        resp = jama_magic.request("GET", "/items", query=QUERY, all_pages=True, **kw)
        rows = resp.data if isinstance(resp.data, list) else []  # a non-list body loses them all
        return [row["id"] for row in rows]


def loss(got: list[int], truth: list[int]) -> int:
    """Items missing, duplicated or foreign (0 when ``got`` is exactly ``truth``)."""
    missing = len(set(truth) - set(got))
    foreign = len(set(got) - set(truth))
    return missing + foreign + (len(got) - len(set(got)))


def project_ids(sb: Sandbox) -> list[int]:
    return sorted(i for i, item in sb.dataset.items.items() if item.get("project") == PROJECT)


@pytest.fixture
def fetch(make_sandbox: Callable[..., Sandbox]) -> Iterator[Fetch]:
    """A fresh sandbox (300 items) with a Basic connection; truth read from its dataset."""
    sb = make_sandbox(items=300)
    connect_to(sb)
    env = Fetch(sb, project_ids(sb))
    assert env.all_items() == env.truth  # fault-free baseline: server order is id order
    sb.reset_stats()
    yield env


READ_FAULTS = [
    ("502 Bad Gateway", ["502", "502"]),
    ("503 Service Unavailable", ["503", "503", "503"]),
    ("504 Gateway Timeout", ["504"]),
    ("429 burst (no Retry-After)", ["429"] * 4),
    ("429 with Retry-After: 1", ["429:1"]),
    ("dropped connection", ["drop", "drop"]),
    ("truncated body", ["truncate", "truncate"]),
    ("HTML error page from a proxy (502)", ["html", "html"]),
    ("mixed burst", ["503", "drop", "429", "truncate", "html"]),
]


@pytest.mark.parametrize(("name", "kinds"), READ_FAULTS, ids=[k for k, _ in READ_FAULTS])
def test_paged_read_survives_transient_faults(
    fetch: Fetch, ledger: Any, name: str, kinds: list[str]
) -> None:
    """Transient faults during an all-pages read are retried: every item once, none lost."""
    fetch.sb.schedule_faults([None, *kinds], method="GET", path_prefix="/items")
    got = fetch.all_items()
    stats = fetch.sb.stats
    lost = loss(got, fetch.truth)
    ledger.record(
        f"read, all pages: {name}",
        cases=stats.faults,
        outcome=f"{len(set(got))}/{len(fetch.truth)} items, retried",
        loss=lost,
    )
    assert stats.faults == len(kinds)
    assert got == fetch.truth


@pytest.mark.parametrize("where", ["first", "later"])
def test_paged_read_with_non_json_page(fetch: Fetch, ledger: Any, where: str) -> None:
    """A 200 page with a non-JSON body is retried or reported, never silently dropped."""
    lead = [] if where == "first" else [None, None]
    fetch.sb.schedule_faults([*lead, "nonjson"], method="GET", path_prefix="/items")
    try:
        got = fetch.all_items()
    except JamaError as exc:
        shown = one_line(exc)
        ledger.record(
            f"read, all pages: 200 with a non-JSON body ({where} page)",
            cases=1,
            outcome=f"one clear error: {shown}",
            loss=0,
        )
        assert isinstance(exc, JamaProtocolError | JamaRequestError), shown
        return
    lost = loss(got, fetch.truth)
    ledger.record(
        f"read, all pages: 200 with a non-JSON body ({where} page)",
        cases=1,
        outcome=f"{len(set(got))}/{len(fetch.truth)} items returned, no error",
        loss=lost,
    )
    assert got == fetch.truth, f"{lost} items silently lost to a non-JSON page"


def test_server_error_500_is_one_clear_error(fetch: Fetch, ledger: Any) -> None:
    """A 500 on a read is not retried blindly: one line naming the status and the request."""
    fetch.sb.schedule_faults(["500"], method="GET", path_prefix="/items")
    with pytest.raises(ServerError) as info:
        fetch.all_items()
    shown = one_line(info.value)
    ledger.record(
        "read: 500 Internal Server Error", cases=1, outcome=f"one clear error: {shown}", loss=0
    )
    assert "\n" not in shown and "500" in shown and "/items" in shown


def test_persistent_proxy_html_is_one_clear_error(fetch: Fetch, ledger: Any) -> None:
    """A proxy answering HTML every time ends in one line saying so, after the retries."""
    jama_magic.settings.retries = 2
    fetch.sb.schedule_faults(["html"] * 3, method="GET", path_prefix="/items")
    with pytest.raises(ServerError) as info:
        fetch.all_items()
    shown = one_line(info.value)
    ledger.record(
        "read: proxy HTML page on every try",
        cases=fetch.sb.stats.faults,
        outcome=f"one clear error: {shown}",
        loss=0,
    )
    assert "502" in shown and "HTML" in shown


def test_persistent_drops_are_one_clear_error(fetch: Fetch, ledger: Any) -> None:
    """A connection that drops on every try ends in one line naming the host and the request."""
    jama_magic.settings.retries = 2
    fetch.sb.schedule_faults(["drop"] * 3, method="GET", path_prefix="/items")
    with pytest.raises(JamaProtocolError) as info:
        fetch.all_items()
    shown = one_line(info.value)
    ledger.record(
        "read: connection dropped on every try",
        cases=fetch.sb.stats.faults,
        outcome=f"one clear error: {shown}",
        loss=0,
    )
    assert "dropped" in shown and "127.0.0.1" in shown and "\n" not in shown


def test_slow_response_retried_once_then_served(fetch: Fetch, ledger: Any) -> None:
    """A page slower than the timeout is asked for again once; the result is complete."""
    fetch.sb.schedule_faults([None, "slow:1.5"], method="GET", path_prefix="/items")
    got = fetch.all_items(timeout=0.5)
    ledger.record(
        "read: one response slower than the timeout",
        cases=1,
        outcome=f"{len(set(got))}/{len(fetch.truth)} items after one retry",
        loss=loss(got, fetch.truth),
    )
    assert got == fetch.truth


def test_persistently_slow_server_is_a_timeout_error(fetch: Fetch, ledger: Any) -> None:
    """A server that stays slower than the timeout gives one timeout line with a hint."""
    fetch.sb.schedule_faults(["slow:1.5"] * 2, method="GET", path_prefix="/items")
    with pytest.raises(JamaTimeoutError) as info:
        fetch.all_items(timeout=0.5)
    shown = one_line(info.value)
    ledger.record(
        "read: server stays slower than the timeout",
        cases=2,
        outcome=f"one clear error: {shown}",
        loss=0,
    )
    assert "0.5 s" in shown and "--timeout" in shown


def test_random_faults_on_many_paged_reads(
    make_sandbox: Callable[..., Sandbox], ledger: Any
) -> None:
    """20 % random faults of every transient kind over 12 full reads: nothing lost or doubled."""
    kinds = ["429", "502", "503", "504", "drop", "truncate", "html"]
    jama_magic.settings.retries = 8  # 9 faults in a row on one page (p = 5e-7) would fail it
    sb = make_sandbox(items=300, fault_rate=0.2, fault_kinds=kinds, seed=7)
    connect_to(sb)
    truth = project_ids(sb)
    lost = errors = 0
    for _ in range(12):
        try:
            got = Fetch(sb, truth).all_items()
        except JamaError as exc:
            errors += 1
            assert "\n" not in one_line(exc)
            continue
        lost += loss(got, truth)
    stats = sb.stats
    ledger.record(
        "read, all pages: 20 % random faults (7 kinds), 12 fetches",
        cases=stats.faults + stats.rate_limited,
        outcome=f"{12 - errors}/12 fetches complete over {stats.requests} requests, "
        f"{errors} clean errors",
        loss=lost,
    )
    assert stats.faults > 10
    assert lost == 0 and errors == 0


# -- OAuth token expiring mid-fetch -------------------------------------------------------------


def test_token_expired_mid_fetch(make_sandbox: Callable[..., Sandbox], ledger: Any) -> None:
    """All tokens revoked while an all-pages read runs: renewed once, every item once."""
    jama_magic.settings.page_size = 10
    jama_magic.settings.max_concurrency = 2
    sb = make_sandbox(items=300, latency=0.05)
    connect_oauth(sb)
    truth = project_ids(sb)
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["ids"] = Fetch(sb, truth).all_items()
        except BaseException as exc:  # reported below
            result["error"] = exc

    worker = threading.Thread(target=run)
    worker.start()
    while sb.stats.by_route["GET /items"] < 4 and worker.is_alive():
        time.sleep(0.01)
    sb.expire_tokens()
    worker.join(60)
    tokens = sb.stats.by_route["POST /oauth/token"]
    got = result.get("ids", [])
    ledger.record(
        "OAuth token revoked mid-fetch (expire_tokens)",
        cases=1,
        outcome=f"{len(set(got))}/{len(truth)} items, {tokens} tokens fetched",
        loss=loss(got, truth),
    )
    assert "error" not in result, one_line(result["error"])
    assert got == truth and tokens >= 2


def test_token_ttl_shorter_than_fetch(make_sandbox: Callable[..., Sandbox], ledger: Any) -> None:
    """A 1-second token lifetime during a longer read: renewed as needed, every item once."""
    jama_magic.settings.page_size = 10
    jama_magic.settings.max_concurrency = 1
    sb = make_sandbox(items=300, latency=0.08, token_ttl=1)
    connect_oauth(sb)
    truth = project_ids(sb)
    got = Fetch(sb, truth).all_items()
    tokens = sb.stats.by_route["POST /oauth/token"]
    ledger.record(
        "OAuth token_ttl=1 s during a ~2.5 s read",
        cases=tokens,
        outcome=f"{len(set(got))}/{len(truth)} items, {tokens} tokens fetched",
        loss=loss(got, truth),
    )
    assert got == truth and tokens >= 2


# -- writes: never sent twice unless the server said 429 ----------------------------------------


def new_item(name: str) -> dict[str, Any]:
    return {
        "project": PROJECT,
        "itemType": 33,
        "childItemType": 0,
        "location": {"parent": {"project": PROJECT}},
        "fields": {"name": name},
    }


def created(sb: Sandbox, name: str) -> int:
    return sum(1 for item in list(sb.dataset.items.values()) if item["fields"].get("name") == name)


def post(name: str, **kw: Any) -> Any:
    return jama_magic.request("POST", "/items", body=new_item(name), **kw)


WRITE_FAULTS = [
    # (fault, POSTs the server should see, items it should have created, error expected)
    ("429", 2, 1, None),
    ("429:1", 2, 1, None),
    ("500", 1, 0, ServerError),
    ("502", 1, 0, ServerError),
    ("503", 1, 0, ServerError),
    ("504", 1, 0, ServerError),
    ("html", 1, 0, ServerError),
    ("drop", 1, 0, JamaProtocolError),
    ("truncate", 1, 1, JamaProtocolError),  # served, then cut: applied once, reported
]


@pytest.mark.parametrize(
    ("kind", "posts", "items", "error"), WRITE_FAULTS, ids=[w[0] for w in WRITE_FAULTS]
)
def test_write_fault_never_sent_twice(
    fetch: Fetch, ledger: Any, kind: str, posts: int, items: int, error: type | None
) -> None:
    """A POST meeting a fault is resent only after 429; otherwise one clear error."""
    name = f"write-{kind}"
    fetch.sb.schedule_faults([kind], method="POST", path_prefix="/items")
    shown = "no error"
    try:
        post(name)
    except JamaError as exc:
        shown = f"one clear error: {one_line(exc)}"
        assert error is not None and isinstance(exc, error), shown
    else:
        assert error is None, "the fault was not reported"
    sent = fetch.sb.stats.by_route["POST /items"]
    made = created(fetch.sb, name)
    ledger.record(
        f"write (POST): {kind}",
        cases=1,
        outcome=f"{sent} POST(s) sent, {made} item(s) created; {shown}",
        loss=max(0, sent - posts) + abs(made - items),
    )
    assert (sent, made) == (posts, items)


def test_slow_write_times_out_without_resend(fetch: Fetch, ledger: Any) -> None:
    """A POST slower than the timeout is reported as a timeout and not sent again."""
    fetch.sb.schedule_faults(["slow:1"], method="POST", path_prefix="/items")
    with pytest.raises(JamaTimeoutError) as info:
        post("write-slow", timeout=0.3)
    time.sleep(1.5)  # let the server finish the slow request; a resend would arrive meanwhile
    sent = fetch.sb.stats.by_route["POST /items"]
    ledger.record(
        "write (POST): slower than the timeout",
        cases=1,
        outcome=f"{sent} POST sent; one clear error: {one_line(info.value)}",
        loss=max(0, sent - 1),
    )
    assert sent == 1
    assert "0.3 s" in one_line(info.value)


def test_sandbox_applies_slow_write_after_client_timeout(fetch: Fetch) -> None:
    """Like a real server, the sandbox applies a slow POST even when the client gave up waiting."""
    fetch.sb.schedule_faults(["slow:0.5"], method="POST", path_prefix="/items")
    with pytest.raises(JamaTimeoutError):
        post("write-slow-applied", timeout=0.2)
    deadline = time.monotonic() + 5
    while created(fetch.sb, "write-slow-applied") == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert created(fetch.sb, "write-slow-applied") == 1


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_other_writes_not_resent_on_503(fetch: Fetch, ledger: Any, method: str) -> None:
    """PUT, PATCH and DELETE meeting a 503 or a dropped connection are sent exactly once each."""
    item = fetch.truth[-1]
    body: Any = {
        "PUT": {"project": PROJECT, "itemType": 33, "fields": {"name": "replaced"}},
        "PATCH": [{"op": "replace", "path": "/fields/name", "value": "patched"}],
        "DELETE": jama_magic.NO_BODY,
    }[method]
    errors = 0
    for kind in ("503", "drop"):
        fetch.sb.schedule_faults([kind], method=method, path_prefix="/items")
        with pytest.raises((ServerError, JamaProtocolError)):
            jama_magic.request(method, f"/items/{item}", body=body)
        errors += 1
    sent = fetch.sb.stats.by_route[f"{method} /items/{{id}}"]
    ledger.record(
        f"write ({method}): 503 and dropped connection",
        cases=2,
        outcome=f"{sent} {method}s sent for 2 attempts, {errors} clear errors",
        loss=max(0, sent - 2),
    )
    assert sent == 2


def test_random_faults_on_many_writes(make_sandbox: Callable[..., Sandbox], ledger: Any) -> None:
    """60 POSTs under 30 % random faults: no item created twice, resends only after 429."""
    kinds = ["429", "500", "502", "503", "drop", "truncate", "html"]
    sb = make_sandbox(items=100, fault_rate=0.3, fault_kinds=kinds, seed=11)
    connect_to(sb)
    errors = 0
    names = [f"bulk-{i}" for i in range(60)]
    for name in names:
        try:
            post(name)
        except JamaError as exc:
            errors += 1
            assert "\n" not in one_line(exc)
    twice = sum(1 for name in names if created(sb, name) > 1)
    stats = sb.stats
    resent = stats.by_route["POST /items"] - len(names)
    ledger.record(
        "writes: 60 POSTs under 30 % random faults (7 kinds)",
        cases=stats.faults,
        outcome=f"{len(names) - errors} created, {errors} clean errors, "
        f"{resent} resends (all after 429: {stats.rate_limited})",
        loss=twice,
    )
    assert twice == 0
    assert resent <= stats.rate_limited
