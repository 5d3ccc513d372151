"""The ``Mirror`` object and its front doors ``sync`` and ``mirror``."""

from __future__ import annotations

import html
import json
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import JamaUsageError
from ..frames import frame_from_tree
from . import baselinerows
from .db import rows
from .fetch import ProgressFactory
from .itemread import read_tree
from .lookuprows import MirrorNames
from .store import MirrorError, default_path, open_store
from .sync import SyncReport, run_sync

if TYPE_CHECKING:
    import duckdb
    import pandas

    from ..changes import BaselineSnapshot

__all__ = ["Mirror", "mirror", "sync"]

_open: dict[Path, Mirror] = {}
_open_lock = threading.Lock()


class Mirror:
    """A local copy of Jama projects in a DuckDB file: query it with pandas or SQL, offline."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection) -> None:
        self.path = path
        self._con: duckdb.DuckDBPyConnection | None = con

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection (for jupysql's ``%sql``, or ``pandas.read_sql``)."""
        if self._con is None:
            raise MirrorError(f"mirror {self.path} is closed: open it again with jm.mirror()")
        return self._con

    def items(
        self,
        projects: int | Iterable[int] | None = None,
        *,
        resolve: bool = True,
        text: bool = False,
    ) -> pandas.DataFrame:
        """The items of ``projects`` (default: all mirrored) as the DataFrame view of ``r.df``."""
        con = self.connection
        tree = read_tree(con, self._projects(projects))
        return frame_from_tree(tree, resolve=resolve, text=text, names=MirrorNames(con))

    def relationships(
        self, projects: int | Iterable[int] | None = None, *, resolve: bool = True
    ) -> pandas.DataFrame:
        """Relationships (index ``id``): fromItem, toItem, relationshipType, suspect;
        ``resolve=True`` shows document keys and relationship type names instead of ids."""
        query = _RESOLVED if resolve else _PLAIN
        frame: pandas.DataFrame = self.connection.execute(query, [self._projects(projects)]).df()
        indexed: pandas.DataFrame = frame.set_index("id")
        return indexed

    def sql(self, query: str, params: Sequence[Any] | None = None) -> pandas.DataFrame:
        """Run SQL on the mirror's tables; the result as a DataFrame."""
        import duckdb

        try:
            frame: pandas.DataFrame = self.connection.execute(query, params).df()
            return frame
        except duckdb.Error as exc:
            raise JamaUsageError(f"SQL error: {str(exc).splitlines()[0]}") from None

    @property
    def last_sync(self) -> SyncReport | None:
        """What the latest completed sync did (None before the first)."""
        found = rows(self.connection, f"{_SYNCS} order by id desc limit 1")
        return _report(found[0]) if found else None

    def history(self) -> pandas.DataFrame:
        """One row per completed sync, oldest first."""
        frame: pandas.DataFrame = self.connection.execute("select * from syncs order by id").df()
        indexed: pandas.DataFrame = frame.set_index("id")
        return indexed

    def load_baseline(self, baseline_id: int) -> BaselineSnapshot | None:
        """A baseline kept by an earlier ``jm.diff_baselines(..., mirror=m)`` (None if none)."""
        return baselinerows.load_baseline(self.connection, baseline_id)

    def save_baseline(self, snapshot: BaselineSnapshot) -> None:
        """Keep what was read of a baseline (it never changes once taken)."""
        baselinerows.save_baseline(self.connection, snapshot)

    def projects(self) -> list[int]:
        """The mirrored project ids."""
        return [
            int(r[0]) for r in rows(self.connection, "select project from project_state order by 1")
        ]

    def close(self) -> None:
        """Close the file (another process may then open it)."""
        with _open_lock:
            if self._con is not None:
                self._con.close()
                self._con = None
            _open.pop(self.path, None)

    def summary(self) -> list[tuple[int, str, int, int, str]]:
        """Per project: id, name, items, relationships, server time of its last sync."""
        return [tuple(r) for r in rows(self.connection, _SUMMARY)]  # type: ignore[misc]

    def __repr__(self) -> str:
        if self._con is None:
            return f"<Mirror {self.path} (closed)>"
        lines = [f"Mirror {self.path} ({_size(self.path)})"]
        for project, name, items, rels, stamp in self.summary():
            lines.append(
                f"  project {project} {name or ''}: {items} items, {rels} relationships, "
                f"synced {stamp}"
            )
        last = self.last_sync
        lines.append(f"  last sync: {last}" if last else "  never synced")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        if self._con is None:
            return html.escape(repr(self))
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(v or ''))}</td>" for v in row) + "</tr>"
            for row in self.summary()
        )
        last = self.last_sync
        return (
            f"<b>Mirror</b> <code>{html.escape(str(self.path))}</code> ({_size(self.path)})"
            "<table><tr><th>project</th><th>name</th><th>items</th><th>relationships</th>"
            f"<th>synced (server time)</th></tr>{body}</table>"
            f"<div>{html.escape(str(last)) if last else 'never synced'}</div>"
        )

    def _projects(self, projects: int | Iterable[int] | None) -> list[int]:
        if projects is None:
            return self.projects()
        wanted = [projects] if isinstance(projects, int) else [int(p) for p in projects]
        known = set(self.projects())
        unknown = [p for p in wanted if p not in known]
        if unknown:
            raise JamaUsageError(
                f"project {unknown[0]} is not in this mirror (it has {sorted(known) or 'none'}): "
                f"run jm.sync({unknown[0]}) first"
            )
        return wanted


