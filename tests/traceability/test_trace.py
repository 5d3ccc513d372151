"""jm.trace against the sandbox: results checked against the dataset, requests counted."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest

import jama_magic as jm
from jama_magic.connection import Connection
from jama_magic.errors import JamaUsageError, NotFoundError
from jama_magic.sandbox import Sandbox
from jama_magic.traceability import Trace, TraceData, trace, trace_data
from jama_magic.traceability.data import item_frame, relationship_frame

REQ, STORY, TEST_CASE, HAZARD, SET, FOLDER = 33, 34, 35, 43, 32, 31
VERIFIED_BY, DERIVED_FROM = 2, 3


def expected_links(
    ds: Any, project: int, up: set[int], down: set[int], kinds: set[int] | None = None
) -> dict[str, set[str]]:
    """The trace computed independently: upstream key -> downstream keys, from the dataset."""
    items = {i: obj for i, obj in ds.items.items() if obj["project"] == project}
    found: dict[str, set[str]] = {
        obj["documentKey"]: set() for obj in items.values() if obj["itemType"] in up
    }
    for rel in ds.relationships.values():
        source, target = items.get(rel["fromItem"]), items.get(rel["toItem"])
        if source is None or target is None or (kinds and rel["relationshipType"] not in kinds):
            continue
        if source["itemType"] in up and target["itemType"] in down:
            found[source["documentKey"]].add(target["documentKey"])
    return found


def as_links(t: Trace) -> dict[str, set[str]]:
    keys, downstream = t.matrix["documentKey"].tolist(), t.matrix["downstream"].tolist()
    return {str(key): set(found) for key, found in zip(keys, downstream, strict=True)}


@pytest.fixture
def counted(sandbox: Sandbox, sandbox_conn: Connection) -> Iterator[Sandbox]:
    """The session sandbox with its request counters zeroed (no client rate limit: speed)."""
    jm.settings.rate_limit = None
    sandbox.reset_stats()
    yield sandbox


def test_matrix_and_coverage_match_the_dataset(counted: Sandbox) -> None:
    """Every requirement's test cases, the coverage and the untraced list match the data."""
    t = trace(20, "Requirement", "Test Case")
    want = expected_links(counted.dataset, 20, {REQ}, {TEST_CASE})
    assert as_links(t) == want
    traced = sum(1 for keys in want.values() if keys)
    assert t.coverage == pytest.approx(traced / len(want))
    assert set(t.untraced["documentKey"]) == {key for key, keys in want.items() if not keys}
    assert (t.matrix["count"] == t.matrix["downstream"].map(len)).all()
    assert 0 < t.coverage < 1
    pairs = {(row.upstream, row.downstream) for row in t.links.itertuples()}
    assert pairs == {(key, other) for key, found in want.items() for other in found}
    ds = counted.dataset
    assert all(ds.items[i]["itemType"] == REQ for i in t.links["fromItem"])
    back = t.reverse().links
    assert set(zip(back["fromItem"], back["toItem"], strict=True)) == set(
        zip(t.links["fromItem"], t.links["toItem"], strict=True)
    )


def test_requests_are_bulk_reads_only(counted: Sandbox) -> None:
    """One request per 50 traced items or relationships plus two lookups, none per item."""
    trace(20, "Requirement", "Test Case")
    ds, stats = counted.dataset, counted.stats
    kinds = {REQ, TEST_CASE, SET, FOLDER}
    items = sum(1 for i in ds.items.values() if i["project"] == 20 and i["itemType"] in kinds)
    rels = sum(1 for r in ds.relationships.values() if ds.items[r["fromItem"]]["project"] == 20)
    assert stats.by_route["GET /abstractitems"] == math.ceil(items / 50)
    assert stats.by_route["GET /relationships"] == math.ceil(rels / 50)
    assert stats.by_route["GET /itemtypes"] == 1
    assert stats.by_route["GET /relationshiptypes"] == 1
    assert stats.requests == math.ceil(items / 50) + math.ceil(rels / 50) + 2


