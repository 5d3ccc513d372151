"""``jm.trace``: the front of the traceability room (a source in, a ``Trace`` out).

A source gives the lookups (item and relationship types, to turn the names the user typed
into ids) and then the :class:`~.data.TraceData` for the projects and types asked for:
:class:`~.network.NetworkSource` reads it in bulk over a connection,
:class:`~.mirrored.MirrorSource` from a local mirror without any request.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import JamaUsageError
from .compute import TraceSpec
from .data import Lookups, TraceData
from .names import Wanted, pick_item_types, pick_project, pick_relationship_types
from .result import Trace

if TYPE_CHECKING:
    from ..connection import Connection

__all__ = ["Source", "trace", "trace_data"]


class Source(Protocol):
    """Where the items and relationships of a trace come from."""

    def lookups(self) -> Lookups:
        """Item types (id → object) and relationship types (id → name)."""
        ...

    def data(self, projects: tuple[int, ...], spec: TraceSpec, lookups: Lookups) -> TraceData:
        """The items of the traced types (with their sets) and the projects' relationships."""
        ...


def trace(
    project: int | str | Iterable[int | str],
    upstream: Wanted,
    downstream: Wanted,
    *,
    relationship_type: Wanted | None = None,
    mirror: Any = None,
    connection: Connection | str | None = None,
) -> Trace:
    """Trace ``upstream`` items (e.g. ``"Requirement"``) to ``downstream`` ones (``"Test Case"``).

    Projects are ids, project keys or names (``20``, ``"DEMO"``, ``"Demo Project"``);
    item and relationship types are display names, type keys or ids (one or a list);
    ``relationship_type=None`` counts every relationship type. The project's items and
    relationships are read in bulk (``/abstractitems`` and ``/relationships``, about one
    request per 50 items or relationships), or from ``mirror`` without any request.
    """
    source = _source(mirror, connection)
    projects = _projects(project, source)
    lookups = source.lookups()
    spec = _spec(lookups, upstream, downstream, relationship_type)
    return Trace(source.data(projects, spec, lookups), spec)


def trace_data(
    data: TraceData,
    upstream: Wanted,
    downstream: Wanted,
    *,
    relationship_type: Wanted | None = None,
) -> Trace:
    """A trace of data already at hand (frames of items and relationships, see ``TraceData``)."""
    lookups = (data.item_types, data.relationship_types)
    return Trace(data, _spec(lookups, upstream, downstream, relationship_type))


def _source(mirror: Any, connection: Connection | str | None) -> Source:
    if mirror is not None:
        from .mirrored import MirrorSource

        source: Source = MirrorSource(mirror)
        return source
    from ..client import client_for
    from .network import NetworkSource

    return NetworkSource(client_for(connection))


def _spec(lookups: Lookups, upstream: Wanted, downstream: Wanted, kind: Wanted | None) -> TraceSpec:
    item_types, rel_types = lookups
    return TraceSpec(
        pick_item_types(upstream, item_types),
        pick_item_types(downstream, item_types),
        pick_relationship_types(kind, rel_types),
    )


def _projects(project: int | str | Iterable[int | str], source: Source) -> tuple[int, ...]:
    given = [project] if isinstance(project, int | str) else list(project)
    if not all(isinstance(value, int | str) for value in given):
        raise JamaUsageError(
            f"project must be a project id, key or name or a list of them, e.g. 20, got {project!r}"
        )
    named = [v for v in given if isinstance(v, str) and not v.strip().isdigit()]
    names = _project_names(source) if named else {}
    found = tuple(dict.fromkeys(pick_project(value, names) for value in given))
    if not found:
        raise JamaUsageError("no project given: trace needs a project id, e.g. jm.trace(20, ...)")
    return found


def _project_names(source: Source) -> dict[int, list[str]]:
    projects = getattr(source, "projects", None)
    if projects is None:
        raise JamaUsageError("this source knows no project names: give project ids, e.g. 20")
    found: dict[int, list[str]] = projects()
    return found
