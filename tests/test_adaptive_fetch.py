"""Fetches against sandboxes with different limits and latencies: exact, and counted in r.stats."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import jama_magic
from jama_magic import retry
from jama_magic.client import JamaClient
from jama_magic.display import summary_line
from jama_magic.sandbox import Sandbox

PROJECT = 20


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(seed=5, items=600) as sandbox:
        yield sandbox


@pytest.fixture
def fresh(sb: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    """The module sandbox with counters zeroed and short back-offs."""
    monkeypatch.setattr(retry, "BASE_DELAY", 0.05)
    sb.set_rate_limit(None)
    sb.set_latency(0)
    return sb


def truth(sb: Sandbox) -> list[int]:
    return [item["id"] for item in sb.dataset.items.values() if item["project"] == PROJECT]


def client(sb: Sandbox, nickname: str) -> JamaClient:
    conn = jama_magic.connect(
        nickname, url=sb.url, username=sb.username, password=sb.password, check=False
    )
    return JamaClient(conn)


def fetch(jc: JamaClient) -> jama_magic.JamaResponse:
    return jc.request("GET", "/items", query={"project": PROJECT}, all_pages=True)


@pytest.mark.parametrize(
    ("server_limit", "latency"), [(3.0, 0.0), (8.0, 0.05), (40.0, 0.0), (None, 0.05)]
)
def test_fetch_is_exact_whatever_the_servers_limit(
    fresh: Sandbox, server_limit: float | None, latency: float
) -> None:
    """Unknown server limits (3, 8, 40 requests/s, none): every item once, in server order."""
    fresh.set_rate_limit(server_limit)
    fresh.set_latency(latency)
    fresh.reset_stats()
    jama_magic.settings.page_size = 20
    resp = fetch(client(fresh, f"limit{server_limit}"))
    expected = sorted(truth(fresh))
    assert sorted(row["id"] for row in resp.data) == expected
    assert len(resp.data) == len(expected)
    assert resp.stats is not None
    assert resp.stats.requests == fresh.stats.requests
    assert resp.stats.rate_limited == fresh.stats.rate_limited


def test_the_learned_rate_is_kept_for_the_next_fetch(fresh: Sandbox) -> None:
    """A second fetch on the same connection starts from what the first learned (a 429 cut)."""
    fresh.set_rate_limit(4.0)
    jama_magic.settings.page_size = 20
    jc = client(fresh, "learn")
    fetch(jc)
    learned = jc.pacer.control.rate
    assert not jc.pacer.control.slow_start  # it met the limit and cut
    assert learned < 10.0
    fresh.reset_stats()
    second = fetch(jc)
    assert second.stats is not None and second.stats.rate_limit is not None
    assert second.stats.rate_limited <= fresh.stats.rate_limited


def test_an_explicit_cap_is_never_exceeded(fresh: Sandbox) -> None:
    """rate_limit=4 on a server without a limit: the learned rate never goes above 4."""
    jama_magic.settings.page_size = 20
    conn = jama_magic.connect(
        "capped",
        url=fresh.url,
        username=fresh.username,
        password=fresh.password,
        rate_limit=4,
        check=False,
    )
    jc = JamaClient(conn)
    seen: list[float] = []
    original = jc.pacer.control.answered

    def spy(*args: object, **kw: object) -> None:
        original(*args, **kw)  # type: ignore[arg-type]
        seen.append(jc.pacer.control.rate)

    jc.pacer.control.answered = spy  # type: ignore[method-assign]
    resp = jc.request("GET", "/items", query={"project": PROJECT}, limit=100)
    assert len(resp.data) == 100
    assert seen and max(seen) == 4.0


def test_stats_show_in_the_summary_of_a_paged_fetch(fresh: Sandbox) -> None:
    """r.stats counts requests and 429s, and the summary line of a paged fetch shows them."""
    fresh.reset_stats()
    jama_magic.settings.page_size = 20
    resp = fetch(client(fresh, "stats"))
    stats = resp.stats
    assert stats is not None
    assert stats.requests == fresh.stats.requests == resp.pages
    assert stats.mean_latency is not None and stats.mean_latency > 0
    assert stats.rate is not None and stats.rate > 0
    line = summary_line(resp)
    assert f"{stats.requests} requests" in line and "× 429" in line and "mean latency" in line


def test_stats_print_as_their_summary(fresh: Sandbox) -> None:
    """print(r.stats) and r.stats in a notebook read as the summary line (requests, 429s,
    the rate sent and the one paced at by the end, mean latency), not a raw dataclass."""
    fresh.reset_stats()
    resp = fetch(client(fresh, "printed"))
    stats = resp.stats
    assert stats is not None
    assert str(stats) == stats.summary()
    assert "req/s (paced at " in str(stats) and "mean latency" in str(stats)
    assert repr(stats).startswith("<FetchStats ") and "latency_total" not in repr(stats)