def test_lookups_are_read_once_per_session(counted: Sandbox) -> None:
    """A second trace on the same connection reads no lookups again."""
    trace(20, "Requirement", "Test Case")
    trace(20, "Hazard", "Requirement")
    assert counted.stats.by_route["GET /itemtypes"] == 1
    assert counted.stats.by_route["GET /relationshiptypes"] == 1


def test_types_by_id_type_key_and_any_case(counted: Sandbox) -> None:
    """Ids, type keys and names in any case pick the same types."""
    by_name = trace(20, "requirement", "TEST CASE", relationship_type="verified by")
    by_id = trace(20, REQ, [TEST_CASE], relationship_type=VERIFIED_BY)
    by_key = trace(20, "REQ", "TC", relationship_type="2")
    assert as_links(by_name) == as_links(by_id) == as_links(by_key)
    assert by_name.relationship_types == ["Verified by"]


def test_several_downstream_types_and_a_relationship_type(counted: Sandbox) -> None:
    """Two downstream types get a column each; the relationship type filter is applied."""
    t = trace(20, "Requirement", ["Test Case", "User Story"], relationship_type=["Verified by", 3])
    want = expected_links(
        counted.dataset, 20, {REQ}, {TEST_CASE, STORY}, {VERIFIED_BY, DERIVED_FROM}
    )
    assert as_links(t) == want
    row = t.matrix.iloc[0]
    assert set(row["Test Case"]) | set(row["User Story"]) == set(row["downstream"])
    assert all(key.split("-")[1] == "TC" for key in row["Test Case"])


def test_relationship_type_filter_excludes_other_types(counted: Sandbox) -> None:
    """Only relationships of the named type count."""
    only = trace(20, "Requirement", "User Story", relationship_type="Verified by")
    assert only.traced == 0
    assert trace(20, "Requirement", "User Story").traced > 0


def test_both_directions(counted: Sandbox) -> None:
    """Downstream coverage counts the test cases that verify at least one requirement."""
    t = trace(20, "Hazard", "Requirement")
    want = expected_links(counted.dataset, 20, {HAZARD}, {REQ})
    reached = set().union(*want.values())
    reqs = [
        i for i in counted.dataset.items.values() if i["project"] == 20 and i["itemType"] == REQ
    ]
    assert t.downstream_coverage == pytest.approx(len(reached) / len(reqs))
    assert set(t.untraced_downstream["documentKey"]) == {i["documentKey"] for i in reqs} - reached
    back = t.reverse()
    assert back.upstream == ["Requirement"] and back.downstream == ["Hazard"]
    assert sum(back.matrix["count"]) == sum(t.matrix["count"])


def test_summary_per_set_adds_up(counted: Sandbox) -> None:
    """The summary has one row per set and an All row equal to the totals."""
    t = trace(20, "Requirement", "Test Case")
    summary = t.summary
    assert t.group_by == "set"
    assert summary.loc["All", "items"] == t.total == summary.drop("All")["items"].sum()
    assert summary.loc["All", "traced"] == t.traced
    assert summary.loc["All", "coverage"] == pytest.approx(t.coverage)
    assert set(summary.index) - {"All"} == set(t.matrix["set"])


def test_summary_per_item_type_for_several_upstream_types(counted: Sandbox) -> None:
    """Several upstream types are summarised per type."""
    t = trace(20, ["Requirement", "Hazard"], "Requirement")
    assert t.group_by == "itemType"
    assert list(t.summary.index) == ["Requirement", "Hazard", "All"]


def test_relationships_the_other_way_are_reported(counted: Sandbox) -> None:
    """Tracing against Jama's direction says how many relationships go the other way."""
    t = trace(20, "Test Case", "Requirement")
    assert t.traced == 0
    assert any("go the other way" in note for note in t.warnings)
    assert trace(20, "Requirement", "Test Case").warnings == []


def test_unknown_item_type_lists_the_valid_ones(sandbox_conn: Connection) -> None:
    """A misspelt type is one line naming every valid type."""
    with pytest.raises(
        JamaUsageError, match=r"unknown item type 'Requirment': use one of .*Requirement \(33\)"
    ):
        trace(20, "Requirment", "Test Case")


