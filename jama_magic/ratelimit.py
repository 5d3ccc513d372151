"""A client-side token bucket, one per connection, shared by all its requests.

Requests are spaced ``1/rate`` seconds apart (``burst`` may let a few go at
once). A 429 pauses the whole bucket, so concurrent pages back off together
instead of each tripping the server again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

__all__ = ["TokenBucket"]


class TokenBucket:
    """Reserve send slots at most ``rate()`` per second (``None`` = unlimited)."""

    def __init__(self, rate: Callable[[], float | None], *, burst: int = 1) -> None:
        self._rate = rate
        self._burst = max(1, burst)
        self._next = 0.0
        self.waited = 0.0

    async def acquire(self) -> None:
        """Wait for this request's slot."""
        rate = self._rate()
        now = time.monotonic()
        if not rate:
            if self._next > now:  # a pause from a 429 applies even without a limit
                await asyncio.sleep(self._next - now)
            return
        interval = 1.0 / rate
        start = max(self._next, now - (self._burst - 1) * interval)
        self._next = start + interval
        if start > now:
            self.waited += start - now
            await asyncio.sleep(start - now)

    def pause(self, seconds: float) -> None:
        """Let no request start for ``seconds`` (after a 429)."""
        self._next = max(self._next, time.monotonic() + seconds)
