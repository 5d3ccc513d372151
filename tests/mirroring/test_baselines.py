"""The mirror keeps baselines read once (SPEC §12): a second diff of them costs no request."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import jama_magic as jm
from jama_magic.mirroring import mirror, sync
from jama_magic.sandbox import Sandbox

PROJECT = 21


@pytest.fixture
def fresh() -> Iterator[Sandbox]:
    """A sandbox of our own: baselines are taken and items edited."""
    with Sandbox() as sb:
        jm.connect("base", url=sb.url, username=sb.username, password=sb.password, default=True)
        yield sb


def test_second_baseline_diff_through_the_mirror_costs_no_request(
    fresh: Sandbox, tmp_path: Path
) -> None:
    """diff_baselines(a, b, mirror=m) keeps both baselines in the file; after reopening the
    mirror, the same diff sends no request and finds the same changes."""
    path = tmp_path / "base.duckdb"
    sync(PROJECT, path=path, progress=lambda label: None).close()
    items = jm.request("GET", "/items", query={"project": PROJECT}, all_pages=True).data
    a = fresh.take_baseline(PROJECT, "Review")
    body = [{"op": "replace", "path": "/fields/name", "value": "Edited after the review"}]
    jm.request("PATCH", f"/items/{items[3]['id']}", body=body)
    jm.request(
        "POST", "/relationships", body={"fromItem": items[4]["id"], "toItem": items[5]["id"]}
    )
    b = fresh.take_baseline(PROJECT, "Release")
    m = mirror(path=path)
    first = jm.diff_baselines(a, b, mirror=m)
    assert first.summary.startswith("1 item changed") and len(first.relationships) == 1
    kept = m.sql("select id, project, name from baselines order by id")
    assert kept.values.tolist() == [[a, PROJECT, "Review"], [b, PROJECT, "Release"]]
    m.close()
    m = mirror(path=path)
    try:
        fresh.reset_stats()
        second = jm.diff_baselines(a, b, mirror=m)
        assert fresh.stats.requests == 0
        assert second.changes.equals(first.changes) and second.summary == first.summary
        assert second.relationships.equals(first.relationships)
    finally:
        m.close()


def test_unknown_baseline_is_not_kept(fresh: Sandbox, tmp_path: Path) -> None:
    """A baseline the mirror never read loads as None (the diff reads it from Jama)."""
    m = sync(PROJECT, path=tmp_path / "none.duckdb", progress=lambda label: None)
    try:
        assert m.load_baseline(4242) is None
    finally:
        m.close()
