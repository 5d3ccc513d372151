"""Shared state of the item generator, and constant sub-objects of items.

Nothing here is edited in place by the server: writes build new dicts, which is
why ``resources`` and an empty ``lock`` can be shared by all generated items.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from jama_magic.sandbox.dataset import schema as s
from jama_magic.sandbox.wire import ITEM_ALLOWED, JsonDict, TimestampMaker

RESOURCES: JsonDict = {"self": {"allowed": list(ITEM_ALLOWED)}}
UNLOCKED: JsonDict = {"locked": False}
TIMELINE_MINUTES = 400 * 1440


@dataclass
class ItemContext:
    """Everything the item builders need, plus what they produce."""

    rng: random.Random
    clock: TimestampMaker
    itemtypes: dict[int, JsonDict]
    options: dict[int, list[int]]
    releases: dict[int, list[int]]
    project_keys: dict[int, str]
    next_id: int = 1001
    items: dict[int, JsonDict] = field(default_factory=dict)
    by_type: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    doc_counters: dict[tuple[int, str], int] = field(default_factory=dict)
    child_counts: dict[tuple[str, int], int] = field(default_factory=dict)
    gso: int = 1000
    budget: int = 1

    @property
    def position(self) -> float:
        """How far through the current project's timeline the generator is (0..1)."""
        return (self.gso - 1000) / self.budget

    def option(self, pick_list: int) -> int:
        ids = self.options[pick_list]
        return ids[int(self.rng.random() ** 1.5 * len(ids))]

    def user(self) -> int:
        return s.ACTIVE_AUTHORS[int(self.rng.random() * len(s.ACTIVE_AUTHORS))]
