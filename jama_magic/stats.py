"""What a request or a fetch cost: requests, retries, 429s, the rate used, the mean latency.

``resp.stats`` holds one ``FetchStats`` (``None`` on responses built by hand);
the response summary (of multi-page fetches, next to their retries) and the
progress bar's final line show ``summary()``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FetchStats"]


@dataclass
class FetchStats:
    """Counts of one request or one multi-page fetch (mutable: it fills while the fetch runs)."""

    requests: int = 0  # HTTP exchanges sent, retries included
    retries: int = 0
    rate_limited: int = 0  # answers with status 429
    latency_total: float = 0.0
    elapsed: float = 0.0  # seconds from the first request to the last answer
    rate_limit: float | None = None  # the connection's learned rate (requests/s) at the end

    def record(self, status: int | None, latency: float, *, retry: bool) -> None:
        """One exchange: its status (None when no answer came) and how long it took."""
        self.requests += 1
        self.retries += retry
        self.rate_limited += status == 429
        self.latency_total += latency

    @property
    def mean_latency(self) -> float | None:
        """Mean seconds per exchange (None before the first)."""
        return self.latency_total / self.requests if self.requests else None

    @property
    def rate(self) -> float | None:
        """Requests per second actually sent (None for a single request)."""
        return self.requests / self.elapsed if self.requests > 1 and self.elapsed > 0 else None

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        retries = f"{self.retries} retr{'y' if self.retries == 1 else 'ies'}"
        return f"<FetchStats {self.summary()} · {retries}>"

    def summary(self) -> str:
        """``40 requests · 0 × 429 · 9.9 req/s (paced at 10.0/s now) · mean latency 0.25 s``:
        the rate sent over the whole fetch, then the one the connection has learned by its end
        (the first fetch of a new connection can send faster on average than that, spending
        the server's burst while it looks for the limit)."""
        parts = [
            f"{self.requests} request{'s' if self.requests != 1 else ''}",
            f"{self.rate_limited} × 429",
        ]
        if self.rate is not None:
            paced = f" (paced at {self.rate_limit:.1f}/s now)" if self.rate_limit else ""
            parts.append(f"{self.rate:.1f} req/s{paced}")
        if self.mean_latency is not None:
            parts.append(f"mean latency {self.mean_latency:.2f} s")
        return " · ".join(parts)
