"""How fast and how many at once: the adaptive pacing of one connection's requests.

Jama Cloud allows 10 requests/s; a self-hosted Jama may allow more, less or no
limit at all, and a page of 50 items takes anywhere from 0.05 s to 2 s. Nobody
should have to know either number, so every connection has a ``RateController``
(pure: no I/O, no clock of its own) that learns them from the answers:

**Rate.** It starts at ``START_RATE`` (10 requests/s, Jama Cloud's documented
limit, a safe first guess elsewhere) or at the hard cap when there is one.

- *Slow start* (until the first 429, as in TCP): while the rate is what holds
  requests back (the send limiter tells ``held()``), it grows ``GROWTH``-fold
  (16) per round trip, timed by the clock rather than by answers, so the first
  round trip after the first page is not spent at 10/s. It never goes beyond
  ``UNPROVEN`` (200/s) or ``PROVEN_GROWTH`` (1.5) x the rate of the answers of
  the last round trip (of the last ``PROVEN_SPAN``, 0.25 s, at least),
  whichever is more. A server's burst allowance must not lure the rate far
  past what it can sustain: what goes out after its bucket is empty and before
  the 429 comes back is refused, about rate x the time a 429 takes. With 2x
  answers over 50 ms, a 0 ms sandbox saw 400-560/s and two to four 429s at
  once; now it sees one. 200/s keeps 16 pages in flight from 80 ms a page on,
  and is about what one Python client takes in at a few ms a page. A rate
  nobody waits for proves nothing and does not grow.
- *Cut* on a 429, once per round (429s of requests sent before the last cut
  answer the same overshoot), never by less than ``CUT_LEAST`` (× 0.9):
  - when this 429 and the last cut bound a busy spell of at least
    ``SPELL_LEAST`` (0.5 s) in which most requests waited for the rate, the
    server's bucket was empty at both, so what it took in between is exactly
    its rate × the time: the rate becomes ``CUT_KNOWN`` (0.97) of that, the
    limit is *measured*;
  - otherwise to ``CUT_UNMEASURED`` (0.75) × what the server took in the last
    second (its answers, or the requests sent and not refused, whichever is
    more; time paused does not count). That includes the burst its bucket
    held, hence the margin; with nothing to go by, ``CUT_MOST`` (× 0.5).
  The client also pauses every request of the connection for the
  ``Retry-After`` the server sent, or a back-off, so its bucket refills.
- *Probe* after a cut: each answer to a request the rate held back raises it,
  by ``PROBE_UNMEASURED`` (25 %) per second of them while the limit is not
  measured (a cut from a burst-inflated figure may be too deep, and the next
  429 measures the limit), by ``PROBE`` (2 %) once it is (the limit is known;
  each overshoot costs a 429 and its retry).
- A *hard cap* (an explicit ``rate_limit`` on the connection or in the
  settings; 10 for ``*.jamacloud.com`` unless set) is never exceeded; the rate
  starts at the cap, still cuts on a 429 and climbs back up to it.
- What was learned stays with the connection's client for the whole session.

These constants were chosen on the sandbox grid (``benchmarks/bench_grid.py``:
latency 0-2 s x limit 5/s, 10/s, 30/s or none). A 2,000-item fetch is 40
requests, so ≤ 5 % of 429s leaves room for two: the first overshoot and the
one that measures the limit.

**In flight.** ``window()`` = rate × mean latency × ``HEADROOM`` (1.5, so
latency jitter does not leave slots unused), at least ``MIN_WINDOW`` (4, so
that at a few milliseconds a page the client's work overlaps the server's;
the rate still spaces the sends), at most ``max_concurrency``: a 2 s page
needs 20 requests in flight for 10/s. Before the first answer it is 1. A
rising rate widens it at once (the limiter tells the pacer), not at the next
answer. The mean latency is an exponential average (weight
``LATENCY_WEIGHT``) of recent answers, each the exchange alone: a new
client's set-up or a token fetch before it is not part of it.
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
GROWTH = 16.0  # slow start: growth per round trip of requests held back by the rate
UNPROVEN = 200.0  # requests/s slow start may reach with nothing answered at that pace
PROVEN_GROWTH = 1.5  # ... beyond that, at most this x the rate of the last trip's answers
PROVEN_SPAN = 0.25  # seconds: the shortest span of answers that proves a rate
HELD_SPELL = 0.05  # seconds: the longest gap between two holds that counts as holding
SHORTEST_TRIP = 0.02  # seconds: slow start's clock counts round trips of at least this
MIN_RATE = 0.2  # requests/s: a server that answers only 429s still gets asked now and then
PROBE = 0.02  # growth per second of rate-bound answers once the limit is measured
PROBE_UNMEASURED = 0.25  # ... after a 429, before that (the next 429 measures it)
CUT_LEAST, CUT_MOST = 0.9, 0.5
CUT_KNOWN = 0.97  # of a limit measured between two 429s
CUT_UNMEASURED = 0.75  # of what the server took in the last second, its burst included
SPELL_LEAST = 0.5  # seconds between two 429s that measure the server's limit
BUSY = 0.75  # share of those requests that must have waited for the rate (a busy spell)
HEADROOM = 1.5
MIN_WINDOW = 4  # in flight at least (never above max_concurrency)
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
        self._sent: deque[float] = deque()
        self._refused: deque[float] = deque()
        self.measured = False  # the server's limit was measured between two 429s
        self._grown_at: float | None = None  # when slow start last grew the rate
        self._count = Counts()  # since the connection began
        self._last_cut: tuple[float, Counts] | None = None  # when, and the counts then
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
        return min(most, max(MIN_WINDOW, math.ceil(self.rate * self.latency * HEADROOM)))

    def ticket(self, *, waited: bool = False) -> Ticket:
        """A request is sent now (``waited``: the rate held it back)."""
        now = self._clock()
        self._forget(now)
        self._sent.append(now)
        self._count = self._count.plus(sent=1, held=int(waited))
        return Ticket(self.epoch, waited)

    def answered(self, ticket: Ticket, *, status: int, latency: float) -> None:
        """Learn from one answer: ``status`` came back after ``latency`` seconds."""
        now = self._clock()
        self._forget(now)
        if status == 429:
            self._refused.append(now)
            self._count = self._count.plus(refused=1)
            self._cut(ticket)
            return
        self._note_latency(latency)
        if status >= 500:
            return
        self._accepted.append(now)
        if ticket.waited and not self.slow_start:
            self._probe()

    def paused(self, seconds: float) -> None:
        """Every request waits ``seconds`` (a 429): that time is not counted as accepting."""
        now = self._clock()
        self._paused = (now, now + seconds)

    def _note_latency(self, latency: float) -> None:
        old = self.latency
        self.latency = latency if old is None else old + LATENCY_WEIGHT * (latency - old)

    def held(self) -> None:
        """A request is being held back by the rate now: in slow start, the rate grows
        ``GROWTH``-fold per round trip of such holding."""
        now = self._clock()
        last, self._grown_at = self._grown_at, now
        if not self.slow_start or last is None:
            return
        spell = now - last if now - last <= HELD_SPELL else 0.0  # nobody was held between
        trip = max(self.latency or 0.0, SHORTEST_TRIP)
        rate = self.rate
        self._set(min(rate * GROWTH ** (spell / trip), max(rate, self._proven(now, trip))))

    def _forget(self, now: float) -> None:
        """Keep the last second of sends, answers and refusals."""
        for times in (self._accepted, self._sent, self._refused):
            while times and times[0] < now - ACCEPT_WINDOW:
                times.popleft()

    def _proven(self, now: float, trip: float) -> float:
        """How far slow start may go: ``PROVEN_GROWTH`` x the answers of the last round
        trip per second, or ``UNPROVEN``, whichever is more."""
        span = max(trip, PROVEN_SPAN)
        answers = sum(1 for t in reversed(self._accepted) if t > now - span)
        return max(UNPROVEN, PROVEN_GROWTH * answers / span)

    def _probe(self) -> None:
        """After a 429: a rate-bound answer raises the rate by ``PROBE`` per second of them."""
        rate = self.rate
        probe = PROBE if self.measured else PROBE_UNMEASURED
        self._set(rate * (1 + probe / max(rate, MIN_RATE)))

    def _set(self, rate: float) -> None:
        cap = self._cap()
        self._rate = min(rate, cap) if cap else rate

    def _cut(self, ticket: Ticket) -> None:
        if ticket.epoch != self.epoch:
            return  # sent before the last cut: the same overshoot, already answered
        rate, now = self.rate, self._clock()
        limit = self._limit_between_cuts(now)
        if limit is not None:
            target, self.measured = limit * CUT_KNOWN, True
        else:
            accepted = self._accepted_rate()
            target = rate * CUT_MOST if accepted is None else accepted * CUT_UNMEASURED
        self._rate = max(MIN_RATE, min(rate * CUT_LEAST, target))
        self._last_cut = (now, self._count)
        self.epoch += 1
        self.slow_start = False

    def _limit_between_cuts(self, now: float) -> float | None:
        """The server's own rate, when this 429 and the last cut's bound a busy spell: its
        bucket was empty at both, so what it took in between is exactly its rate x the time
        (None when the spell was short, or idle in parts, which would understate it)."""
        if self._last_cut is None:
            return None
        then, counts = self._last_cut
        spell, sent = now - then, self._count.sent - counts.sent
        held = self._count.held - counts.held
        if spell < SPELL_LEAST or sent < 2 or held < BUSY * sent:
            return None
        return (sent - (self._count.refused - counts.refused)) / spell

    def _accepted_rate(self) -> float | None:
        """What the server took in the last second, per second (not counting time paused):
        its answers, or the requests sent and not refused when that is more (answers lag
        one latency behind the sends, a refusal at the door does not)."""
        now = self._clock()
        since = now - ACCEPT_WINDOW
        self._forget(now)
        taken = max(len(self._accepted), len(self._sent) - len(self._refused))
        if taken < 2:
            return None
        start, end = self._paused  # seconds of the window spent paused sent nothing
        idle = max(0.0, min(end, now) - max(start, since))
        return taken / max(ACCEPT_WINDOW - idle, ACCEPT_WINDOW / 4)


@dataclass(frozen=True)
class Counts:
    """Requests sent, held back by the rate, and refused (429), as running totals."""

    sent: int = 0
    held: int = 0
    refused: int = 0

    def plus(self, *, sent: int = 0, held: int = 0, refused: int = 0) -> Counts:
        return Counts(self.sent + sent, self.held + held, self.refused + refused)


class Pacer:
    """One connection's pacing: its ``RateController``, send slots and in-flight window."""

    def __init__(self, cap: Callable[[], float | None], most: Callable[[], int]) -> None:
        self.control = RateController(cap)
        self.bucket = TokenBucket(lambda: self.control.rate, held=self._held)
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

    def _held(self) -> None:
        """The rate holds a request back: slow start may raise it, and a higher rate
        widens the window at once (requests waiting for a place need not wait for an
        answer to find out)."""
        before = self.control.rate
        self.control.held()
        if self.control.rate > before:
            self.window.wake()

    def pause(self, seconds: float) -> None:
        """No request of this connection starts for ``seconds`` (after a 429)."""
        self.bucket.pause(seconds)
        self.control.paused(seconds)
