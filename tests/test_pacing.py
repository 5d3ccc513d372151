"""The adaptive pacing controller as a pure unit (fake clock), and its in-flight window."""

from __future__ import annotations

import asyncio

import pytest

import jama_magic
from jama_magic.client import JamaClient
from jama_magic.connection import Connection
from jama_magic.pacing import START_RATE, RateController
from jama_magic.ratelimit import Window


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def answer(ctl: RateController, clock: Clock, status: int = 200, *, waited: bool = True) -> None:
    """One answer to a request sent now, after 0.1 s, one request in flight."""
    ticket = ctl.ticket(waited=waited)
    clock.now += 0.1
    ctl.answered(ticket, status=status, latency=0.1)


def test_starts_at_ten_without_a_cap_and_at_the_cap_with_one() -> None:
    """No cap: 10 requests/s; an explicit cap: the cap itself."""
    assert RateController().rate == START_RATE == 10.0
    assert RateController(lambda: 3.0).rate == 3.0


def test_raises_while_answers_come_back_without_429() -> None:
    """Rate-bound answers without 429 raise the rate, to at most twice what was proven."""
    clock = Clock()
    ctl = RateController(clock=clock)
    rates = []
    for _ in range(10):  # an answer every 0.1 s: 10 per second proven
        answer(ctl, clock)
        rates.append(ctl.rate)
    assert rates == sorted(rates)
    assert START_RATE < ctl.rate <= 2 * 10 + 1e-9


def test_slow_start_doubles_per_round_trip() -> None:
    """Fast answers (1 ms round trips): each answer may double the rate."""
    clock = Clock()
    ctl = RateController(clock=clock)
    for _ in range(8):
        ticket = ctl.ticket(waited=True)
        clock.now += 0.001
        ctl.answered(ticket, status=200, latency=0.001)
    assert ctl.rate >= 8 * START_RATE


def test_does_not_raise_a_rate_nobody_used() -> None:
    """Answers to requests that did not wait for their slot prove nothing: the rate stays."""
    clock = Clock()
    ctl = RateController(clock=clock)
    for _ in range(10):
        answer(ctl, clock, waited=False)
    assert ctl.rate == START_RATE


def test_cuts_on_429_to_what_the_server_accepted() -> None:
    """A 429 cuts the rate to 0.9 x the answers accepted in the last second (here 5)."""
    clock = Clock()
    ctl = RateController(lambda: 40.0, clock=clock)
    for _ in range(5):
        answer(ctl, clock, waited=False)  # 5 accepted within the last 0.5 s
    answer(ctl, clock, 429)
    assert ctl.rate == pytest.approx(4.5)
    assert not ctl.slow_start


def test_cuts_at_least_ten_percent() -> None:
    """When the server accepted more than the rate, the cut is still at least 10 %."""
    clock = Clock()
    ctl = RateController(lambda: 2.0, clock=clock)
    for _ in range(9):
        answer(ctl, clock, waited=False)
    answer(ctl, clock, 429)
    assert ctl.rate == pytest.approx(1.8)


def test_cuts_once_per_round() -> None:
    """429s of requests sent before a cut answer the same overshoot: one cut, not one each."""
    clock = Clock()
    ctl = RateController(clock=clock)
    in_flight = [ctl.ticket(waited=True) for _ in range(5)]
    ctl.answered(in_flight[0], status=429, latency=0.1)
    once = ctl.rate
    for ticket in in_flight[1:]:
        ctl.answered(ticket, status=429, latency=0.1)
    assert ctl.rate == once < START_RATE
    answer(ctl, clock, 429)  # sent after the cut: a new overshoot, a new cut
    assert ctl.rate < once


def test_after_a_429_it_probes_up_slowly() -> None:
    """After a cut, rate-bound answers raise the rate by about 5 % per second of them."""
    clock = Clock()
    ctl = RateController(clock=clock)
    answer(ctl, clock, 429)
    cut = ctl.rate
    for _ in range(int(cut)):  # one second's worth of answers at that rate
        answer(ctl, clock)
    assert cut < ctl.rate < cut * 1.1


def test_never_exceeds_the_cap() -> None:
    """An explicit cap is a hard cap: no number of good answers takes the rate above it."""
    clock = Clock()
    ctl = RateController(lambda: 7.0, clock=clock)
    for _ in range(200):
        answer(ctl, clock)
    assert ctl.rate == 7.0


def test_a_new_cap_applies_at_once() -> None:
    """Setting a cap while a rate was learned: the rate is the new cap from the next request."""
    cap: list[float | None] = [None]
    clock = Clock()
    ctl = RateController(lambda: cap[0], clock=clock)
    for _ in range(4):
        answer(ctl, clock)
    assert ctl.rate > START_RATE
    cap[0] = 2.0
    assert ctl.rate == 2.0


def test_window_follows_rate_times_latency() -> None:
    """In flight: one until a latency is known, then rate x latency x 1.5, at most ``most``."""
    ctl = RateController(lambda: 10.0)
    assert ctl.window(16) == 1
    ctl.answered(ctl.ticket(), status=200, latency=0.5)
    assert ctl.window(16) == 8  # 10/s x 0.5 s x 1.5 = 7.5
    ctl.answered(ctl.ticket(), status=200, latency=10.0)
    assert ctl.window(16) == 16
    assert ctl.window(4) == 4


def test_window_lets_in_no_more_than_its_limit_and_grows_at_once() -> None:
    """A Window admits ``limit()`` holders; raising the limit lets waiters in without a leave."""
    limit = [2]

    async def scenario() -> tuple[int, int]:
        window = Window(lambda: limit[0])
        tasks = [asyncio.ensure_future(window.enter()) for _ in range(4)]
        await asyncio.sleep(0.01)
        first = window.busy
        limit[0] = 3
        window.wake()
        await asyncio.sleep(0.01)
        for task in tasks:
            task.cancel()
        return first, window.busy

    assert asyncio.run(scenario()) == (2, 3)


@pytest.mark.parametrize(
    ("url", "conn_cap", "setting", "cap"),
    [
        ("https://acme.jamacloud.com", None, None, 10.0),
        ("https://acme.jamacloud.com", 25.0, None, 25.0),
        ("https://jama.example.com", None, None, None),
        ("https://jama.example.com", None, 4.0, 4.0),
        ("https://jama.example.com", 6.0, 4.0, 6.0),
    ],
)
def test_the_cap_is_explicit_or_jama_clouds(
    url: str, conn_cap: float | None, setting: float | None, cap: float | None
) -> None:
    """Cap: the connection's rate_limit, else the setting, else 10 on *.jamacloud.com, else none."""
    jama_magic.settings.rate_limit = setting
    conn = Connection(nickname="c", base_url=url, username="u", password="p", rate_limit=conn_cap)
    assert JamaClient(conn)._cap() == cap


def test_a_cut_leaves_out_time_spent_paused() -> None:
    """A 429 after a pause: the accepted rate counts only the time not paused."""
    clock = Clock()
    ctl = RateController(lambda: 20.0, clock=clock)
    ctl.paused(0.5)
    clock.now += 0.5
    for _ in range(5):
        answer(ctl, clock, waited=False)
    answer(ctl, clock, 429)  # the last second: 0.4 s paused, 5 answers in 0.6 s
    assert ctl.rate == pytest.approx(0.9 * 5 / 0.6)
