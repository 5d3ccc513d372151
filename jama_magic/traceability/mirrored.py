"""The mirror source of a trace (issue 17's local mirror): no network at all.

Placeholder seam until the mirror lands: see :class:`MirrorSource`.
"""

from __future__ import annotations

from typing import Any

from ..errors import JamaUsageError
from .compute import TraceSpec
from .data import Lookups, TraceData

__all__ = ["MirrorSource"]


class MirrorSource:
    """Reads a trace's data from a mirror (``jm.mirror()``)."""

    def __init__(self, mirror: Any) -> None:
        self.mirror = mirror

    def lookups(self) -> Lookups:
        raise JamaUsageError("trace(mirror=...) needs the local mirror, which this build lacks")

    def data(self, projects: tuple[int, ...], spec: TraceSpec, lookups: Lookups) -> TraceData:
        raise JamaUsageError("trace(mirror=...) needs the local mirror, which this build lacks")
