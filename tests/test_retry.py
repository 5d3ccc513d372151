"""Retry rules: pure functions, and the client's retry loop over httpx.MockTransport."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest

import jama_magic
from jama_magic import retry
from jama_magic.client import JamaClient
from jama_magic.errors import JamaConnectError, JamaProtocolError, JamaTimeoutError, ServerError
from jama_magic.retry import RetryBudget, backoff, retry_after, retryable_error, retryable_status
from jama_magic.settings import Settings

OK_BODY = {"meta": {"status": "OK"}, "data": {"id": 1}}


# pure rules


def test_get_is_retried_on_429_and_gateway_errors_writes_only_on_429() -> None:
    """GET: 429/502/503/504; POST/PUT/PATCH/DELETE: 429 only; never 500 or 4xx."""
    assert all(retryable_status("GET", s) for s in (429, 502, 503, 504))
    assert not any(retryable_status("GET", s) for s in (400, 401, 404, 500))
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert retryable_status(method, 429)
        assert not any(retryable_status(method, s) for s in (502, 503, 504))


def test_dropped_connections_are_retried_on_get_only_timeouts_once() -> None:
    """A dropped connection is retried for GET, never for writes; a timeout or refusal once."""
    dropped = JamaProtocolError("dropped", method="GET", url="/x", host="h")
    timeout = JamaTimeoutError("slow", method="GET", url="/x", host="h")
    assert retryable_error("GET", dropped, 3)
    assert not retryable_error("POST", dropped, 0)
    assert retryable_error("GET", timeout, 0) and not retryable_error("GET", timeout, 1)
    refused = JamaConnectError("refused", method="GET", url="/x", host="h")
    assert retryable_error("GET", refused, 0) and not retryable_error("GET", refused, 1)


def test_retry_after_reads_seconds_and_http_dates() -> None:
    """'3' and '1.5' are seconds; an HTTP date is the time until then; junk is ignored."""
    assert retry_after("3") == 3.0
    assert retry_after(" 1.5 ") == 1.5
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=20), usegmt=True)
    assert 15 < (retry_after(later) or 0) <= 20
    assert retry_after("soon") is None and retry_after(None) is None


def test_backoff_grows_exponentially_with_jitter_and_is_capped() -> None:
    """Waits double per attempt (times a 0.5-1 jitter) and never exceed MAX_DELAY."""
    for attempt in range(4):
        base = retry.BASE_DELAY * 2**attempt
        waits = {backoff(attempt) for _ in range(50)}
        assert all(base * 0.5 <= w <= base for w in waits)
        assert len(waits) > 1  # jittered
    assert backoff(30) <= retry.MAX_DELAY
    assert backoff(0, 7.0) == 7.0 and backoff(0, 999.0) == retry.MAX_RETRY_AFTER


def test_budget_runs_out() -> None:
    """A budget of 2 allows two retries, then refuses."""
    budget = RetryBudget(2)
    assert [budget.take() for _ in range(3)] == [True, True, False]
    assert budget.used == 2


# the client's retry loop, over a mock transport


@pytest.fixture
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Backoff of milliseconds, so the tests do not wait."""
    monkeypatch.setattr(retry, "BASE_DELAY", 0.001)


Handler = Callable[[httpx.Request], httpx.Response]


def scripted(
    *answers: int | Exception, retry_after_s: str | None = None
) -> tuple[Handler, list[str]]:
    """A handler answering with these statuses (or raising these errors) in turn, then 200."""
    seen: list[str] = []
    queue: Iterator[int | Exception] = iter(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        answer = next(queue, 200)
        if isinstance(answer, Exception):
            raise answer
        headers = {"Retry-After": retry_after_s} if retry_after_s and answer == 429 else {}
        body = OK_BODY if answer < 400 else {"meta": {"status": "Error", "message": "no"}}
        return httpx.Response(answer, json=body, headers=headers)

    return handler, seen


def client(handler: Handler, **settings: object) -> JamaClient:
    conn = jama_magic.connect(
        "mock", url="https://jama.test", username="u", password="p", check=False
    )
    chosen = Settings()
    chosen.rate_limit = None
    for key, value in settings.items():
        setattr(chosen, key, value)
    return JamaClient(conn, settings=chosen, transport=httpx.MockTransport(handler))


@pytest.mark.usefixtures("fast_backoff")
def test_get_retries_and_counts_them() -> None:
    """503, 429, 502, 504 then 200: one response, retries == 4."""
    handler, seen = scripted(503, 429, 502, 504, retry_after_s="0")
    resp = client(handler).request("GET", "/items/1")
    assert resp.ok and resp.retries == 4 and len(seen) == 5


@pytest.mark.usefixtures("fast_backoff")
def test_dropped_connection_on_get_is_retried() -> None:
    """A RemoteProtocolError (server closed the connection) on GET is retried."""
    handler, seen = scripted(httpx.RemoteProtocolError("closed"), httpx.ReadError("reset"))
    resp = client(handler).request("GET", "/items/1")
    assert resp.ok and resp.retries == 2 and len(seen) == 3


@pytest.mark.usefixtures("fast_backoff")
def test_retries_are_bounded() -> None:
    """Always 503: settings.retries retries, then the 503 is raised."""
    handler, seen = scripted(*[503] * 50)
    with pytest.raises(ServerError):
        client(handler, retries=3).request("GET", "/items/1")
    assert len(seen) == 4
    handler, seen = scripted(*[httpx.ReadError("reset")] * 50)
    with pytest.raises(JamaProtocolError, match="gave up after 2 retries"):
        client(handler, retries=2).request("GET", "/items/1")
    assert len(seen) == 3


@pytest.mark.usefixtures("fast_backoff")
def test_writes_are_not_retried_on_503_or_a_dropped_connection() -> None:
    """POST 503 is sent once; a dropped POST is sent once (it may have been applied)."""
    handler, seen = scripted(503)
    with pytest.raises(ServerError):
        client(handler).request("POST", "/items", body={"x": 1})
    assert seen == ["POST"]
    handler, seen = scripted(httpx.RemoteProtocolError("closed"))
    with pytest.raises(JamaProtocolError):
        client(handler).request("PUT", "/items/1", body={"x": 1})
    assert seen == ["PUT"]


@pytest.mark.usefixtures("fast_backoff")
def test_writes_are_retried_on_429() -> None:
    """429 means the server did not process it: the POST is sent again."""
    handler, seen = scripted(429, retry_after_s="0")
    resp = client(handler).request("POST", "/items", body={"x": 1})
    assert resp.ok and resp.retries == 1 and seen == ["POST", "POST"]


def test_429_pauses_the_connections_limiter_for_retry_after() -> None:
    """Retry-After: 1 on a 429 pauses every request of the connection for 1 s."""
    handler, _ = scripted(429, retry_after_s="1")
    jc = client(handler)
    resp = jc.request("GET", "/items/1")
    assert resp.retries == 1
    assert jc.limiter.pauses == 1
    assert jc.limiter.waited >= 0.9  # waited (at least) what the server asked
