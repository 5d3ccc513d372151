"""Traceability: coverage and the trace matrix, from bulk reads (``jm.trace``, ``Trace``).

``trace(20, "Requirement", "Test Case")`` reads project 20's relationships
(``/relationships?project=``, keyset paging) and the items of the traced types
(``/abstractitems``) in bulk — never one request per item — or takes them from a mirror,
and returns a :class:`Trace`. The layout: :mod:`.names` (types by name or id),
:mod:`.data` (the input: frames of items and relationships plus lookups),
:mod:`.network` and :mod:`.mirrored` (its two sources), :mod:`.compute` (pure),
:mod:`.result` (``Trace``), :mod:`.html` and :mod:`.excel` (the views).
"""

from __future__ import annotations

from .build import trace, trace_data
from .data import TraceData
from .result import Trace

__all__ = ["Trace", "TraceData", "trace", "trace_data"]
