"""Realism and failure controls: latency, a token-bucket rate limit, fault
injection by probability or schedule, and the request counters tests read.

Fault kinds: ``"429"`` (``"429:S"`` adds ``Retry-After: S``), ``"500"``,
``"502"``, ``"503"``, ``"504"``, ``"drop"`` (connection closed, no response),
``"truncate"`` (full ``Content-Length``, half the body, then closed),
``"html"`` (502 with a proxy's HTML page), ``"slow:S"`` (S seconds' delay, then
served) and ``"nonjson"`` (200 with a text body).

Error shapes for any status N (what gateways and frameworks in front of Jama
send instead of Jama's envelope): ``"html:N"`` (an nginx-style HTML page titled
"N Reason"), ``"empty:N"`` (no body at all), ``"text:N"`` (a plain-text line)
and ``"spring:N"`` (Spring Boot's ``{"timestamp", "status", "error",
"message", "path"}`` JSON).
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

PLAIN_KINDS = frozenset({"429", "500", "502", "503", "504", "drop", "truncate", "html", "nonjson"})
SHAPES = frozenset({"html", "empty", "text", "spring"})
_NUMERIC_SEGMENT = re.compile(r"/\d+(?=/|$)")


def validate_kind(kind: str | None) -> None:
    """Raise ValueError for an unknown fault kind (None means "serve normally")."""
    if kind is None or kind in PLAIN_KINDS:
        return
    name, _, arg = kind.partition(":")
    if name in SHAPES and arg.isdigit() and 100 <= int(arg) <= 599:
        return
    if name in ("429", "slow") and arg:
        try:
            if float(arg) >= 0:
                return
        except ValueError:
            pass
    raise ValueError(
        f"Unknown fault kind {kind!r}; use one of {sorted(PLAIN_KINDS)}, '429:S' or 'slow:S' "
        "(S in seconds), 'html:N', 'empty:N', 'text:N' or 'spring:N' (N an HTTP status), "
        "or None to serve normally."
    )


def route_key(method: str, path: str) -> str:
    """``"GET /items/{id}/children"``: numeric path segments replaced by ``{id}``."""
    return f"{method} {_NUMERIC_SEGMENT.sub('/{id}', path)}"


@dataclass(frozen=True)
class SandboxStats:
    """A snapshot of the sandbox's counters."""

    requests: int
    rate_limited: int
    faults: int
    by_route: Counter[str] = field(default_factory=Counter)
    by_path: Counter[str] = field(default_factory=Counter)


class Counters:
    """Thread-safe request counters."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Zero every counter."""
        with self._lock:
            self._requests = 0
            self._rate_limited = 0
            self._faults = 0
            self._by_route: Counter[str] = Counter()
            self._by_path: Counter[str] = Counter()

    def request(self, method: str, path: str) -> None:
        """Count one received request."""
        with self._lock:
            self._requests += 1
            self._by_route[route_key(method, path)] += 1
            self._by_path[f"{method} {path}"] += 1

    def rate_limited(self) -> None:
        """Count one 429 sent."""
        with self._lock:
            self._rate_limited += 1

    def fault(self) -> None:
        """Count one injected fault."""
        with self._lock:
            self._faults += 1

    def snapshot(self) -> SandboxStats:
        """Copy the counters."""
        with self._lock:
            return SandboxStats(
                self._requests,
                self._rate_limited,
                self._faults,
                Counter(self._by_route),
                Counter(self._by_path),
            )


class TokenBucket:
    """Requests per second with a burst of ``max(1, rate)``; None means unlimited."""

    def __init__(self, rate: float | None, retry_after: float | None = None) -> None:
        self._lock = threading.Lock()
        self.configure(rate, retry_after)

    def configure(self, rate: float | None, retry_after: float | None = None) -> None:
        """Change the limit at runtime (the bucket starts full)."""
        if rate is not None and rate <= 0:
            raise ValueError(
                f"rate_limit must be a positive number of requests/s or None, got {rate}"
            )
        with self._lock:
            self.rate = rate
            self.retry_after = retry_after
            self._capacity = max(1.0, rate or 1.0)
            self._tokens = self._capacity
            self._stamp = time.monotonic()

    def allow(self) -> bool:
        """Take a token if one is available."""
        with self._lock:
            if self.rate is None:
                return True
            now = time.monotonic()
            self._tokens = min(self._capacity, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return True
            return False


@dataclass
class _Scheduled:
    method: str | None
    prefix: str | None
    kinds: deque[str | None]

    def matches(self, method: str, path: str, *, token_endpoint: bool) -> bool:
        if token_endpoint and not (self.prefix or "").startswith("/oauth"):
            return False
        if self.method is not None and self.method != method:
            return False
        return self.prefix is None or path.startswith(self.prefix)


class FaultPlan:
    """Which requests get which fault: scheduled ones first, then by probability."""

    def __init__(self, rate: float, kinds: Sequence[str], seed: int) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault_rate must be between 0 and 1, got {rate}")
        for kind in kinds:
            validate_kind(kind)
        if rate > 0 and not kinds:
            raise ValueError("fault_kinds must name at least one kind when fault_rate > 0")
        self.rate = rate
        self.kinds = tuple(kinds)
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._schedule: list[_Scheduled] = []

    def schedule(
        self,
        kinds: Iterable[str | None],
        *,
        method: str | None = None,
        path_prefix: str | None = None,
    ) -> None:
        """The next matching requests get ``kinds`` in order (None: serve normally)."""
        queued = deque(kinds)
        for kind in queued:
            validate_kind(kind)
        with self._lock:
            self._schedule.append(
                _Scheduled(method.upper() if method else None, path_prefix, queued)
            )

    def clear(self) -> None:
        """Forget scheduled faults."""
        with self._lock:
            self._schedule.clear()

    def next_scheduled(
        self, method: str, path: str, *, token_endpoint: bool = False
    ) -> tuple[bool, str | None]:
        """(matched, kind) for the first schedule entry matching this request."""
        with self._lock:
            for entry in self._schedule:
                if entry.kinds and entry.matches(method, path, token_endpoint=token_endpoint):
                    kind = entry.kinds.popleft()
                    self._schedule = [e for e in self._schedule if e.kinds]
                    return True, kind
        return False, None

    def random_fault(self) -> str | None:
        """A kind drawn with probability ``rate``, else None."""
        if self.rate <= 0:
            return None
        with self._lock:
            if self._random.random() >= self.rate:
                return None
            return self._random.choice(self.kinds)
