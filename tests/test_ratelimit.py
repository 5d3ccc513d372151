"""Unit tests of the client-side token bucket, on a fake clock (no real waiting)."""

from __future__ import annotations

import asyncio

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


def test_concurrent_waiters_go_one_interval_apart_in_call_order() -> None:
    """Concurrent acquirers queue: each goes one interval after the one before it."""
    clock = FakeClock()
    limiter = bucket(10.0, clock)
    went: list[tuple[int, float]] = []

    async def one(n: int) -> None:
        await limiter.acquire()
        went.append((n, round(clock.now, 6)))

    async def scenario() -> None:
        await asyncio.gather(*(one(n) for n in range(4)))

    asyncio.run(scenario())
    assert went == [(0, 0.0), (1, 0.1), (2, 0.2), (3, 0.3)]


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


def test_a_pause_set_while_waiting_holds_the_waiter_too() -> None:
    """A request already waiting for its turn when a 429 pauses the limiter waits it out."""
    clock = FakeClock()
    limiter = bucket(10.0, clock)

    async def scenario() -> float:
        await limiter.acquire()
        waiter = asyncio.ensure_future(limiter.acquire())
        while clock.now < 0.05:
            await asyncio.sleep(0)
        limiter.pause(5.0)
        await waiter
        return clock.now

    assert asyncio.run(scenario()) >= 5.0


def test_cancelled_waiter_gives_its_turn_back() -> None:
    """Cancelling a waiting request lets the next one go when it would have gone."""
    clock = FakeClock()
    limiter = bucket(10.0, clock)

    async def scenario() -> float:
        await limiter.acquire()
        waiter = asyncio.ensure_future(limiter.acquire())
        await asyncio.sleep(0)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        await limiter.acquire()
        return round(clock.now, 6)

    assert asyncio.run(scenario()) <= 0.1


def test_a_rate_that_rises_lets_a_waiting_request_go_at_once() -> None:
    """The waiting head reads the rate as it waits: 1/s raised to 10/s after 50 ms lets it go
    at 0.1 s, not at 1 s (no slot reserved at the old rate)."""
    clock = FakeClock()
    rate = [1.0]
    limiter = TokenBucket(lambda: rate[0], clock=clock, sleep=clock.sleep)

    async def scenario() -> float:
        await limiter.acquire()
        waiter = asyncio.ensure_future(limiter.acquire())
        while clock.now < 0.05:
            await asyncio.sleep(0)
        rate[0] = 10.0
        await waiter
        return clock.now

    assert asyncio.run(scenario()) == pytest.approx(0.1, abs=0.011)


def test_held_is_told_while_the_rate_holds_a_request_back_not_while_paused() -> None:
    """``held`` hears of every wait for the rate (the controller's slow start grows on it)."""
    clock = FakeClock()
    holds: list[float] = []
    limiter = TokenBucket(
        lambda: 10.0, held=lambda: holds.append(clock.now), clock=clock, sleep=clock.sleep
    )

    async def scenario() -> None:
        await limiter.acquire()
        await limiter.acquire()  # waits 0.1 s for the rate
        count = len(holds)
        limiter.pause(1.0)
        await limiter.acquire()  # waits 1 s for the pause: no holds
        assert len(holds) == count

    asyncio.run(scenario())
    assert holds and all(0.0 <= t < 0.1 for t in holds)
