"""resolve=True on the parent column: an item parent as its document key, a project parent
(a root item) as the project's name, never a request per item."""

from __future__ import annotations

from typing import Any

import pandas as pd

import jama_magic as jm
from jama_magic.connection import Connection
from jama_magic.frames import to_dataframe
from jama_magic.sandbox import Sandbox

PROJECT = 20
PAGE = {"project": PROJECT, "startAt": 30, "maxResults": 5}


def expected_parents(sandbox: Sandbox, rows: list[dict[str, Any]]) -> list[str]:
    """What each row's parent should read: the parent item's key, or the project's name."""
    data = sandbox.dataset
    found = []
    for row in rows:
        parent = row["location"]["parent"]
        if "item" in parent:
            found.append(data.items[parent["item"]]["documentKey"])
        else:
            found.append(data.projects[parent["project"]]["fields"]["name"])
    return found


def item_requests(sandbox: Sandbox) -> dict[str, int]:
    return {route: n for route, n in sandbox.stats.by_route.items() if "/items" in route}


def test_parents_of_a_whole_project(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """Every parent of a project's items reads as a document key or the project's name,
    the keys taken from the list itself without any item request."""
    resp = jm.request("GET", "/items", query={"project": PROJECT}, all_pages=True)
    sandbox.reset_stats()
    df = resp.to_dataframe(resolve=True)
    assert df["parent"].tolist() == expected_parents(sandbox, resp.data)
    assert item_requests(sandbox) == {}


def test_root_items_are_those_whose_parent_is_the_project(
    sandbox: Sandbox, sandbox_conn: Connection
) -> None:
    """A project parent reads exactly like the project column, and no item parent does."""
    resp = jm.request("GET", "/items", query={"project": PROJECT}, all_pages=True)
    df = resp.to_dataframe(resolve=True)
    roots = [row["id"] for row in resp.data if "project" in row["location"]["parent"]]
    assert roots
    assert df.index[df["parent"] == df["project"]].tolist() == roots


def test_parents_outside_the_page_stay_ids_without_a_request(
    sandbox: Sandbox, sandbox_conn: Connection
) -> None:
    """Parent items nobody holds stay ids (as fromItem does); nothing is fetched for them."""
    resp = jm.request("GET", "/items", query=PAGE)
    resp.to_dataframe(resolve=True)  # the lookups, once
    sandbox.reset_stats()
    df = resp.to_dataframe(resolve=True)
    assert df["parent"].tolist() == [r["location"]["parent"]["item"] for r in resp.data]
    assert sandbox.stats.requests == 0


def test_parents_from_linked(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """include=data.location.parent.item brings the parents, which give their keys."""
    query = {**PAGE, "include": "data.location.parent.item"}
    resp = jm.request("GET", "/items", query=query)
    assert resp.linked.get("items")
    df = resp.to_dataframe(resolve=True)
    assert df["parent"].tolist() == expected_parents(sandbox, resp.data)


def test_parents_from_items_at_hand(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """Items the caller holds (a frame or dicts) give the parents' keys."""
    everything = jm.request("GET", "/items", query={"project": PROJECT}, all_pages=True)
    resp = jm.request("GET", "/items", query=PAGE)
    for at_hand in (everything.df, everything.data):
        df = resp.to_dataframe(resolve=True, items=at_hand)
        assert df["parent"].tolist() == expected_parents(sandbox, resp.data)


def test_parents_from_items_the_connection_knows(
    sandbox: Sandbox, sandbox_conn: Connection
) -> None:
    """Items a trace read in bulk (sets and folders with them) name later frames' parents."""
    jm.settings.rate_limit = None
    resp = jm.request("GET", "/items", query=PAGE)
    before = resp.to_dataframe(resolve=True)["parent"].tolist()
    jm.trace(PROJECT, "Requirement", "Test Case")
    after = resp.to_dataframe(resolve=True)["parent"].tolist()
    assert before != after
    assert after == expected_parents(sandbox, resp.data)


def test_unresolved_parents_stay_ids(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """resolve=False keeps the parent as the item's or the project's id."""
    resp = jm.request("GET", "/items", query={"project": PROJECT, "maxResults": 3})
    df = resp.to_dataframe()
    assert df["parent"].tolist() == [
        r["location"]["parent"].get("item", r["location"]["parent"].get("project"))
        for r in resp.data
    ]


def test_parent_kinds_without_a_connection() -> None:
    """Offline, an item parent and a project parent with the same id are told apart by linked."""
    rows = [
        {
            "id": 5,
            "documentKey": "P-SET-1",
            "project": 7,
            "location": {"parent": {"project": 7}},
            "fields": {"name": "set"},
        },
        {
            "id": 6,
            "documentKey": "P-REQ-1",
            "project": 7,
            "location": {"parent": {"item": 7}},
            "fields": {"name": "req"},
        },
        {
            "id": 8,
            "documentKey": "P-REQ-2",
            "project": 7,
            "location": {"parent": {"item": 5}},
            "fields": {"name": "child"},
        },
    ]
    linked = {
        "projects": {"7": {"id": 7, "fields": {"name": "Pumps"}}},
        "items": {"7": {"id": 7, "documentKey": "P-FLD-9"}},
    }
    df = to_dataframe(rows, linked=linked, resolve=True)
    assert df["parent"].tolist() == ["Pumps", "P-FLD-9", "P-SET-1"]
    assert pd.api.types.is_string_dtype(df["parent"].dtype) or df["parent"].dtype == object
