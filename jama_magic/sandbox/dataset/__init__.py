"""The sandbox's deterministic dataset, built without a server (see :mod:`.build`).

``generate(items=None, seed=0)`` returns a :class:`Dataset` of wire-format dicts.
The modules here each build one part: ``schema`` (users, pick lists, projects,
releases, tags), ``itemtypes``, ``items`` and ``fields`` (the item tree),
``extras`` (relationships, tags on items), ``testing`` (plans, cycles, runs),
``history`` (baselines, activities, filters, attachments) and ``quirks``.
"""

from __future__ import annotations

from jama_magic.sandbox.dataset.build import (
    DEFAULT_ITEMS,
    MAX_ITEMS,
    MIN_ITEMS,
    Dataset,
    generate,
    project_budgets,
)

__all__ = ["DEFAULT_ITEMS", "MAX_ITEMS", "MIN_ITEMS", "Dataset", "generate", "project_budgets"]
