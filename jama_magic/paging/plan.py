"""Pages as offsets: one planned request, a plan of many, and the check that a list only grew."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Page", "only_grew", "plan_pages"]


@dataclass(frozen=True)
class Page:
    """One planned request: ``size`` items from offset ``start``."""

    start: int
    size: int


def plan_pages(start: int, end: int, size: int) -> list[Page]:
    """Pages covering offsets ``[start, end)``, ``size`` at a time (for small, known ranges)."""
    return [Page(s, min(size, end - s)) for s in range(start, end, size)]


def only_grew(totals: Sequence[int]) -> bool:
    """Whether the totals seen by pages sent in order never went down."""
    return all(a <= b for a, b in itertools.pairwise(totals))
