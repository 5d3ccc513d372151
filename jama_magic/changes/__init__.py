"""What changed: two versions of an item, two baselines, or two item frames compared.

``diff_versions(item, v1, v2)``, ``diff_baselines(a, b)`` and
``diff(frame_a, frame_b)`` return a :class:`Diff` (``changes``,
``relationships``, ``summary`` and an HTML view). The modules are its steps:
``values`` (when two cells differ), ``compare`` (frames compared),
``relations`` (relationships compared), ``words`` and ``render`` (the HTML
view), ``fetch`` and ``snapshots`` (what is read from Jama), ``versions`` and
``baselines`` (the two readers).
"""

from __future__ import annotations

from .baselines import diff_baselines
from .frame_diff import diff
from .result import Diff, RelationshipChange
from .snapshots import BaselineSnapshot, BaselineStore
from .versions import diff_versions

__all__ = [
    "BaselineSnapshot",
    "BaselineStore",
    "Diff",
    "RelationshipChange",
    "diff",
    "diff_baselines",
    "diff_versions",
]
