"""Shared state under concurrent writes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from jama_magic.sandbox import Sandbox


def test_concurrent_creates_get_unique_ids_and_all_land(fresh: Sandbox) -> None:
    """80 POSTs from 8 threads all succeed with distinct ids and appear in the project."""
    before = len(fresh.dataset.items)

    def create(n: int) -> int:
        with httpx.Client(auth=(fresh.username, fresh.password)) as c:
            response = c.post(
                f"{fresh.url}/rest/latest/items",
                json={
                    "project": 20,
                    "itemType": 33,
                    "location": {"parent": {"item": 1001}},
                    "fields": {"name": f"concurrent {n}"},
                },
            )
            assert response.status_code == 201, response.text
            return int(response.json()["meta"]["id"])

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(create, range(80)))
    assert len(set(ids)) == 80
    assert len(fresh.dataset.items) == before + 80
    keys = {fresh.dataset.items[i]["documentKey"] for i in ids}
    assert len(keys) == 80


def test_concurrent_patches_and_reads_stay_consistent(fresh: Sandbox) -> None:
    """Interleaved PATCHes and GETs of one item always read a whole, valid item."""

    def patch(n: int) -> int:
        with httpx.Client(auth=(fresh.username, fresh.password)) as c:
            return c.patch(
                f"{fresh.url}/rest/latest/items/1003",
                json=[{"op": "replace", "path": "/fields/name", "value": f"name {n}"}],
            ).status_code

    def read(_: int) -> str:
        with httpx.Client(auth=(fresh.username, fresh.password)) as c:
            return str(
                c.get(f"{fresh.url}/rest/latest/items/1003").json()["data"]["fields"]["name"]
            )

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(patch, range(30)))
        names = list(pool.map(read, range(30)))
    assert set(codes) == {200}
    assert all(name.startswith("name ") for name in names)
    versions = httpx.get(
        f"{fresh.url}/rest/latest/items/1003/versions",
        params={"maxResults": 50},
        auth=(fresh.username, fresh.password),
    )
    assert versions.json()["meta"]["pageInfo"]["totalResults"] >= 31