def test_unknown_relationship_type_and_id(sandbox_conn: Connection) -> None:
    """Unknown relationship type names and ids list the valid ones."""
    with pytest.raises(JamaUsageError, match=r"relationship type 'Tested by'.*Verified by \(2\)"):
        trace(20, "Requirement", "Test Case", relationship_type="Tested by")
    with pytest.raises(JamaUsageError, match="no item type has id 99"):
        trace(20, 99, "Test Case")


def test_bad_project_argument(sandbox_conn: Connection) -> None:
    """A project that is neither id, key nor name is a usage error; an unknown id the 404."""
    with pytest.raises(JamaUsageError, match="project must be a project id, key or name"):
        trace([20.5], "Requirement", "Test Case")
    with pytest.raises(JamaUsageError, match="no project given"):
        trace([], "Requirement", "Test Case")
    with pytest.raises(NotFoundError):
        trace(77, "Requirement", "Test Case")


def test_projects_by_key_or_name(counted: Sandbox) -> None:
    """A project key or name (any case) traces the same project as its id."""
    by_id = as_links(trace(20, "Requirement", "Test Case"))
    for given in ("DEMO", "demo", "Demo Project", ["Demo Project", 20]):
        assert as_links(trace(given, "Requirement", "Test Case")) == by_id


def test_unknown_project_name_lists_the_valid_ones(sandbox_conn: Connection) -> None:
    """A project name that matches none is one line listing names and ids."""
    with pytest.raises(JamaUsageError) as caught:
        trace("Dmo", "Requirement", "Test Case")
    message = str(caught.value)
    assert message.startswith("unknown project 'Dmo': use one of ")
    assert "Demo Project (20)" in message and "\n" not in message


def test_no_upstream_items_gives_nan_coverage(counted: Sandbox) -> None:
    """A type with no items in the project has an empty matrix and no coverage figure."""
    t = trace(20, "Component", "Test Case")
    assert t.total == 0 and math.isnan(t.coverage)
    assert t.matrix.empty and t.untraced.empty
    assert "0 of 0 traced (n/a)" in repr(t)


def test_several_projects(counted: Sandbox) -> None:
    """Projects given as a list are traced together, each relationship once."""
    both = trace([20, 21], "Requirement", "Test Case")
    alone = [trace(p, "Requirement", "Test Case") for p in (20, 21)]
    assert both.total == sum(t.total for t in alone)
    assert both.traced == sum(t.traced for t in alone)


def test_strict_last_id_server() -> None:
    """A server that refuses /relationships without lastId is read with keyset paging."""
    jm.settings.rate_limit = None
    with Sandbox(items=200, require_last_id=True) as sb:
        jm.connect("strict", url=sb.url, username=sb.username, password=sb.password)
        t = trace(20, "Requirement", "Test Case", connection="strict")
        assert as_links(t) == expected_links(sb.dataset, 20, {REQ}, {TEST_CASE})


def test_offline_from_frames(sandbox: Sandbox, counted: Sandbox) -> None:
    """The same trace from frames at hand sends no request and gives the same matrix."""
    online = trace(20, "Requirement", "Test Case")
    ds = sandbox.dataset
    data = TraceData(
        projects=(20,),
        items=item_frame(i for i in ds.items.values() if i["project"] == 20),
        relationships=relationship_frame(ds.relationships.values()),
        item_types=ds.itemtypes,
        relationship_types={k: v["name"] for k, v in ds.relationshiptypes.items()},
    )
    counted.reset_stats()
    offline = trace_data(data, "Requirement", "Test Case")
    assert counted.stats.requests == 0
    assert as_links(offline) == as_links(online)
    assert offline.matrix.index.tolist() == online.matrix.index.tolist()


def test_progress_bars_say_what_they_read(
    counted: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The two bars of a trace are labelled "Reading items" and "Reading relationships"."""
    import io
    import sys

    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    trace(20, "Requirement", "Test Case")
    shown = err.getvalue()
    assert "Reading items:" in shown and "Reading relationships:" in shown
    assert "Fetching" not in shown
