"""Baselines as read from Jama, and the seam where a mirror keeps them.

A baseline never changes once taken, so what was read of it can be kept:
its description (``/baselines/{id}``), its items as they were
(``/baselines/{id}/versioneditems``, read in bulk) and the versioned
relationships of the items read so far (one request per item in Jama).
:class:`BaselineStore` is what a keeper implements; the mirror (SPEC §9)
keeps them in its ``baselines`` table, so a diff read once costs no request
the second time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import JamaUsageError, NotFoundError
from .fetch import get_many

if TYPE_CHECKING:
    from ..client import JamaClient

__all__ = ["BaselineSnapshot", "BaselineStore", "read_snapshots", "with_relationships"]

JsonDict = Mapping[str, Any]


@dataclass(frozen=True)
class BaselineSnapshot:
    """What is known of one baseline: its description, items and some relationships."""

    baseline: JsonDict
    items: list[JsonDict]
    relationships: Mapping[int, list[JsonDict]] = field(default_factory=dict)
    # Items with activity after the baseline was taken, read when the project
    # was at least as late as `active_covers` (a date): enough for any diff
    # against a baseline taken up to then, whose differences are fixed forever.
    active: frozenset[int] = frozenset()
    active_covers: str | None = None

    @property
    def id(self) -> int:
        return int(self.baseline["id"])


class BaselineStore(Protocol):
    """Keeps baselines read once (a mirror implements it)."""

    def load_baseline(self, baseline_id: int) -> BaselineSnapshot | None:
        """The kept snapshot of a baseline, or None when it was never read."""
        ...

    def save_baseline(self, snapshot: BaselineSnapshot) -> None:
        """Keep (or replace with a more complete) snapshot."""
        ...


def read_snapshots(
    client: JamaClient, ids: list[int], store: BaselineStore | None
) -> dict[int, BaselineSnapshot]:
    """The snapshots of ``ids``: kept ones from ``store``, the others read at once."""
    kept = {key: store.load_baseline(key) for key in ids} if store is not None else {}
    found = {key: snap for key, snap in kept.items() if snap is not None}
    missing = [key for key in ids if key not in found]
    gets = [g for key in missing for g in _gets(key)]
    try:
        data = get_many(client, gets)
    except NotFoundError as exc:
        hint = "list a project's baselines with GET /baselines?project=<id>"
        raise JamaUsageError(f"{_which(exc, missing)}: {hint}") from exc
    for position, key in enumerate(missing):
        found[key] = BaselineSnapshot(data[2 * position], list(data[2 * position + 1] or []))
    return found


def _gets(key: int) -> list[tuple[str, None, bool]]:
    return [(f"/baselines/{key}", None, False), (f"/baselines/{key}/versioneditems", None, True)]


def _which(exc: NotFoundError, ids: list[int]) -> str:
    url = exc.response.relative_url
    named = [key for key in ids if url.startswith(f"/baselines/{key}")]
    return f"there is no baseline {named[0] if named else ', '.join(map(str, ids))}"


def with_relationships(
    snapshot: BaselineSnapshot, more: Mapping[int, list[JsonDict]]
) -> BaselineSnapshot:
    """The snapshot with more items' versioned relationships."""
    return replace(snapshot, relationships={**snapshot.relationships, **more})
