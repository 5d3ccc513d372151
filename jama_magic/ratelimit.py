"""A client-side rate limiter, one per connection, shared by all its requests.

Requests go ``1/rate`` seconds apart, in the order they ask: they queue, and
only the head of the queue waits for the clock, reading the rate as it waits
(in steps of at most ``STEP`` seconds, telling ``held`` each time), so a rate
that rises lets the queue go faster at once instead of after slots reserved at
the old rate. A 429 pauses
the whole limiter, so concurrent pages back off together instead of each
tripping the server again; a pause set while the head waits holds it too.

The rate is read whenever it matters (``jama_magic.pacing`` learns it).
``Window`` bounds the requests in flight by a limit that is likewise read on
every entry. Both run on one event loop (the I/O loop); not thread-safe.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable

__all__ = ["TokenBucket", "Window"]

STEP = 0.01  # seconds: how often a waiting head reads the rate again


class TokenBucket:
    """Send slots at most ``rate()`` per second (``None`` or 0 = unlimited)."""

    def __init__(
        self,
        rate: Callable[[], float | None],
        *,
        held: Callable[[], None] = lambda: None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._rate, self._held = rate, held
        self._clock, self._sleep = clock, sleep  # injectable for tests
        self._last = -math.inf  # when the last request went
        self._paused_until = 0.0
        self._tail: asyncio.Future[None] | None = None  # done when the last in queue has gone
        self.waited = 0.0  # seconds spent waiting, for benchmarks and diagnostics
        self.pauses = 0

    async def acquire(self) -> float:
        """Wait for this request's turn; returns the seconds it was held back (0: none)."""
        began = self._clock()
        ahead, mine = self._tail, asyncio.get_running_loop().create_future()
        self._tail = mine
        try:
            queued = ahead is not None and not ahead.done()
            if ahead is not None and queued:
                await asyncio.wait([ahead])  # never cancels the one ahead
            slept = await self._wait_for_slot()
        finally:
            _pass_on(ahead, mine)
            if self._tail is mine:
                self._tail = None
        held = self._clock() - began if queued or slept else 0.0
        self.waited += held
        return held

    async def _wait_for_slot(self) -> bool:
        """As the head of the queue: wait until the rate and any pause let it go."""
        slept = False
        while True:
            now = self._clock()
            rate = self._rate()
            slot = max(self._paused_until, self._last + 1.0 / rate if rate else now)
            if slot <= now:
                self._last = now
                return slept
            if now >= self._paused_until:
                self._held()  # the rate, not a pause, holds this request back
            slept = True
            await self._sleep(min(slot - now, STEP))

    def pause(self, seconds: float) -> None:
        """Let no request start for ``seconds`` (after a 429)."""
        self.pauses += 1
        self._paused_until = max(self._paused_until, self._clock() + seconds)


def _pass_on(ahead: asyncio.Future[None] | None, mine: asyncio.Future[None]) -> None:
    """Let the next in queue go when this one has gone (or, cancelled early, when the one
    ahead of it has)."""

    def release(_: object = None) -> None:
        if not mine.done():
            mine.set_result(None)

    if ahead is not None and not ahead.done():
        ahead.add_done_callback(release)
    else:
        release()


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
