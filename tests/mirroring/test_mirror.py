"""The local mirror against a real sandbox: exactness, incremental syncs, safety, offline use."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas.testing as pdt
import pytest

import jama_magic as jm
from jama_magic.mirroring import (
    Mirror,
    MirrorError,
    MirrorNotFoundError,
    mirror,
    sync,
)
from jama_magic.mirroring.itemread import read_tree
from jama_magic.mirroring.store import _V1, SCHEMA_VERSION, open_store
from jama_magic.sandbox import Sandbox

PROJECT = 21


@pytest.fixture
def fresh() -> Iterator[Sandbox]:
    """A sandbox of our own: these tests write to it."""
    with Sandbox() as sb:
        yield sb


@pytest.fixture
def conn(fresh: Sandbox) -> jm.Connection:
    return jm.connect(
        "mir", url=fresh.url, username=fresh.username, password=fresh.password, default=True
    )


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JAMA_MAGIC_DATA", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def opened() -> Iterator[list[Mirror]]:
    found: list[Mirror] = []
    yield found
    for m in found:
        m.close()


def _sync(opened: list[Mirror], *args: Any, **kw: Any) -> Mirror:
    m = sync(*args, **kw)
    opened.append(m)
    return m


def _fresh_items(project: int) -> Any:
    return jm.request("GET", "/items", query={"project": project}, all_pages=True)


def _fresh_relationships(project: int) -> set[tuple[Any, ...]]:
    rows = jm.request("GET", "/relationships", query={"project": project}, all_pages=True).data
    return {
        (r["id"], r["fromItem"], r["toItem"], r["relationshipType"], r["suspect"]) for r in rows
    }


def _mirror_relationships(m: Mirror, project: int) -> set[tuple[Any, ...]]:
    frame = m.relationships(project, resolve=False)
    return {
        (int(i), int(r.fromItem), int(r.toItem), int(r.relationshipType), bool(r.suspect))
        for i, r in frame.iterrows()
    }


def test_first_sync_items_equal_the_dataframe_view(
    conn: jm.Connection, data_dir: Path, opened: list[Mirror]
) -> None:
    """m.items() equals r.to_dataframe(resolve=True) over a fresh --all read (and unresolved)."""
    m = _sync(opened, [20, PROJECT])
    for project in (20, PROJECT):
        r = _fresh_items(project)
        pdt.assert_frame_equal(m.items(project), r.to_dataframe(resolve=True))
        pdt.assert_frame_equal(m.items(project, resolve=False), r.to_dataframe())
    assert m.path == (data_dir / "mir.duckdb").resolve()
    assert m.last_sync is not None and m.last_sync.full and m.last_sync.created == 455


def test_items_equal_the_dataframe_view_for_every_field_kind(
    conn: jm.Connection, data_dir: Path, opened: list[Mirror]
) -> None:
    """m.items() equals r.to_dataframe() with every field kind the sandbox has (dates,
    multi-select, test steps, rich text, lookups): resolved, unresolved and as plain text."""
    m = _sync(opened, PROJECT)
    r = _fresh_items(PROJECT)
    for kw in ({"resolve": True}, {"resolve": False}, {"resolve": True, "text": True}):
        found, expected = m.items(PROJECT, **kw), r.to_dataframe(**kw)
        pdt.assert_frame_equal(found, expected)
        assert found.attrs["field_keys"] == expected.attrs["field_keys"]
    df = m.items(PROJECT)
    assert {str(df[c].dtype) for c in ("createdDate", "due_date")} == {"datetime64[us, UTC]"}
    picks = df["verification_method"].dropna()
    assert all(isinstance(name, str) for names in picks for name in names) and len(picks)
    assert isinstance(df["testCaseSteps"].dropna().iloc[0][0], dict)
    assert df["description"].str.contains("<p>").any()
    assert not df["status"].dropna().str.isdigit().any() and df["status"].notna().any()


def test_relationships_and_sql(conn: jm.Connection, data_dir: Path, opened: list[Mirror]) -> None:
    """relationships() holds what /relationships serves (keys when resolved); sql() answers."""
    m = _sync(opened, 20)
    assert _mirror_relationships(m, 20) == _fresh_relationships(20)
    resolved = m.relationships(20)
    assert resolved["fromItem"].str.startswith("DEMO-").all()
    counts = m.sql("select count(*) as n from items where project = 20")
    assert int(counts["n"][0]) == len(_fresh_items(20).data)


def _change_everything(project: int) -> dict[str, int]:
    items = _fresh_items(project).data
    target, victim, parent_item = items[-1], items[-2], items[-3]
    jm.request(
        "PATCH",
        f"/items/{target['id']}",
        body=[{"op": "replace", "path": "/fields/name", "value": "Changed by test"}],
    )
    jm.request("DELETE", f"/items/{victim['id']}")
    created = jm.request(
        "POST",
        "/items",
        body={
            "project": project,
            "itemType": target["itemType"],
            "childItemType": 0,
            "location": {
                "parent": {"item": target["location"]["parent"].get("item") or parent_item["id"]}
            },
            "fields": {"name": "New by test"},
        },
    ).created_id
    assert created is not None
    rels = jm.request("GET", "/relationships", query={"project": project}, all_pages=True).data
    jm.request(
        "POST",
        "/relationships",
        body={
            "fromItem": target["id"],
            "toItem": created,
            "relationshipType": rels[0]["relationshipType"],
        },
    )
    jm.request("DELETE", f"/relationships/{rels[0]['id']}")
    return {"created": int(created), "deleted": int(victim["id"]), "updated": int(target["id"])}


def test_incremental_sync_is_exact_after_mixed_changes(
    conn: jm.Connection, data_dir: Path, opened: list[Mirror]
) -> None:
    """After mixed item and relationship changes, a cheaper re-sync equals a fresh read."""
    m = _sync(opened, 20)
    first = m.last_sync
    changed = _change_everything(20)
    m = _sync(opened, 20)
    report = m.last_sync
    assert report is not None and first is not None and not report.full
    # relationship writes touch their items' lastActivityDate: those count as updated too
    assert (report.created, report.deleted) == (1, 1) and report.updated >= 1
    assert report.requests < first.requests
    pdt.assert_frame_equal(m.items(20), _fresh_items(20).to_dataframe(resolve=True))
    assert _mirror_relationships(m, 20) == _fresh_relationships(20)
    assert changed["deleted"] not in m.items(20).index
    check = _sync(opened, 20, full=True).last_sync
    assert check is not None and set(check.missed.values()) == {0}


def test_interrupted_sync_leaves_the_mirror_as_it_was(
    fresh: Sandbox, conn: jm.Connection, data_dir: Path, opened: list[Mirror]
) -> None:
    """A sync failing midway (/activities answering 500) changes nothing; the next completes it."""
    m = _sync(opened, PROJECT)
    before = m.items(PROJECT)
    history = len(m.history())
    _change_everything(PROJECT)
    fresh.schedule_faults(["500"] * 50, method="GET", path_prefix="/activities")
    with pytest.raises(jm.JamaHTTPError):
        sync(PROJECT)
    fresh.clear_faults()
    pdt.assert_frame_equal(m.items(PROJECT), before)
    assert len(m.history()) == history
    m = _sync(opened, PROJECT)
    pdt.assert_frame_equal(m.items(PROJECT), _fresh_items(PROJECT).to_dataframe(resolve=True))


def test_second_process_gets_busy_at_once(
    conn: jm.Connection, data_dir: Path, opened: list[Mirror]
) -> None:
    """While this process holds the mirror, another process gets one 'busy' line at once."""
    m = _sync(opened, PROJECT)
    code = (
        "import sys\nfrom pathlib import Path\nfrom jama_magic.mirroring.store import open_store\n"
        "try:\n    open_store(Path(sys.argv[1]), create=True)\n"
        "except Exception as exc:\n    print(type(exc).__name__, exc)\n    sys.exit(3)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(m.path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 3, done.stderr
    line = done.stdout.strip()
    assert line.startswith("MirrorBusyError") and "busy" in line and "\n" not in line


def test_mirror_opens_offline(fresh: Sandbox, data_dir: Path) -> None:
    """With the server stopped and no connection registered, mirror(connection=...) answers."""
    jm.connect(
        "gone", url=fresh.url, username=fresh.username, password=fresh.password, default=True
    )
    m = sync(PROJECT)
    expected = m.items(PROJECT)
    m.close()
    fresh.stop()
    jm.registry.clear()
    m = mirror(connection="gone")
    try:
        pdt.assert_frame_equal(m.items(PROJECT), expected)
        assert m.last_sync is not None and "gone.duckdb" in repr(m)
    finally:
        m.close()


def test_mirror_without_file_says_sync_first(data_dir: Path) -> None:
    """Opening a mirror that was never synced is one line saying to sync first."""
    with pytest.raises(MirrorNotFoundError, match=r"jm\.sync"):
        mirror(connection="nothing")


def test_unknown_project_in_mirror_is_one_line(
    conn: jm.Connection, data_dir: Path, opened: list[Mirror]
) -> None:
    """Asking for a project that is not mirrored names the ones that are."""
    m = _sync(opened, PROJECT)
    with pytest.raises(
        jm.JamaUsageError, match=r"project 22 is not in this mirror \(it has \[21\]\)"
    ):
        m.items(22)


def test_older_schema_is_migrated_newer_refused(tmp_path: Path) -> None:
    """A version-1 file gains syncs.missed and baselines, keeps its rows; a newer one is refused."""
    old = tmp_path / "old.duckdb"
    con = duckdb.connect(str(old))
    for sql in _V1:
        con.execute(sql)
    con.execute("insert into meta values ('schema_version', '1')")
    con.execute("insert into syncs values (1, [20], true, now(), 'x', 3, 1, 0, 0, 0, 0.5)")
    con.close()
    con = open_store(old, create=False)
    assert con.execute("select value from meta where key='schema_version'").fetchall() == [
        (str(SCHEMA_VERSION),)
    ]
    assert con.execute("select id, missed from syncs").fetchall() == [(1, None)]
    assert con.execute("select count(*) from baselines").fetchall() == [(0,)]
    con.execute("update meta set value = '99' where key = 'schema_version'")
    con.close()
    with pytest.raises(MirrorError, match="schema version 99, newer"):
        open_store(old, create=False)


def test_version_3_file_is_migrated_and_reads_the_same(
    conn: jm.Connection, data_dir: Path, opened: list[Mirror]
) -> None:
    """A file as version 3 wrote it (no stored dates) opens as version 4 and reads the frame
    of a fresh read, also after an incremental sync stored some dates; a full sync stores all."""
    path = data_dir / "v3.duckdb"
    _sync(opened, PROJECT, path=path).close()
    _as_version_3(path)
    m = mirror(path=path)
    opened.append(m)
    assert _date_columns(m) == []
    pdt.assert_frame_equal(m.items(PROJECT), _fresh_items(PROJECT).to_dataframe(resolve=True))
    _change_everything(PROJECT)
    m = _sync(opened, PROJECT, path=path)
    assert _created_dates(m) == "string"  # only the changed items have stored dates
    pdt.assert_frame_equal(m.items(PROJECT), _fresh_items(PROJECT).to_dataframe(resolve=True))
    m = _sync(opened, PROJECT, path=path, full=True)
    assert _created_dates(m) == "datetime64[us, UTC]"
    pdt.assert_frame_equal(m.items(PROJECT), _fresh_items(PROJECT).to_dataframe(resolve=True))


def _as_version_3(path: Path) -> None:
    """The file as schema version 3 left it: no item_columns.dates, no timestamp columns."""
    con = duckdb.connect(str(path))
    for (name,) in con.execute("select dates from item_columns where dates is not null").fetchall():
        con.execute(f'alter table items drop column "{name}"')
    con.execute("alter table item_columns drop column dates")
    con.execute("update meta set value = '3' where key = 'schema_version'")
    con.close()


def _date_columns(m: Mirror) -> list[str]:
    found = m.sql("select dates from item_columns where dates is not null")
    return [str(name) for name in found["dates"]]


def _created_dates(m: Mirror) -> str:
    return str(read_tree(m.connection, [PROJECT]).typed["createdDate"].dtype)


def test_no_secret_in_the_mirror_file(
    fresh: Sandbox, conn: jm.Connection, data_dir: Path, opened: list[Mirror]
) -> None:
    """The password never reaches the mirror file."""
    m = _sync(opened, PROJECT)
    m.close()
    assert fresh.password.encode() not in m.path.read_bytes()
