"""resolve=True on relationship frames: type names and document keys, never a request per item."""

from __future__ import annotations

import warnings

import pytest

import jama_magic as jm
from jama_magic.connection import Connection
from jama_magic.sandbox import Sandbox

REL_QUERY = {"project": 20, "lastId": 0, "maxResults": 20}


def keys_of(sandbox: Sandbox, ids: list[int]) -> list[str]:
    return [sandbox.dataset.items[i]["documentKey"] for i in ids]


def test_relationship_types_by_name(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """relationshipType shows the type's name, from one bulk lookup."""
    resp = jm.request("GET", "/relationships", query=REL_QUERY)
    sandbox.reset_stats()
    df = resp.to_dataframe(resolve=True)
    names = {t["id"]: t["name"] for t in sandbox.dataset.relationshiptypes.values()}
    assert df["relationshipType"].tolist() == [names[r["relationshipType"]] for r in resp.data]
    assert sandbox.stats.by_route == {"GET /relationshiptypes": 1}


def test_item_keys_without_items_at_hand_cost_no_request(
    sandbox: Sandbox, sandbox_conn: Connection
) -> None:
    """With no items known, fromItem/toItem stay ids and nothing is fetched per item."""
    resp = jm.request("GET", "/relationships", query=REL_QUERY)
    resp.to_dataframe(resolve=True)  # the lookups, once
    sandbox.reset_stats()
    df = resp.to_dataframe(resolve=True)
    assert df["fromItem"].tolist() == [r["fromItem"] for r in resp.data]
    assert sandbox.stats.requests == 0


def test_item_keys_from_items_at_hand(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """Items the caller holds (a frame or dicts) give fromItem/toItem as document keys."""
    rels = jm.request("GET", "/relationships", query=REL_QUERY)
    items = jm.request("GET", "/abstractitems", query={"project": 20}, all_pages=True)
    for at_hand in (items.df, items.data):
        df = rels.to_dataframe(resolve=True, items=at_hand)
        assert df["fromItem"].tolist() == keys_of(sandbox, [r["fromItem"] for r in rels.data])
        assert df["toItem"].tolist() == keys_of(sandbox, [r["toItem"] for r in rels.data])


def test_item_keys_after_a_trace(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """Items a trace read in bulk are remembered: later relationship frames show their keys."""
    jm.settings.rate_limit = None
    jm.trace(20, "Requirement", "Test Case")
    rels = jm.request("GET", "/relationships", query=REL_QUERY)
    df = rels.to_dataframe(resolve=True)
    traced = {33, 35}
    for row, rel in zip(df.itertuples(), rels.data, strict=True):
        source = sandbox.dataset.items[rel["fromItem"]]
        if source["itemType"] in traced:
            assert row.fromItem == source["documentKey"]


def test_item_keys_from_linked(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """include=data.fromItem fills linked, which gives the keys without any lookup."""
    query = {**REL_QUERY, "include": ["data.fromItem", "data.toItem"]}
    rels = jm.request("GET", "/relationships", query=query)
    if not rels.linked.get("items"):
        pytest.skip("the sandbox does not fill linked.items for /relationships")
    df = rels.to_dataframe(resolve=True)
    assert df["toItem"].tolist() == keys_of(sandbox, [r["toItem"] for r in rels.data])


def test_resolving_after_disconnect_warns(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """An old response resolved after its connection is gone says names could not be resolved."""
    resp = jm.request("GET", "/relationships", query=REL_QUERY)
    jm.disconnect("sb")
    with pytest.warns(UserWarning, match=r"names could not be resolved \(connection 'sb'"):
        df = resp.to_dataframe(resolve=True)
    assert df["relationshipType"].tolist() == [r["relationshipType"] for r in resp.data]


def test_no_warning_while_connected(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """A connected response resolves without any warning, even with ids left unknown."""
    resp = jm.request("GET", "/relationships", query=REL_QUERY)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resp.to_dataframe(resolve=True)
