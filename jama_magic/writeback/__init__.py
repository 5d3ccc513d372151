"""Writing back from a DataFrame: ``df.jama.plan()``, ``plan.apply()``, ``result.undo()``.

Edit a frame made by jama_magic, look at the plan (only the changed cells,
names mapped back to ids), apply it (conflicts checked, one PATCH per item,
each sent once, an audit log), undo it. See SPEC §11.
"""

from __future__ import annotations

from ..frames.origin import FrameOrigin, NoOriginError, capture_origin, origin_of
from .build import PlanError, build_plan
from .plan import ChangePlan, FieldChange, ItemChange

__all__ = [
    "ChangePlan",
    "FieldChange",
    "FrameOrigin",
    "ItemChange",
    "NoOriginError",
    "PlanError",
    "build_plan",
    "capture_origin",
    "origin_of",
]