_PLAIN = """select id, fromItem, toItem, relationshipType, suspect from relationships
    where project in (select unnest(?)) order by id"""
_RESOLVED = """select r.id,
        coalesce(f.documentKey, cast(r.fromItem as varchar)) as fromItem,
        coalesce(t.documentKey, cast(r.toItem as varchar)) as toItem,
        coalesce(rt.name, cast(r.relationshipType as varchar)) as relationshipType,
        r.suspect
    from relationships r
    left join items f on f.id = r.fromItem
    left join items t on t.id = r.toItem
    left join relationship_types rt on rt.id = r.relationshipType
    where r.project in (select unnest(?)) order by r.id"""
_SYNCS = """select projects, "full", requests, created, updated, deleted, relationships,
    elapsed, missed from syncs"""
_SUMMARY = """select s.project, p.name,
        (select count(*) from items i where i.project = s.project),
        (select count(*) from relationships r where r.project = s.project),
        s.server_time
    from project_state s left join projects p on p.id = s.project order by 1"""


def _report(row: tuple[Any, ...]) -> SyncReport:
    projects, full, requests, created, updated, deleted, rels, elapsed, missed = row
    return SyncReport(
        projects=tuple(projects),
        full=bool(full),
        requests=int(requests),
        created=int(created),
        updated=int(updated),
        deleted=int(deleted),
        relationships=int(rels),
        elapsed=float(elapsed),
        missed=json.loads(missed) if missed else {},
    )


def _size(path: Path) -> str:
    size = path.stat().st_size if path.exists() else 0
    return f"{size / 1e6:.1f} MB" if size >= 1e5 else f"{size / 1e3:.0f} kB"


def sync(
    projects: int | str | Sequence[int | str],
    *,
    connection: Any = None,
    path: str | Path | None = None,
    full: bool = False,
    progress: ProgressFactory | None = None,
) -> Mirror:
    """Mirror ``projects`` (ids or keys/names) of ``connection`` into a local DuckDB file.

    The first sync of a project reads it all; later ones read only what changed
    (``full=True`` re-reads and reports what was missed). Returns the open ``Mirror``.
    """
    from ..client import client_for

    client = client_for(connection)
    conn = client.connection
    target = Path(path) if path is not None else default_path(conn.nickname)
    ids = _project_ids(client, projects)
    found = _opened(target, create=True, base_url=conn.base_url)
    run_sync(found.connection, client, ids, full=full, progress=progress or _default_progress)
    return found


def mirror(*, connection: Any = None, path: str | Path | None = None) -> Mirror:
    """Open the mirror of ``connection`` (default: the default one), with no network."""
    return _opened(
        Path(path) if path is not None else default_path(_nickname(connection)), create=False
    )


def _nickname(connection: Any) -> str:
    from ..connection import Connection
    from ..state import session

    if isinstance(connection, Connection):
        return connection.nickname
    if isinstance(connection, str):
        return connection  # a mirror outlives the session that registered its connection
    try:
        return session.registry.get(None).nickname
    except JamaUsageError:
        raise JamaUsageError(
            "no default connection: give connection='<nickname>' or path="
        ) from None


def _opened(path: Path, *, create: bool, base_url: str | None = None) -> Mirror:
    path = path.expanduser().resolve()
    with _open_lock:
        found = _open.get(path)
        if found is None or found._con is None:
            found = _open[path] = Mirror(path, open_store(path, create=create, base_url=base_url))
    return found


def _project_ids(client: Any, projects: int | str | Sequence[int | str]) -> list[int]:
    wanted = [projects] if isinstance(projects, int | str) else list(projects)
    if not wanted:
        raise JamaUsageError("no project given: jm.sync(20) or jm.sync([20, 21])")
    if all(isinstance(p, int) or str(p).isdigit() for p in wanted):
        return [int(p) for p in wanted]
    known = client.request("GET", "/projects", all_pages=True).data or []
    return [_project_id(p, known) for p in wanted]


def _project_id(wanted: int | str, known: list[dict[str, Any]]) -> int:
    if isinstance(wanted, int) or str(wanted).isdigit():
        return int(wanted)
    text = str(wanted).lower()
    for project in known:
        fields = project.get("fields") or {}
        if text in (
            str(project.get("projectKey", "")).lower(),
            str(fields.get("name", "")).lower(),
            str(fields.get("projectKey", "")).lower(),
        ):
            return int(project["id"])
    names = ", ".join(f"{p['id']} {(p.get('fields') or {}).get('name', '')}" for p in known)
    raise JamaUsageError(f"no project {wanted!r}: choose one of {names}")


def _default_progress(label: str) -> Any:
    from ..magics.progress import progress_bar

    return progress_bar()
