"""Baselines as a user types them: an id (``91``) or a name (``"Release 1.0 Baseline"``).

Baseline names repeat from project to project, so a name is looked up within a
project: the one given, else the project of the other baseline when that one is
an id, else every project (``GET /baselines?project=`` per project). An unknown
or ambiguous name is one line listing the valid names with their ids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import JamaUsageError, NotFoundError
from ..lookups import lookups_for
from .fetch import get_many

if TYPE_CHECKING:
    from ..client import JamaClient

__all__ = ["baseline_ids"]

Given = int | str
_SHOWN = 12


def baseline_ids(
    client: JamaClient, given: Sequence[Given | None], project: int | None = None
) -> list[int | None]:
    """The ids of ``given`` baselines (ids kept as they are, names looked up; None stays)."""
    named = [g for g in given if g is not None and _name(g) is not None]
    if not named:
        return [None if g is None else int(g) for g in given]
    listed = _listed(client, given, project)
    return [None if g is None else _id_of(g, listed) for g in given]


def _name(value: Given) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise JamaUsageError(f"expected a baseline id or name, got {value!r}")
    if isinstance(value, int) or value.strip().isdigit():
        return None
    return value.strip()


def _id_of(value: Given, listed: list[Mapping[str, Any]]) -> int:
    name = _name(value)
    if name is None:
        return int(value)
    hits = [b for b in listed if str(b.get("name", "")).casefold() == name.casefold()]
    if len(hits) == 1:
        return int(hits[0]["id"])
    if hits:
        where = ", ".join(f"{b['id']} (project {b.get('project')})" for b in hits)
        raise JamaUsageError(f"baseline {name!r} is in several projects: use an id: {where}")
    raise JamaUsageError(f"unknown baseline {name!r}: use one of {_valid(listed)}")


def _listed(
    client: JamaClient, given: Sequence[Given | None], project: int | None
) -> list[Mapping[str, Any]]:
    """The baselines a name may mean: of ``project``, of the other one's, or of every project."""
    projects = [project] if project is not None else _project_of_ids(client, given)
    if not projects:
        projects = sorted(lookups_for(client).all("projects"))
    data = get_many(client, [("/baselines", {"project": p}, True) for p in projects])
    return [b for rows in data for b in rows or [] if isinstance(b, Mapping) and "id" in b]


def _project_of_ids(client: JamaClient, given: Sequence[Given | None]) -> list[int]:
    ids = [int(g) for g in given if g is not None and _name(g) is None]
    if not ids:
        return []
    try:
        (found,) = get_many(client, [(f"/baselines/{ids[0]}", None, False)])
    except NotFoundError:
        hint = "list a project's baselines with GET /baselines?project=<id>"
        raise JamaUsageError(f"there is no baseline {ids[0]}: {hint}") from None
    return [int(found["project"])] if isinstance(found, Mapping) and "project" in found else []


def _valid(listed: list[Mapping[str, Any]]) -> str:
    shown = [f"{b.get('name')} ({b['id']})" for b in listed[:_SHOWN]]
    more = f", ... ({len(listed) - _SHOWN} more)" if len(listed) > _SHOWN else ""
    return (", ".join(shown) + more) or "(no baselines found)"
