"""Latency, rate limiting, fault injection and the request counters."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from jama_magic.sandbox import Sandbox


def _get(sb: Sandbox, path: str = "/projects") -> httpx.Response:
    return httpx.get(f"{sb.url}/rest/latest{path}", auth=(sb.username, sb.password), timeout=10)


def test_counters_by_route_and_path(fresh: Sandbox) -> None:
    """Every request counts, including 401s; routes replace numeric segments with {id}."""
    fresh.reset_stats()
    _get(fresh, "/items/1003/children")
    _get(fresh, "/items/1004/children")
    httpx.get(f"{fresh.url}/rest/v1/picklistoptions/301")
    stats = fresh.stats
    assert stats.requests == 3
    assert stats.by_route["GET /items/{id}/children"] == 2
    assert stats.by_path["GET /picklistoptions/301"] == 1
    fresh.reset_stats()
    assert fresh.stats.requests == 0


def test_scheduled_status_faults_in_order(fresh: Sandbox) -> None:
    """Scheduled kinds hit the next matching requests in order; None serves normally."""
    fresh.schedule_faults(["503", None, "500", "429:7"], path_prefix="/projects")
    assert _get(fresh, "/users/current").status_code == 200  # not matching the prefix
    responses = [_get(fresh) for _ in range(5)]
    assert [r.status_code for r in responses] == [503, 200, 500, 429, 200]
    assert responses[0].json()["meta"]["status"] == "Service Unavailable"
    assert responses[3].headers["Retry-After"] == "7"
    stats = fresh.stats
    assert (stats.faults, stats.rate_limited) == (3, 1)


def test_schedule_by_method(fresh: Sandbox) -> None:
    """method= restricts scheduled faults to that HTTP method."""
    fresh.schedule_faults(["502"], method="POST")
    assert _get(fresh).status_code == 200
    response = httpx.post(
        f"{fresh.url}/rest/latest/items", json={}, auth=(fresh.username, fresh.password)
    )
    assert response.status_code == 502


def test_drop_closes_connection_without_response(fresh: Sandbox) -> None:
    """A dropped connection raises a transport error in the client."""
    fresh.schedule_faults(["drop"])
    with pytest.raises(httpx.RemoteProtocolError):
        _get(fresh)
    assert _get(fresh).status_code == 200


def test_truncate_sends_half_the_body(fresh: Sandbox) -> None:
    """A truncated body announces the full length, then the connection closes early."""
    fresh.schedule_faults(["truncate"])
    with pytest.raises(httpx.RemoteProtocolError):
        _get(fresh)
    assert fresh.stats.faults == 1


def test_html_nonjson_and_slow(fresh: Sandbox) -> None:
    """html is a 502 proxy page, nonjson a 200 text body, slow:S still serves JSON."""
    fresh.schedule_faults(["html", "nonjson", "slow:0.05"])
    html, text, slow = _get(fresh), _get(fresh), _get(fresh)
    assert (html.status_code, html.headers["content-type"][:9]) == (502, "text/html")
    assert text.status_code == 200
    with pytest.raises(ValueError):
        text.json()
    assert slow.json()["meta"]["status"] == "OK"


def test_unknown_fault_kind_is_value_error(fresh: Sandbox) -> None:
    """Scheduling an unknown kind fails at once with the valid kinds named."""
    with pytest.raises(ValueError, match="drop"):
        fresh.schedule_faults(["404"])


def test_token_endpoint_faults_only_when_scheduled_for_oauth(fresh: Sandbox) -> None:
    """An unprefixed schedule skips the token endpoint; an /oauth one hits it."""
    fresh.schedule_faults(["500"])
    token = httpx.post(
        f"{fresh.url}/rest/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(fresh.client_id, fresh.client_secret),
    )
    assert token.status_code == 200
    fresh.clear_faults()
    fresh.schedule_faults(["503"], path_prefix="/oauth")
    token = httpx.post(
        f"{fresh.url}/rest/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(fresh.client_id, fresh.client_secret),
    )
    assert token.status_code == 503


def test_rate_limit_answers_429_envelope_with_retry_after() -> None:
    """Bursting past the bucket gives 429s in Jama's envelope, counted as rate_limited."""
    with Sandbox(items=40, rate_limit=2, retry_after=3) as sb:
        codes = [_get(sb).status_code for _ in range(6)]
        assert codes[:2] == [200, 200]
        assert 429 in codes
        limited = next(r for r in (_get(sb) for _ in range(3)) if r.status_code == 429)
        assert limited.json()["meta"]["status"] == "Too Many Requests"
        assert limited.headers["Retry-After"] == "3"
        assert sb.stats.rate_limited >= 2
        sb.set_rate_limit(None)
        assert all(_get(sb).status_code == 200 for _ in range(5))


