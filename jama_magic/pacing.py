"""How fast and how many at once: the adaptive pacing of one connection's requests.

Jama Cloud allows 10 requests/s; a self-hosted Jama may allow more, less or no
limit at all, and a page of 50 items takes anywhere from 0.05 s to 2 s. Nobody
should have to know either number, so every connection has a ``RateController``
(pure: no I/O, no clock of its own) that learns them from the answers:

**Rate.** It starts at ``START_RATE`` (10 requests/s, Jama Cloud's documented
limit, a safe first guess elsewhere) or at the hard cap when there is one.

- *Raise* after an answer that is not a 429, but only when the rate is what held
  that request back (it waited for its send slot): a rate nobody uses proves
  nothing about the server. Until the first 429 ("slow start", as in TCP) the
  rate doubles every round trip (``× 2 ** (1 / (rate × latency))`` per answer,
  at most × 2), but never beyond twice the rate of the answers of the last two
  round trips: a server's burst allowance must not lure the rate far beyond
  what was proven. After a 429 it rises by ``PROBE`` (5 %) per second of such
  answers: the limit is known to be near, and overshooting it costs a 429
  whose retry costs a slot.
- *Cut* on a 429 to 0.9 × the answers the server accepted in the last second
  (not counting time paused after a 429): what the server really took, with
  room for its bucket to refill; a rate far above what was sent says nothing.
  The cut is at least ``CUT_LEAST`` (× 0.9); with nothing measured it is
  ``CUT_MOST`` (× 0.5). Only once per round: 429s of requests sent before the
  last cut answer the same overshoot. (The client also pauses every request
  of the connection for the ``Retry-After`` the server sent, or a back-off, so
  the server's bucket refills.)
- A *hard cap* (an explicit ``rate_limit`` on the connection or in the
  settings; 10 for ``*.jamacloud.com`` unless set) is never exceeded; the rate
  starts at the cap, still cuts on a 429 and climbs back up to it.
- What was learned stays with the connection's client for the whole session.

**In flight.** ``window()`` = rate × mean latency × ``HEADROOM`` (1.5, so
latency jitter does not leave slots unused), at least 1, at most
``max_concurrency``: a 2 s page needs 20 requests in flight for 10/s, a 0.1 s
page needs 1. The mean latency is an exponential average (weight
``LATENCY_WEIGHT``) of recent answers.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from .ratelimit import TokenBucket, Window

__all__ = ["Pacer", "RateController", "Ticket"]

START_RATE = 10.0
MIN_RATE = 0.2  # requests/s: a server that answers only 429s still gets asked now and then
PROBE = 0.05  # growth per second of rate-bound answers after a 429
CUT_LEAST, CUT_MOST = 0.9, 0.5
HEADROOM = 1.5
LATENCY_WEIGHT = 0.2
ACCEPT_WINDOW = 1.0  # seconds of answers that estimate what the server accepts


@dataclass(frozen=True)
class Ticket:
    """What the controller knew when a request was sent (its round, and whether it waited)."""

    epoch: int
    waited: bool = False


class RateController:
    """A learned request rate and in-flight window for one connection (see the module doc)."""

    def __init__(
        self,
        cap: Callable[[], float | None] = lambda: None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._cap, self._clock = cap, clock
        self._seen_cap = cap()
        self._rate = self._seen_cap or START_RATE
        self.latency: float | None = None  # mean seconds per answer
        self.epoch = 0  # rounds of cuts
        self.slow_start = True
        self._accepted: deque[float] = deque()
        self._paused: tuple[float, float] = (0.0, 0.0)  # the last pause (start, end)

    @property
    def rate(self) -> float:
        """Requests per second allowed now (never above the cap)."""
        cap = self._cap()
        if cap != self._seen_cap:  # the user set a new cap: trust it, start there
            self._seen_cap = cap
            self._rate = cap or self._rate
        return min(self._rate, cap) if cap else self._rate

    def window(self, most: int) -> int:
        """How many requests may be in flight at once (1 to ``most``)."""
        if self.latency is None:
            return 1  # nothing measured yet: one request shows the latency
        return max(1, min(most, math.ceil(self.rate * self.latency * HEADROOM)))

    def ticket(self, *, waited: bool = False) -> Ticket:
        return Ticket(self.epoch, waited)

    def answered(self, ticket: Ticket, *, status: int, latency: float) -> None:
        """Learn from one answer: ``status`` came back after ``latency`` seconds."""
        if status == 429:
            self._cut(ticket)
            return
        self._note_latency(latency)
        if status >= 500:
            return
        self._accepted.append(self._clock())
        if ticket.waited:
            self._raise()

    def paused(self, seconds: float) -> None:
        """Every request waits ``seconds`` (a 429): that time is not counted as accepting."""
        now = self._clock()
        self._paused = (now, now + seconds)

    def _note_latency(self, latency: float) -> None:
        old = self.latency
        self.latency = latency if old is None else old + LATENCY_WEIGHT * (latency - old)

    def _raise(self) -> None:
        rate = self.rate
        if self.slow_start:
            # at most twice what the server really answered in the last second: a server's
            # burst allowance must not let the rate run far ahead of what was proven
            proven = max(START_RATE, 2 * (self._accepted_rate(recent=True) or 0.0))
            per_trip = max(1.0, rate * (self.latency or 0.0))  # answers per round trip
            grown = max(rate, min(rate * 2 ** (1 / per_trip), proven))
        else:
            grown = rate * (1 + PROBE / max(rate, MIN_RATE))
        cap = self._cap()
        self._rate = min(grown, cap) if cap else grown

    def _cut(self, ticket: Ticket) -> None:
        if ticket.epoch != self.epoch:
            return  # sent before the last cut: the same overshoot, already answered
        rate = self.rate
        accepted = self._accepted_rate()
        target = rate * CUT_MOST if accepted is None else accepted * CUT_LEAST
        self._rate = max(MIN_RATE, min(rate * CUT_LEAST, target))
        self.epoch += 1
        self.slow_start = False

    def _accepted_rate(self, *, recent: bool = False) -> float | None:
        """Answers per second over the last second (``recent``: over the last two round
        trips, what the rate has just proven)."""
        now = self._clock()
        while self._accepted and self._accepted[0] < now - ACCEPT_WINDOW:
            self._accepted.popleft()
        if len(self._accepted) < 2:
            return None
        if not recent:
            start, end = self._paused  # seconds of the window spent paused sent nothing
            idle = max(0.0, min(end, now) - max(start, now - ACCEPT_WINDOW))
            return len(self._accepted) / max(ACCEPT_WINDOW - idle, ACCEPT_WINDOW / 4)
        # the last two round trips (at least 0.2 s); n answers span n - 1 intervals
        since = now - max(2 * (self.latency or 0.0), ACCEPT_WINDOW / 5)
        times = [t for t in self._accepted if t >= since]
        return (len(times) - 1) / max(now - times[0], 0.01) if len(times) > 1 else None


class Pacer:
    """One connection's pacing: its ``RateController``, send slots and in-flight window."""

    def __init__(self, cap: Callable[[], float | None], most: Callable[[], int]) -> None:
        self.control = RateController(cap)
        self.bucket = TokenBucket(lambda: self.control.rate)
        self.window = Window(lambda: self.control.window(most()))

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[Ticket]:
        """Hold a place in flight and a send slot for one request."""
        await self.window.enter()
        try:
            waited = await self.bucket.acquire()
            yield self.control.ticket(waited=waited > 0)
        finally:
            self.window.leave()

    def answered(self, ticket: Ticket, *, status: int, latency: float) -> None:
        self.control.answered(ticket, status=status, latency=latency)
        self.window.wake()

    def pause(self, seconds: float) -> None:
        """No request of this connection starts for ``seconds`` (after a 429)."""
        self.bucket.pause(seconds)
        self.control.paused(seconds)
