"""When and how long to retry.

GET requests are retried on 429, 502, 503, 504 and on dropped connections
(refused connections and timeouts once; TLS failures never). Writes
(POST/PUT/PATCH/DELETE) only on 429, because only then did the server say it
did not process them. Waits grow exponentially with jitter and honour
``Retry-After`` (seconds or an HTTP date; an unreadable value is ignored); a
``Retry-After`` longer than ``MAX_RETRY_AFTER`` is not waited for at all (the
client fails at once). A per-request limit (``settings.retries``) and a
per-fetch budget bound the total. A reply that arrived but cannot be used
(``UnusableReplyError``) is never retried.
"""

from __future__ import annotations

import math
import random
import re
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from .errors import (
    JamaConnectError,
    JamaProtocolError,
    JamaRequestError,
    JamaTimeoutError,
    JamaTLSError,
    UnusableReplyError,
)

__all__ = [
    "MAX_RETRY_AFTER",
    "RetryBudget",
    "backoff",
    "retry_after",
    "retryable_error",
    "retryable_status",
    "tls_failure",
]

RETRY_STATUSES = frozenset({502, 503, 504})
BASE_DELAY = 0.5
MAX_DELAY = 30.0
MAX_RETRY_AFTER = 60.0  # longer asked-for waits fail at once: nobody waits 11 days in a cell
_SECONDS = re.compile(r"[0-9]{1,12}(\.[0-9]{1,6})?")  # ASCII digits only: not "²"
ONCE_RETRIES = 1  # a slow or unreachable server usually stays so: fail with a clear error soon


def retryable_status(method: str, status: int) -> bool:
    return status == 429 or (method == "GET" and status in RETRY_STATUSES)


def retryable_error(method: str, exc: JamaRequestError, attempt: int) -> bool:
    """A dropped connection is worth retrying; a refused or slow one only once; TLS never."""
    if method != "GET" or isinstance(exc, JamaTLSError | UnusableReplyError):
        return False
    if isinstance(exc, JamaTimeoutError | JamaConnectError):
        return attempt < ONCE_RETRIES
    return isinstance(exc, JamaProtocolError)


def tls_failure(exc: BaseException) -> bool:
    """Whether ``exc`` comes from a TLS handshake failure (it fails the same way every time)."""
    seen: BaseException | None = exc
    for _ in range(12):  # jama_magic -> httpx -> httpcore -> ssl
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if _SECONDS.fullmatch(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
        if when.tzinfo is None:  # "-0000" or no zone: HTTP dates are in GMT
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - datetime.now(timezone.utc)).total_seconds()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return max(0.0, seconds) if math.isfinite(seconds) else None


def backoff(attempt: int, hint: float | None = None) -> float:
    """Seconds to wait before retry number ``attempt + 1``."""
    if hint is not None:
        return min(MAX_RETRY_AFTER, hint)
    delay: float = min(MAX_DELAY, BASE_DELAY * 2.0**attempt)
    return delay * random.uniform(0.5, 1.0)


@dataclass
class RetryBudget:
    """Retries left for one whole operation (all pages of a fetch)."""

    left: int
    used: int = field(default=0)

    def take(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        self.used += 1
        return True
