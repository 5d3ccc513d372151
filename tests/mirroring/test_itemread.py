"""Items written to a real mirror file and read back give the frame to_dataframe gives the JSON."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from jama_magic.frames import frame_from_tree, to_dataframe
from jama_magic.mirroring.itemread import read_tree
from jama_magic.mirroring.itemrows import write_items
from jama_magic.mirroring.store import open_store

PROJECT = 7
ITEM_TYPE = 9


class Types:
    """A NameSource with one item type (a STRING field, a DATE field) and a few names."""

    def names(self, kind: str, ids: Iterable[int]) -> dict[int, str]:
        known = {"users": {1: "Ann"}, "projects": {PROJECT: "Drone"}, "itemtypes": {9: "Req"}}
        return {i: known.get(kind, {})[i] for i in ids if i in known.get(kind, {})}

    def item_types(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        fields = [
            {"name": f"label${ITEM_TYPE}", "label": "Label", "fieldType": "STRING"},
            {"name": f"due${ITEM_TYPE}", "label": "Due", "fieldType": "DATE"},
        ]
        return {ITEM_TYPE: {"id": ITEM_TYPE, "fields": fields}} if ITEM_TYPE in ids else {}


def _item(n: int, **fields: Any) -> dict[str, Any]:
    return {
        "id": 100 + n,
        "documentKey": f"DR-{n}",
        "project": PROJECT,
        "itemType": ITEM_TYPE,
        "location": {"parent": {"item": 100} if n else {"project": PROJECT}},
        "createdDate": f"2023-01-{n + 1:02d}T10:00:00.000+0000",
        "createdBy": 1,
        "fields": {"name": f"Item {n}", **fields},
        "type": "items",
    }


def _items() -> list[dict[str, Any]]:
    """Dates of every shape Jama and ISO allow, and columns that only look like dates."""
    whens = [
        "2024-01-15",
        "2024-01-15T10:00:00.000+0000",
        "2024-01-15 10:00:00+02:00",
        "2024-01-15T10:00Z",
        "2024-01-15T10:00:00.123456-0530",
        None,
    ]
    return [
        _item(
            n,
            when=when,  # dates of a field without a type: read as dates
            odd="2024-02-30" if n == 2 else "2024-03-01",  # no such day: all stay text
            nanos="2024-01-15T10:00:00.123456789Z" if n == 3 else "2024-01-15",  # finer than us
            **{f"label${ITEM_TYPE}": "2024-01-15"},  # a STRING field holding dates: text
            **{f"due${ITEM_TYPE}": "2024-1-5" if n == 4 else "2024-01-05"},  # DATE, loose shape
        )
        for n, when in enumerate(whens)
    ]


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_store(tmp_path / "items.duckdb", create=True)
    yield con
    con.close()


def _read(con: duckdb.DuckDBPyConnection, **kw: Any) -> pd.DataFrame:
    return frame_from_tree(read_tree(con, [PROJECT]), names=Types(), **kw)


def _expected(items: list[dict[str, Any]], **kw: Any) -> pd.DataFrame:
    return to_dataframe(copy.deepcopy(items), names=Types(), **kw)


def test_dates_and_look_alikes_read_back_as_to_dataframe_reads_them(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Every shape of date reads back as to_dataframe reads it, resolved or not, and a column
    that only looks like dates (an impossible day, nanoseconds, a STRING field) as it does too."""
    items = _items()
    write_items(con, items)
    for kw in ({}, {"resolve": True}, {"text": True}):
        pd.testing.assert_frame_equal(_read(con, **kw), _expected(items, **kw))
    frame = _read(con)
    assert isinstance(frame["when"].dtype, pd.DatetimeTZDtype)
    assert frame["odd"].tolist()[2] == "2024-02-30"
    assert frame["label"].dtype == "string"


def test_stored_dates_are_read_instead_of_the_text(con: duckdb.DuckDBPyConnection) -> None:
    """A text column whose every value is a date is read from its stored timestamps (frames
    takes them unless the field is declared as text); one with a value that is no such date is
    read as text, and frames parses it as for r.df."""
    write_items(con, _items())
    typed = read_tree(con, [PROJECT]).typed
    kinds = {path: typed[path].dtype.kind for path in typed}
    assert kinds["createdDate"] == kinds["fields.when"] == kinds[f"fields.label${ITEM_TYPE}"] == "M"
    assert kinds["fields.odd"] == kinds["fields.nanos"] == kinds[f"fields.due${ITEM_TYPE}"] == "O"
    stored = con.execute("select dates from item_columns where path = 'createdDate'").fetchall()
    assert stored == [("createdDate@timestamp",)]


def test_dates_are_instants_whatever_the_session_time_zone(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Dates with and without an offset read back the same in a session of another time zone."""
    con.execute("set TimeZone = 'America/New_York'")
    items = _items()
    write_items(con, items)
    pd.testing.assert_frame_equal(_read(con), _expected(items))


def test_a_later_text_among_dates_is_read_as_text(con: duckdb.DuckDBPyConnection) -> None:
    """An update that puts a non-date into a column of dates: the column reads back as to_dataframe
    reads the items as they now are (text), and as dates again once that item is gone."""
    items = _items()
    write_items(con, items)
    changed = copy.deepcopy(items[1])
    changed["fields"]["when"] = "soon"
    write_items(con, [changed])
    now = [changed if item["id"] == changed["id"] else item for item in items]
    pd.testing.assert_frame_equal(_read(con), _expected(now))
    con.execute("delete from items where id = ?", [changed["id"]])
    rest = [item for item in items if item["id"] != changed["id"]]
    pd.testing.assert_frame_equal(_read(con), _expected(rest))
    assert isinstance(_read(con)["when"].dtype, pd.DatetimeTZDtype)
