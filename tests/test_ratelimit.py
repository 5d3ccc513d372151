"""Unit tests of the client-side token bucket, on a fake clock (no real waiting)."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from jama_magic.ratelimit import TokenBucket


class FakeClock:
    """A clock that only moves when somebody sleeps on it."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def bucket(rate: float | None, clock: FakeClock, **kw: int) -> TokenBucket:
    return TokenBucket(lambda: rate, clock=clock, sleep=clock.sleep, **kw)


async def send_times(limiter: TokenBucket, clock: FakeClock, n: int) -> list[float]:
    times = []
    for _ in range(n):
        await limiter.acquire()
        times.append(round(clock.now, 6))
    return times


def test_sequential_requests_are_spaced_one_interval_apart() -> None:
    """At 10/s, requests go at 0, 0.1, 0.2, ... s and never faster."""
    clock = FakeClock()
    times = asyncio.run(send_times(bucket(10.0, clock), clock, 5))
    assert times == [0.0, 0.1, 0.2, 0.3, 0.4]


def test_concurrent_waiters_get_distinct_slots_in_call_order() -> None:
    """Concurrent acquirers reserve successive slots: no two share one."""
    limiter = TokenBucket(lambda: 10.0)
    slots = [limiter._reserve()[0] for _ in range(4)]
    gaps = [round(b - a, 6) for a, b in itertools.pairwise(slots)]
    assert gaps == [0.1, 0.1, 0.1]


def test_no_limit_never_waits() -> None:
    """rate None: every request may go at once."""
    clock = FakeClock()
    limiter = bucket(None, clock)
    assert asyncio.run(send_times(limiter, clock, 20)) == [0.0] * 20
    assert limiter.waited == 0


def test_pause_holds_back_requests_with_and_without_a_limit() -> None:
    """After pause(2), the next request starts no earlier than 2 s later."""
    for rate in (10.0, None):
        clock = FakeClock()
        limiter = bucket(rate, clock)

        async def scenario(limiter: TokenBucket = limiter, clock: FakeClock = clock) -> float:
            await limiter.acquire()
            limiter.pause(2.0)
            await limiter.acquire()
            return clock.now

        assert asyncio.run(scenario()) >= 2.0


def test_a_pause_set_while_waiting_moves_the_waiter_behind_it() -> None:
    """A request that reserved a slot before a 429 pause still waits the pause out."""
    limiter = TokenBucket(lambda: 10.0)
    slot, _ = limiter._reserve()
    limiter.pause(5.0)
    second, _ = limiter._reserve()
    assert second >= slot + 4.9
    assert limiter._paused_until > slot  # acquire() re-queues instead of going at `slot`


def test_cancelled_waiter_gives_its_slot_back() -> None:
    """Cancelling the last waiter frees its slot for the next request."""

    async def scenario() -> tuple[float, float]:
        limiter = TokenBucket(lambda: 1.0)
        await limiter.acquire()
        before = limiter._next
        waiter = asyncio.ensure_future(limiter.acquire())
        await asyncio.sleep(0.01)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        return before, limiter._next

    before, after = asyncio.run(scenario())
    assert after == pytest.approx(before)


def test_rate_changes_apply_to_the_next_request() -> None:
    """The rate is read per request, so changing the setting takes effect at once."""
    rate = [10.0]
    limiter = TokenBucket(lambda: rate[0])
    a, _ = limiter._reserve()
    rate[0] = 2.0
    b, _ = limiter._reserve()
    c, _ = limiter._reserve()
    assert round(b - a, 6) == 0.1
    assert round(c - b, 6) == 0.5


def test_burst_lets_requests_go_together_after_a_quiet_spell() -> None:
    """burst=3 lets three requests start at once, then the rate applies."""
    clock = FakeClock()
    clock.now = 100.0
    times = asyncio.run(send_times(bucket(10.0, clock, burst=3), clock, 5))
    assert times[:3] == [100.0, 100.0, 100.0]
    assert times[3] > 100.0
