"""One sync: read from Jama (full or changes only), then store everything in one transaction.

The read happens first and writes nothing, so a failure or Ctrl-C while
reading leaves the mirror untouched; the write is one DuckDB transaction, so
a failure while writing is rolled back. Either way the mirror is as it was
and the next sync (which starts from the last *completed* sync) completes it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..state import session
from .db import one, rows, run
from .fetch import LOOKUP_MAX_AGE, Changes, Lookups, ProgressFactory, Reader
from .itemrows import delete_items, digest, write_items
from .lookuprows import write_lookups

if TYPE_CHECKING:
    import duckdb

__all__ = ["SyncReport", "run_sync"]


@dataclass(frozen=True, kw_only=True)
class SyncReport:
    """What one sync did. ``missed``: for a full sync of a mirrored project, what the
    incremental syncs before it had missed (``missing``, ``extra``, ``stale`` items and
    relationships; expected all 0)."""

    projects: tuple[int, ...]
    full: bool
    requests: int
    created: int
    updated: int
    deleted: int
    relationships: int
    elapsed: float
    missed: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        kind = "full" if self.full else "incremental"
        text = (
            f"{kind} sync of project {', '.join(map(str, self.projects))}: "
            f"{self.created} created, {self.updated} updated, {self.deleted} deleted, "
            f"{self.relationships} relationship changes; "
            f"{self.requests} requests in {self.elapsed:.1f} s"
        )
        if self.missed:
            text += "; missed by earlier syncs: " + ", ".join(
                f"{k} {v}" for k, v in self.missed.items()
            )
        return text


def run_sync(
    con: duckdb.DuckDBPyConnection,
    client: Any,
    projects: Sequence[int],
    *,
    full: bool,
    progress: ProgressFactory,
) -> SyncReport:
    """Sync ``projects`` into the open mirror ``con``; see the module docstring."""
    started = time.monotonic()
    reader = Reader(client, progress)
    plans = {p: None if full else _state(con, p) for p in projects}
    changes, lookups = session.io.run(_read(reader, con, plans))

    def report(counts: dict[str, Any]) -> SyncReport:
        return SyncReport(
            projects=tuple(projects),
            full=all(c.full for c in changes),
            requests=reader.requests,
            elapsed=time.monotonic() - started,
            **counts,
        )

    return _store(con, changes, lookups, report)


def _state(con: duckdb.DuckDBPyConnection, project: int) -> tuple[str, int] | None:
    stamp = one(con, "select server_time from project_state where project = ?", [project])
    if stamp is None:
        return None
    newest = one(con, "select coalesce(max(id), 0) from relationships where project = ?", [project])
    return str(stamp), int(newest)


async def _read(
    reader: Reader, con: duckdb.DuckDBPyConnection, plans: dict[int, tuple[str, int] | None]
) -> tuple[list[Changes], Lookups | None]:
    reads = [
        reader.full(project) if plan is None else reader.changes(project, *plan)
        for project, plan in plans.items()
    ]
    if any(plan is None for plan in plans.values()):
        # A full read refreshes the lookups anyway: read them alongside.
        changes, lookups = await asyncio.gather(asyncio.gather(*reads), reader.lookups(list(plans)))
        return list(changes), lookups
    found = list(await asyncio.gather(*reads))
    return found, await reader.lookups(list(plans)) if _lookups_stale(con, found) else None


def _lookups_stale(con: duckdb.DuckDBPyConnection, changes: list[Changes]) -> bool:
    if any(c.full for c in changes):
        return True
    fetched = one(con, "select min(fetched) from lookups_fetched")
    if fetched is None or dt.datetime.now(dt.timezone.utc) - fetched > LOOKUP_MAX_AGE:
        return True
    return _unknown_refs(con, [item for c in changes for item in c.items])


def _unknown_refs(con: duckdb.DuckDBPyConnection, items: list[dict[str, Any]]) -> bool:
    """A changed item points to an item type or user the lookups do not hold."""
    types = {i.get("itemType") for i in items} - {None}
    users = {i.get(k) for i in items for k in ("createdBy", "modifiedBy")} - {None}
    return _missing(con, "item_types", types) or _missing(con, "users", users)


def _missing(con: duckdb.DuckDBPyConnection, table: str, ids: set[Any]) -> bool:
    if not ids:
        return False
    known = one(con, f"select count(*) from {table} where id in (select unnest(?))", [sorted(ids)])
    return int(known) < len(ids)


def _store(
    con: duckdb.DuckDBPyConnection,
    changes: list[Changes],
    lookups: Lookups | None,
    report: Callable[[dict[str, Any]], SyncReport],
) -> SyncReport:
    run(con, "begin transaction")
    try:
        done = report(_apply_all(con, changes, lookups))
        _log(con, done, changes)
    except BaseException:
        run(con, "rollback")
        raise
    run(con, "commit")
    run(con, "checkpoint")  # into the file now: its size tells what it holds
    return done


def _log(con: duckdb.DuckDBPyConnection, report: SyncReport, changes: list[Changes]) -> None:
    sync_id = int(one(con, "select coalesce(max(id), 0) + 1 from syncs"))
    run(
        con,
        "insert into syncs values (?, ?, ?, now(), ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            sync_id,
            list(report.projects),
            report.full,
            max(c.server_time for c in changes),
            report.requests,
            report.created,
            report.updated,
            report.deleted,
            report.relationships,
            report.elapsed,
            json.dumps(report.missed) if report.missed else None,
        ],
    )
    projects = [c.project for c in changes]
    run(
        con,
        "update project_state set last_sync = ? where project in (select unnest(?))",
        [sync_id, projects],
    )


def _apply_all(
    con: duckdb.DuckDBPyConnection, changes: list[Changes], lookups: Lookups | None
) -> dict[str, Any]:
    totals: dict[str, Any] = {
        "created": 0,
        "updated": 0,
        "deleted": 0,
        "relationships": 0,
        "missed": {},
    }
    for change in changes:
        counts = _apply(con, change)
        for key in ("created", "updated", "deleted", "relationships"):
            totals[key] += counts[key]
        for key, value in counts["missed"].items():
            totals["missed"][key] = totals["missed"].get(key, 0) + value
    if lookups is not None:
        write_lookups(con, lookups.tables)
    return totals


def _apply(con: duckdb.DuckDBPyConnection, change: Changes) -> dict[str, Any]:
    project = change.project
    stored = dict(rows(con, "select id, _digest from items where project = ?", [project]))
    known_before = one(con, "select count(*) from project_state where project = ?", [project])
    fresh = {int(i["id"]): digest(i) for i in change.items}
    created = len(fresh.keys() - stored.keys())
    updated = sum(1 for key, value in fresh.items() if key in stored and stored[key] != value)
    missed: dict[str, int] = {}
    if change.full:
        gone = stored.keys() - fresh.keys()
        if known_before:
            missed = _missed_items(created, updated, len(gone))
            missed.update(_missed_relationships(con, change))
        change.deleted_items |= gone
        run(con, "delete from relationships where project = ?", [project])
    write_items(con, change.items)
    deleted = delete_items(con, change.deleted_items)
    rel_changes = _apply_relationships(con, change)
    _record(con, change)
    return {
        "created": created,
        "updated": updated,
        "deleted": deleted,
        "relationships": rel_changes,
        "missed": missed,
    }


def _missed_items(created: int, updated: int, gone: int) -> dict[str, int]:
    return {"missing items": created, "stale items": updated, "extra items": gone}


def _missed_relationships(con: duckdb.DuckDBPyConnection, change: Changes) -> dict[str, int]:
    stored = {r[0]: tuple(r[1:]) for r in rows(con, _REL_SELECT, [change.project])}
    fresh = {int(r["id"]): _rel_tuple(r) for r in change.relationships}
    return {
        "missing relationships": len(fresh.keys() - stored.keys()),
        "extra relationships": len(stored.keys() - fresh.keys()),
        "stale relationships": sum(1 for k, v in fresh.items() if k in stored and stored[k] != v),
    }


_REL_SELECT = (
    "select id, fromItem, toItem, relationshipType, suspect from relationships where project = ?"
)


def _rel_tuple(rel: dict[str, Any]) -> tuple[Any, ...]:
    return (rel.get("fromItem"), rel.get("toItem"), rel.get("relationshipType"), rel.get("suspect"))


def _apply_relationships(con: duckdb.DuckDBPyConnection, change: Changes) -> int:
    ids = sorted(change.deleted_relationships)
    removed = int(
        one(con, "select count(*) from relationships where id in (select unnest(?))", [ids]) or 0
    )
    run(con, "delete from relationships where id in (select unnest(?))", [ids])
    # Relationships of deleted items go with them.
    dead = sorted(change.deleted_items)
    run(
        con,
        "delete from relationships"
        " where fromItem in (select unnest(?)) or toItem in (select unnest(?))",
        [dead, dead],
    )
    _write_relationships(con, change.project, change.relationships)
    return removed + (0 if change.full else len(change.relationships))


def _write_relationships(
    con: duckdb.DuckDBPyConnection, project: int, rels: list[dict[str, Any]]
) -> None:
    import pandas as pd

    if not rels:
        return
    frame = pd.DataFrame(
        {
            "id": pd.array([r["id"] for r in rels], dtype="Int64"),
            "project": pd.array([project] * len(rels), dtype="Int64"),
            "fromItem": pd.array([r.get("fromItem") for r in rels], dtype="Int64"),
            "toItem": pd.array([r.get("toItem") for r in rels], dtype="Int64"),
            "relationshipType": pd.array([r.get("relationshipType") for r in rels], dtype="Int64"),
            "suspect": pd.array([r.get("suspect") for r in rels], dtype="boolean"),
            "type": pd.array([r.get("type") for r in rels], dtype=object),
        }
    )
    con.register("_jm_rels", frame)
    try:
        run(con, "delete from relationships where id in (select id from _jm_rels)")
        run(con, "insert into relationships by name select * from _jm_rels")
    finally:
        con.unregister("_jm_rels")


def _record(con: duckdb.DuckDBPyConnection, change: Changes) -> None:
    run(
        con,
        "insert or replace into project_state values (?, ?, ?)",
        [change.project, change.server_time, None],
    )