def test_rate_limit_without_retry_after_sends_no_header() -> None:
    """retry_after=None means no Retry-After header, as Jama documents none."""
    with Sandbox(items=40, rate_limit=1) as sb:
        responses = [_get(sb) for _ in range(4)]
        limited = [r for r in responses if r.status_code == 429]
        assert limited and "Retry-After" not in limited[0].headers


def test_rate_limit_answers_at_the_door_without_the_latency() -> None:
    """Over the limit, the 429 comes at once, as from a gateway; a served request waits the
    latency (2 s here)."""
    with Sandbox(items=40, rate_limit=0.2, latency=2.0) as sb:  # a token per 5 s
        began = time.monotonic()
        assert _get(sb).status_code == 200
        served = time.monotonic() - began
        began = time.monotonic()
        assert _get(sb).status_code == 429
        refused = time.monotonic() - began
    assert served >= 2.0 > refused * 2


def test_fault_rate_one_always_faults() -> None:
    """fault_rate=1 with one kind faults every data request."""
    with Sandbox(items=40, fault_rate=1.0, fault_kinds=("504",)) as sb:
        assert {_get(sb).status_code for _ in range(3)} == {504}
        assert sb.stats.faults == 3


def test_latency_overlaps_for_concurrent_requests(fresh: Sandbox) -> None:
    """Concurrent requests each wait the latency but overlap (asyncio.sleep, not a lock)."""
    fresh.set_latency(1.0)

    async def burst() -> list[int]:
        async with httpx.AsyncClient(auth=(fresh.username, fresh.password)) as c:
            results = await asyncio.gather(
                *(c.get(f"{fresh.url}/rest/latest/projects") for _ in range(6))
            )
            return [r.status_code for r in results]

    loop = asyncio.new_event_loop()
    try:
        start = loop.time()
        codes = loop.run_until_complete(burst())
        elapsed = loop.time() - start
    finally:
        loop.close()
    assert codes == [200] * 6
    # Serial handling would take at least 6 s; overlapping requests take about 1 s.
    assert 1.0 <= elapsed < 6.0


def test_slow_write_is_applied_after_the_client_gave_up(fresh: Sandbox) -> None:
    """A POST slowed past the client's timeout is still applied, as by a real server."""
    fresh.schedule_faults(["slow:0.6"], method="POST", path_prefix="/items")
    body = {
        "project": 21,
        "itemType": 33,
        "location": {"parent": {"project": 21}},
        "fields": {"name": "late"},
    }
    with pytest.raises(httpx.TimeoutException):
        httpx.post(
            f"{fresh.url}/rest/latest/items",
            json=body,
            auth=(fresh.username, fresh.password),
            timeout=0.1,
        )
    found = 0
    for _ in range(200):  # wait (up to ~10 s) for the server to finish the slow request
        found = sum(1 for i in list(fresh.dataset.items.values()) if i["fields"]["name"] == "late")
        if found:
            break
        time.sleep(0.05)
    assert found == 1


@pytest.mark.parametrize("status", [404, 503])
def test_error_shapes_for_any_status(fresh: Sandbox, status: int) -> None:
    """html:N, empty:N, text:N and spring:N answer N with a page, nothing, text, Spring JSON."""
    fresh.schedule_faults(
        [f"html:{status}", f"empty:{status}", f"text:{status}", f"spring:{status}"]
    )
    html, empty, text, spring = (_get(fresh, "/items/1003") for _ in range(4))
    assert {r.status_code for r in (html, empty, text, spring)} == {status}
    reason = html.reason_phrase
    assert f"<title>{status} {reason}</title>" in html.text
    assert empty.content == b""
    assert text.headers["content-type"].startswith("text/plain") and reason in text.text
    body = spring.json()
    assert "meta" not in body
    assert (body["status"], body["error"], body["path"]) == (
        status,
        reason,
        "/rest/latest/items/1003",
    )
    assert body["message"]


def test_error_shape_needs_a_status(fresh: Sandbox) -> None:
    """A shape without an HTTP status is refused with the allowed forms."""
    with pytest.raises(ValueError, match="spring:N"):
        fresh.schedule_faults(["spring"])
    with pytest.raises(ValueError, match="html:N"):
        fresh.schedule_faults(["text:99"])
