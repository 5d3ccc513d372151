"""A client-side rate limiter, one per connection, shared by all its requests.

Requests get send slots ``1/rate`` seconds apart, in the order they ask
(``burst`` lets that many go at once after a quiet spell; the default 1 never
sends faster than the rate, whatever algorithm the server counts with). A 429
pauses the whole limiter, so concurrent pages back off together instead of
each tripping the server again: a request whose slot falls inside a pause set
while it waited takes a new slot after the pause.

The rate is read on every request (``jama_magic.pacing`` learns it), so a
new rate applies at once. ``Window`` bounds the requests in flight by a limit
that is likewise read on every entry. Both run on one event loop (the I/O
loop); not thread-safe.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

__all__ = ["TokenBucket", "Window"]


class TokenBucket:
    """Send slots at most ``rate()`` per second (``None`` or 0 = unlimited)."""

    def __init__(
        self,
        rate: Callable[[], float | None],
        *,
        burst: int = 1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._rate = rate
        self._clock, self._sleep = clock, sleep  # injectable for tests
        self._burst = max(1, burst)
        self._next = 0.0  # the earliest free slot
        self._paused_until = 0.0
        self.waited = 0.0  # seconds spent waiting, for benchmarks and diagnostics
        self.pauses = 0

    async def acquire(self) -> float:
        """Wait for this request's slot; returns the seconds waited."""
        waited = 0.0
        while True:
            slot, reserved = self._reserve()
            delay = slot - self._clock()
            if delay > 0:
                self.waited += delay
                waited += delay
                try:
                    await self._sleep(delay)
                except asyncio.CancelledError:
                    self._release(reserved)
                    raise
            if self._paused_until <= slot:
                return waited
            # a 429 paused the limiter while we waited: queue again behind the pause

    def pause(self, seconds: float) -> None:
        """Let no request start for ``seconds`` (after a 429)."""
        self.pauses += 1
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    def _reserve(self) -> tuple[float, float]:
        """(slot time, the ``_next`` this reservation set), slots in call order."""
        now = self._clock()
        earliest = max(now, self._paused_until)
        rate = self._rate()
        if not rate:
            return earliest, self._next
        interval = 1.0 / rate
        slot = max(self._next, earliest - (self._burst - 1) * interval, self._paused_until)
        self._next = slot + interval
        return slot, self._next

    def _release(self, reserved: float) -> None:
        # a cancelled request gives its slot back if no later request took one since
        rate = self._rate()
        if rate and self._next == reserved:
            self._next -= 1.0 / rate


class Window:
    """At most ``limit()`` holders at once; the limit is read whenever somebody enters."""

    def __init__(self, limit: Callable[[], int]) -> None:
        self._limit = limit
        self.busy = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def enter(self) -> None:
        while self.busy >= max(1, self._limit()):
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
        self.busy += 1

    def leave(self) -> None:
        """Free a place (synchronous, so a cancelled request always frees its place)."""
        self.busy -= 1
        self.wake()

    def wake(self) -> None:
        """Let every waiter check the limit again (it may have grown)."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
