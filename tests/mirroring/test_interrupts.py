"""A sync stopped midway (a server failing between pages, Ctrl-C) leaves the mirror as it was."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas.testing as pdt
import pytest

import jama_magic as jm
from jama_magic.mirroring import Mirror, sync
from jama_magic.sandbox import Sandbox


@pytest.fixture
def fresh() -> Iterator[Sandbox]:
    """A sandbox of our own (faults and writes), with a little latency so pages take time."""
    with Sandbox(latency=0.02) as sb:
        yield sb


@pytest.fixture
def m(fresh: Sandbox, tmp_path: Path) -> Iterator[Mirror]:
    """A mirror holding project 21, synced once."""
    jm.connect("cut", url=fresh.url, username=fresh.username, password=fresh.password, default=True)
    found = sync(21, path=tmp_path / "cut.duckdb", progress=_no_bar)
    yield found
    found.close()


def _no_bar(label: str) -> None:
    return None


def _fresh_frame(project: int) -> Any:
    r = jm.request("GET", "/items", query={"project": project}, all_pages=True)
    return r.to_dataframe(resolve=True)


def _state(m: Mirror) -> tuple[Any, ...]:
    """What a failed sync must not change: projects, items, relationships, history."""
    return (
        m.projects(),
        m.items(21),
        m.relationships(21),
        len(m.history()),
        m.sql("select count(*) as n from items")["n"][0],
    )


def _assert_unchanged(m: Mirror, before: tuple[Any, ...]) -> None:
    after = _state(m)
    assert after[0] == before[0] and after[3:] == before[3:]
    pdt.assert_frame_equal(after[1], before[1])
    pdt.assert_frame_equal(after[2], before[2])


def test_server_failing_between_pages_of_a_full_read(fresh: Sandbox, m: Mirror) -> None:
    """/items answers three pages, then 500: the error reaches the caller, the mirror is
    untouched, and the next sync reads the project in full."""
    before = _state(m)
    fresh.schedule_faults([None, None, None, *["500"] * 40], method="GET", path_prefix="/items")
    with pytest.raises(jm.JamaHTTPError, match="500"):
        sync(20, path=m.path, progress=_no_bar)
    assert fresh.stats.faults >= 1
    _assert_unchanged(m, before)
    fresh.clear_faults()
    again = sync(20, path=m.path, progress=_no_bar)
    assert again.projects() == [20, 21]
    pdt.assert_frame_equal(again.items(20), _fresh_frame(20))


def test_connection_dropped_between_pages_of_an_incremental_read(fresh: Sandbox, m: Mirror) -> None:
    """While a re-sync pages the changed items, the connection drops for good: nothing is
    stored, and the next re-sync still finds every change."""
    before = _state(m)
    items = jm.request("GET", "/items", query={"project": 21}, all_pages=True).data
    for row in items:  # enough changed items for several pages
        body = [{"op": "replace", "path": "/fields/name", "value": f"Renamed {row['id']}"}]
        jm.request("PATCH", f"/items/{row['id']}", body=body)
    jm.settings.page_size = 5
    try:
        fresh.schedule_faults([None, *["drop"] * 40], method="GET", path_prefix="/abstractitems")
        with pytest.raises(jm.JamaRequestError):
            sync(21, path=m.path, progress=_no_bar)
        _assert_unchanged(m, before)
        fresh.clear_faults()
        sync(21, path=m.path, progress=_no_bar)
    finally:
        jm.settings.reset()
    assert m.last_sync is not None and m.last_sync.updated == len(items)
    pdt.assert_frame_equal(m.items(21), _fresh_frame(21))


class _CtrlCAfterFirstPage:
    """A progress bar that presses Ctrl-C when the first page has arrived."""

    def __init__(self) -> None:
        self.pages = 0

    def start(self, *, total_items: int | None, total_pages: int | None) -> None:
        return None

    def advance(self, *, items: int, pages: int) -> None:
        self.pages += pages
        if self.pages == pages:  # the first page: SIGINT reaches the waiting main thread
            os.kill(os.getpid(), signal.SIGINT)

    def close(self) -> None:
        return None


def test_ctrl_c_while_pages_arrive(fresh: Sandbox, m: Mirror) -> None:
    """Ctrl-C after the first page of a full read stops the sync at once with
    KeyboardInterrupt; the mirror is as it was and the next sync completes."""
    before = _state(m)
    bar = _CtrlCAfterFirstPage()
    with pytest.raises(KeyboardInterrupt):
        sync(20, path=m.path, progress=lambda label: bar)
    assert bar.pages >= 1
    _assert_unchanged(m, before)
    again = sync(20, path=m.path, progress=_no_bar)
    pdt.assert_frame_equal(again.items(20), _fresh_frame(20))


def test_sql_error_is_one_line(m: Mirror) -> None:
    """A mistake in m.sql() is one line naming what DuckDB found, not a traceback of its own."""
    with pytest.raises(jm.JamaUsageError, match=r"^SQL error: .*no_such_table") as caught:
        m.sql("select * from no_such_table")
    assert "\n" not in str(caught.value)


def test_stale_lookups_are_read_again(fresh: Sandbox, m: Mirror) -> None:
    """Lookups older than a day are refreshed by the next sync; fresh ones cost no request."""
    fresh.reset_stats()
    sync(21, path=m.path, progress=_no_bar)
    assert fresh.stats.by_route.get("GET /itemtypes", 0) == 0
    m.connection.execute("update lookups_fetched set fetched = now() - interval 2 day").fetchall()
    sync(21, path=m.path, progress=_no_bar)
    assert fresh.stats.by_route.get("GET /itemtypes", 0) == 1
