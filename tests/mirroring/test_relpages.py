"""Relationships read by several lastId chains: every id once, whatever the id spread."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from jama_magic.mirroring.relpages import CHAINS, read_relationships


@dataclass
class Page:
    data: list[dict[str, Any]]
    meta: dict[str, Any] = field(default_factory=dict)


class KeysetServer:
    """GET /relationships?lastId= over a fixed list of ids, as Jama pages it."""

    def __init__(self, ids: list[int], *, total: bool = True) -> None:
        self.ids, self.total, self.requests = sorted(ids), total, 0

    async def get(self, url: str, query: Mapping[str, Any]) -> Page:
        self.requests += 1
        await asyncio.sleep(0)
        rows = [{"id": i} for i in self.ids if i > int(query["lastId"])][: query["maxResults"]]
        info = {"totalResults": len(self.ids)} if self.total else {}
        return Page(rows, {"pageInfo": info})


@pytest.mark.parametrize(
    "ids",
    [
        list(range(1, 1001)),  # dense
        [i * i for i in range(1, 700)],  # sparser and sparser
        [*range(1, 60), *range(10_000, 10_900)],  # a dense start, then a jump
        list(range(5, 40)),  # one page
        [],
    ],
    ids=["dense", "spreading", "jump", "one page", "none"],
)
def test_every_relationship_once(ids: list[int]) -> None:
    """The chains together read each id exactly once, in few more requests than one chain."""
    server = KeysetServer(ids)
    rows = asyncio.run(read_relationships(server.get, 20, 50))
    assert sorted(r["id"] for r in rows) == ids
    assert len(rows) == len(ids)
    assert server.requests <= -(-len(ids) // 50) + CHAINS + 1


def test_without_a_total_one_chain_reads_to_the_end() -> None:
    """A server that gives no total is read by one chain, to the first empty page."""
    ids = random.Random(3).sample(range(1, 100_000), 400)
    server = KeysetServer(ids, total=False)
    rows = asyncio.run(read_relationships(server.get, 20, 50))
    assert sorted(r["id"] for r in rows) == sorted(ids)
    assert server.requests == 400 // 50 + 1
