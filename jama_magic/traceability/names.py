"""Projects, item types and relationship types as a user types them: name, key or id.

``pick_item_types("Requirement", types)``, ``pick_relationship_types("Verified by",
types)`` and ``pick_project("DEMO", projects)`` turn what the user typed into ids; an
unknown name is one line listing the valid ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import JamaUsageError

__all__ = ["Wanted", "pick_item_types", "pick_project", "pick_relationship_types", "project_labels"]

Wanted = int | str | Iterable[int | str]


def pick_item_types(wanted: Wanted, item_types: Mapping[int, Mapping[str, Any]]) -> tuple[int, ...]:
    """Ids of the item types named in ``wanted`` (display name, type key or id)."""
    names = {
        tid: [_text(obj.get("display")), _text(obj.get("typeKey"))]
        for tid, obj in item_types.items()
    }
    return _pick(wanted, names, what="item type")


def pick_relationship_types(
    wanted: Wanted | None, rel_types: Mapping[int, str]
) -> tuple[int, ...] | None:
    """Ids of the relationship types named in ``wanted``; None (every type) when not given."""
    if wanted is None:
        return None
    return _pick(wanted, {rid: [name] for rid, name in rel_types.items()}, what="relationship type")


def pick_project(value: int | str, projects: Mapping[int, list[str]]) -> int:
    """The id of a project given as an id (taken as it is), a project key or a name."""
    if isinstance(value, int) or value.strip().isdigit():
        return int(value)
    return _one(value, projects, what="project")


def project_labels(projects: Mapping[int, Mapping[str, Any]]) -> dict[int, list[str]]:
    """Project id → [name, key], as :func:`pick_project` matches them."""
    return {
        pid: [_text((obj.get("fields") or {}).get("name")) or _text(obj.get("name")),
              _text(obj.get("projectKey"))]
        for pid, obj in projects.items()
    }  # fmt: skip


def _pick(wanted: Wanted, names: Mapping[int, list[str]], *, what: str) -> tuple[int, ...]:
    given = [wanted] if isinstance(wanted, int | str) else list(wanted)
    if not given:
        raise JamaUsageError(f"no {what} given: name at least one, e.g. {_valid(names)}")
    picked = [_one(value, names, what=what) for value in given]
    return tuple(dict.fromkeys(picked))


def _one(value: int | str, names: Mapping[int, list[str]], *, what: str) -> int:
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        number = int(value)
        if number in names:
            return number
        raise JamaUsageError(f"no {what} has id {number}: use one of {_valid(names)}")
    folded = value.strip().casefold()
    for key, labels in names.items():
        if folded in (label.casefold() for label in labels if label):
            return key
    raise JamaUsageError(f"unknown {what} {value!r}: use one of {_valid(names)}")


def _valid(names: Mapping[int, list[str]]) -> str:
    shown = [
        f"{labels[0]} ({key})" for key, labels in sorted(names.items()) if labels and labels[0]
    ]
    return ", ".join(shown) or "(the server lists none)"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
