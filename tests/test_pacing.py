"""The adaptive pacing controller as a pure unit (fake clock), and its in-flight window."""

from __future__ import annotations

import asyncio

import pytest

import jama_magic
from jama_magic.client import JamaClient
from jama_magic.connection import Connection
from jama_magic.pacing import (
    MIN_WINDOW,
    PROVEN_GROWTH,
    START_RATE,
    UNPROVEN,
    Pacer,
    RateController,
)
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


def hold(ctl: RateController, clock: Clock, seconds: float, *, step: float = 0.01) -> None:
    """The send limiter holds a request back for ``seconds``, telling the controller."""
    for _ in range(round(seconds / step)):
        ctl.held()
        clock.now += step
    ctl.held()


def test_slow_start_grows_sixteenfold_per_round_trip_of_holding() -> None:
    """Held back by the rate for one round trip (0.1 s here): x16, up to the unproven 200/s."""
    clock = Clock()
    ctl = RateController(clock=clock)
    answer(ctl, clock, waited=False)  # a latency of 0.1 s is known
    hold(ctl, clock, 0.05)  # half a round trip: x4
    assert ctl.rate == pytest.approx(4 * START_RATE, rel=0.01)
    hold(ctl, clock, 0.2)
    assert ctl.rate == pytest.approx(UNPROVEN)  # nothing answered at that pace yet


def test_slow_start_goes_past_200_only_at_one_and_a_half_times_what_was_answered() -> None:
    """Beyond 200/s the rate reaches 1.5 x the answers of the last round trip per second."""
    clock = Clock()
    ctl = RateController(clock=clock)
    for _ in range(100):  # an answer every 2.5 ms (400/s), held back in between
        clock.now += 0.0025
        ctl.answered(ctl.ticket(waited=True), status=200, latency=0.0025)
        ctl.held()
    assert PROVEN_GROWTH == 1.5 and UNPROVEN == 200
    assert 1.5 * 400 <= ctl.rate <= 1.5 * 101 / 0.25  # 100 or 101 answers in the last 0.25 s


def test_holding_with_gaps_and_answers_alone_do_not_grow_the_rate() -> None:
    """Only time spent held back counts: not the gap since the last hold, not answers."""
    clock = Clock()
    ctl = RateController(clock=clock)
    answer(ctl, clock, waited=False)
    ctl.held()
    clock.now += 5.0  # nobody was held in between
    ctl.held()
    for _ in range(10):
        answer(ctl, clock)
    assert ctl.rate == pytest.approx(START_RATE, rel=0.05)


def test_cuts_on_429_to_what_the_server_accepted() -> None:
    """A first 429 cuts the rate to 0.75 x what the server took in the last second (5):
    that figure includes the burst the server's bucket held."""
    clock = Clock()
    ctl = RateController(lambda: 40.0, clock=clock)
    for _ in range(5):
        answer(ctl, clock, waited=False)  # 5 accepted within the last 0.5 s
    answer(ctl, clock, 429)
    assert ctl.rate == pytest.approx(0.75 * 5)
    assert not ctl.slow_start and not ctl.measured


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


def busy_second(ctl: RateController, clock: Clock) -> None:
    """One second of requests held back by the rate, sent and answered at that rate."""
    for _ in range(round(ctl.rate)):
        ticket = ctl.ticket(waited=True)
        clock.now += 1 / ctl.rate
        ctl.answered(ticket, status=200, latency=0.01)


def test_two_429s_around_a_busy_spell_measure_the_limit() -> None:
    """Between two 429s the server's bucket was empty at both: it took exactly its rate."""
    clock = Clock()
    ctl = RateController(clock=clock)
    answer(ctl, clock, 429)
    first = ctl.rate
    sent = 0
    for _ in range(3):  # 3 s of sending, 7 requests a second
        for _ in range(7):
            ctl.answered(ctl.ticket(waited=True), status=200, latency=0.01)
            clock.now += 1 / 7
            sent += 1
    ctl.answered(ctl.ticket(waited=True), status=429, latency=0.01)
    assert ctl.measured
    assert ctl.rate == pytest.approx(0.97 * sent / (3 * 7 / 7), rel=0.01) != first


def test_a_429_after_an_idle_spell_measures_nothing() -> None:
    """Requests that did not wait for the rate: the spell was not busy, no measurement."""
    clock = Clock()
    ctl = RateController(clock=clock)
    answer(ctl, clock, 429)
    for _ in range(10):
        answer(ctl, clock, waited=False)
    answer(ctl, clock, 429)
    assert not ctl.measured


def test_after_a_429_it_probes_up_25_percent_a_second_then_2_once_measured() -> None:
    """After a cut, rate-bound answers raise the rate by about 25 % per second of them
    while the limit is unmeasured, and by about 2 % once two 429s measured it."""
    clock = Clock()
    ctl = RateController(clock=clock)
    answer(ctl, clock, 429)
    cut = ctl.rate
    busy_second(ctl, clock)
    assert cut * 1.2 < ctl.rate < cut * 1.3
    busy_second(ctl, clock)
    ctl.answered(ctl.ticket(waited=True), status=429, latency=0.01)
    assert ctl.measured
    measured = ctl.rate
    busy_second(ctl, clock)
    assert measured * 1.01 < ctl.rate < measured * 1.03


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
    answer(ctl, clock, waited=False)
    hold(ctl, clock, 0.1)
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


def test_window_keeps_a_few_in_flight_when_answers_are_quick() -> None:
    """At a latency of milliseconds rate x latency is below one: the window is still
    ``MIN_WINDOW`` (4), so the client's work overlaps the server's; never above ``most``."""
    ctl = RateController(lambda: 10.0)
    ctl.answered(ctl.ticket(), status=200, latency=0.002)
    assert ctl.window(16) == MIN_WINDOW == 4
    assert ctl.window(2) == 2


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


def test_a_rising_rate_lets_requests_waiting_for_a_place_in_before_any_answer() -> None:
    """Slow start raises the rate while it holds requests back; the window (rate x latency)
    widens with it at once, not only when the next answer comes (a first round trip would
    otherwise go out 5 at a time at 10/s and 0.3 s)."""

    async def scenario() -> int:
        pacer = Pacer(lambda: None, lambda: 16)
        pacer.answered(pacer.control.ticket(), status=200, latency=0.3)
        assert pacer.control.window(16) == 5  # 10/s x 0.3 s x 1.5
        entered = 0
        never = asyncio.Event()

        async def request() -> None:
            nonlocal entered
            async with pacer.slot():
                entered += 1
                await never.wait()  # no answer comes

        tasks = [asyncio.ensure_future(request()) for _ in range(12)]
        for _ in range(500):  # at most 5 s: none of them is ever answered
            await asyncio.sleep(0.01)
            if entered > 5:
                break
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return entered

    assert asyncio.run(scenario()) > 5


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
    assert ctl.rate == pytest.approx(0.75 * 5 / 0.6)
