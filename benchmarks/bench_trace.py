"""Benchmark: a requirement → test case trace, from bulk reads vs one request per item.

Against the embedded sandbox with 250 ms injected latency per request and a 10 requests/s
server limit (Jama Cloud's), traces project 20's requirements to test cases with

(a) ``jm.trace(20, "Requirement", "Test Case")`` -- bulk reads: ``/abstractitems`` for the
    traced types (plus sets and folders), ``/relationships`` with ``lastId`` keyset paging
    read in concurrent segments, two lookups; default settings (50 a page, the learned pacing
    from 10 requests/s);
(b) the per-item approach of other tools: the items in bulk, then
    ``GET /items/{id}/downstreamrelationships`` for each requirement (through jama_magic's
    client, with its default pacing: the best this approach can do under the limit);
(c) py-jama-rest-client: ``get_abstract_items(project, item_type=[...])`` and
    ``get_relationships(project)`` (sequential, 20 a page; it pages ``/relationships`` with
    ``startAt``, which real Jama refuses since 9.6.2 -- so the 1,000-item sandbox is made
    ``lenient`` (as Jama before 9.6.2) for it to run at all; the strict check, against the
    sandbox's default, is recorded below).

Sizes: ``Sandbox(items=11364)`` gives project 20 exactly 10,000 items but only about 5,800
relationships (the generator makes about 0.58 per item and has no option for more), so
the script adds random requirement → test case / user story relationships with
``POST /relationships`` (before latency and the limit are switched on) until project 20
has exactly 20,000. The small size is ``items=1136`` (1,000 items) with 2,000
relationships. Every contender's coverage is checked against jm.trace's.

Time caps: (b) on 10,000 items would need about 3,300 requests (5.5 min at 10/s), so it
runs on the first 300 requirements and is extrapolated per requirement; (c) on 10,000
items would take about 6 min, so it runs on the 1,000-item project only and is
extrapolated by its request count (it is sequential, so time is linear in requests).

    python benchmarks/bench_trace.py [--out benchmarks/RESULTS.md]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import math
import platform
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

import jama_magic as jm
from jama_magic import trace
from jama_magic.client import client_for
from jama_magic.sandbox import Sandbox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import RESULTS, record

LATENCY = 0.25
RATE = 10.0
PROJECT = 20
REQ, STORY, TEST_CASE = 33, 34, 35
SIZES = {1000: (1136, 2000), 10_000: (11_364, 20_000)}  # items -> (Sandbox items, relationships)
PER_ITEM_SUBSET = 300


@dataclass(frozen=True)
class Run:
    """One timed trace."""

    size: str
    contender: str
    seconds: float
    requests: int
    rate_limited: int
    coverage: float
    note: str = ""


# -- building the project ----------------------------------------------------------------


def grow_relationships(sb: Sandbox, want: int) -> None:
    """POST random relationships until project 20 has ``want`` (no latency, no limit yet)."""
    ds = sb.dataset
    items = [i for i in ds.items.values() if i["project"] == PROJECT]
    # new links start at requirements that already have one, so coverage stays as generated
    linked = {r["fromItem"] for r in ds.relationships.values()}
    reqs = [i["id"] for i in items if i["itemType"] == REQ and i["id"] in linked]
    targets = [(i["id"], 2) for i in items if i["itemType"] == TEST_CASE]
    targets += [(i["id"], 3) for i in items if i["itemType"] == STORY]
    have = {(r["fromItem"], r["toItem"]) for r in ds.relationships.values()}
    now = project_relationships(sb)
    rng = random.Random(7)
    new: list[dict[str, int]] = []
    while len(new) < want - now:
        source, (target, kind) = rng.choice(reqs), rng.choice(targets)
        if (source, target) not in have:
            have.add((source, target))
            new.append({"fromItem": source, "toItem": target, "relationshipType": kind})
    asyncio.run(_post_all(sb, new))
    if project_relationships(sb) != want:
        sys.exit(f"project {PROJECT} has {project_relationships(sb)} relationships, not {want}")


async def _post_all(sb: Sandbox, bodies: list[dict[str, int]]) -> None:
    auth = (sb.username, sb.password)
    async with httpx.AsyncClient(base_url=sb.url + "/rest/latest", auth=auth) as http:
        gate = asyncio.Semaphore(16)

        async def post(body: dict[str, int]) -> None:
            async with gate:
                (await http.post("/relationships", json=body)).raise_for_status()

        await asyncio.gather(*(post(body) for body in bodies))


def project_relationships(sb: Sandbox) -> int:
    ds = sb.dataset
    return sum(
        1 for r in ds.relationships.values() if ds.items[r["fromItem"]]["project"] == PROJECT
    )


def build(items: int, *, lenient: bool = False) -> Sandbox:
    """``lenient``: /relationships also answers without ``lastId``, as Jama before 9.6.2 did
    (py-jama-rest-client cannot read relationships from a Jama that requires it)."""
    sandbox_items, relationships = SIZES[items]
    sb = Sandbox(items=sandbox_items, lenient=lenient).start()
    served = sum(1 for i in sb.dataset.items.values() if i["project"] == PROJECT)
    if served != items:
        sys.exit(f"project {PROJECT} has {served} items, expected {items}")
    _REQS[items] = sum(
        1 for i in sb.dataset.items.values() if i["project"] == PROJECT and i["itemType"] == REQ
    )
    grow_relationships(sb, relationships)
    gc.freeze()  # the in-process dataset would stall the client in every full collection
    sb.set_latency(LATENCY)
    sb.set_rate_limit(RATE)
    return sb


# -- the contenders --------------------------------------------------------------------


def trace_jama_magic(sb: Sandbox) -> float:
    jm.settings.reset()
    nickname = f"bench{sb.port}"
    jm.connect(nickname, url=sb.url, username=sb.username, password=sb.password)
    return trace(PROJECT, "Requirement", "Test Case", connection=nickname).coverage


def trace_per_item(sb: Sandbox, subset: int | None) -> float:
    """Items in bulk, then one downstream-relationships request per requirement."""
    jm.settings.reset()
    conn = jm.connect(f"item{sb.port}", url=sb.url, username=sb.username, password=sb.password)
    client = client_for(conn)
    query = {"project": PROJECT, "itemType": [REQ, TEST_CASE]}
    items = client.request("GET", "/abstractitems", query=query, all_pages=True).data
    types = {item["id"]: item["itemType"] for item in items}
    reqs = [item["id"] for item in items if item["itemType"] == REQ][:subset]

    async def downstream(item: int) -> bool:
        resp = await client.arequest(
            "GET", f"/items/{item}/downstreamrelationships", all_pages=True
        )
        return any(types.get(rel["toItem"]) == TEST_CASE for rel in resp.data)

    async def all_of() -> list[bool]:
        return list(await asyncio.gather(*(downstream(item) for item in reqs)))

    from jama_magic.state import session

    traced = session.io.run(all_of())
    return sum(traced) / len(traced)


def trace_py_jama(sb: Sandbox) -> float:
    from py_jama_rest_client.client import JamaClient as PyJamaClient

    client = PyJamaClient(host_domain=sb.url, credentials=(sb.username, sb.password))
    items = client.get_abstract_items(project=[PROJECT], item_type=[REQ, TEST_CASE])
    rels = client.get_relationships(PROJECT)
    types = {item["id"]: item["itemType"] for item in items}
    reqs = {item["id"] for item in items if item["itemType"] == REQ}
    traced = {
        r["fromItem"] for r in rels if r["fromItem"] in reqs and types.get(r["toItem"]) == TEST_CASE
    }
    return len(traced) / len(reqs)


def timed(sb: Sandbox, size: str, contender: str, run: Callable[[], float], note: str = "") -> Run:
    time.sleep(1.1)  # the server's bucket refills
    sb.reset_stats()
    began = time.perf_counter()
    coverage = run()
    seconds = time.perf_counter() - began
    stats = sb.stats
    result = Run(size, contender, seconds, stats.requests, stats.rate_limited, coverage, note)
    print(
        f"{size:<32} {contender:<48} {seconds:7.2f} s {stats.requests:5d} req"
        f" {stats.rate_limited:3d} x 429  coverage {coverage:.4f}  {note}",
        flush=True,
    )
    return result


def strict_check() -> str:
    """py-jama-rest-client against a sandbox that requires lastId, as Jama does since 9.6.2."""
    from py_jama_rest_client.client import JamaClient as PyJamaClient

    with Sandbox(items=200) as sb:  # lastId required: the sandbox's default
        client = PyJamaClient(host_domain=sb.url, credentials=(sb.username, sb.password))
        try:
            client.get_relationships(PROJECT)
        except Exception as exc:
            return f"fails: {type(exc).__name__}"
        return "works"


# -- the run ----------------------------------------------------------------------------


def contenders(sb: Sandbox, size: str, *, small: bool) -> list[Run]:
    subset = None if small else PER_ITEM_SUBSET
    per_item = "per item: /items/{id}/downstreamrelationships"
    note = "" if subset is None else f"first {subset} requirements only"
    runs = [
        timed(sb, size, "jm.trace (bulk)", lambda: trace_jama_magic(sb)),
        timed(sb, size, per_item, lambda: trace_per_item(sb, subset), note),
    ]
    if small:
        py_jama = "py-jama-rest-client (bulk, sequential)"
        runs.append(timed(sb, size, py_jama, lambda: trace_py_jama(sb)))
    return runs


def budget(items: int, relationships: int) -> int:
    return math.ceil(items / 50) + math.ceil(relationships / 50) + 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    runs: list[Run] = []
    for items in (1000, 10_000):
        rels = SIZES[items][1]
        size = f"{items:,} items, {rels:,} relationships"
        sb = build(items, lenient=items == 1000)  # where py-jama-rest-client runs
        try:
            runs += contenders(sb, size, small=items == 1000)
        finally:
            sb.stop()
    write(args.out, runs, strict_check(), sys.argv[1:])


def write(out: Path, runs: list[Run], strict: str, argv: list[str]) -> None:
    command = " ".join(["python benchmarks/bench_trace.py", *argv])
    lines = [
        "## Traceability: jm.trace from bulk reads vs one request per item",
        "",
        f"Command: `{command}`  ",
        f"Python {platform.python_version()} on {platform.machine()}, sandbox over loopback,"
        f" {LATENCY * 1000:.0f} ms latency per request, {RATE:.0f} requests/s server limit.  ",
        "Bound = requests sent / rate limit + one latency. Budget = ceil(items / 50) +"
        " ceil(relationships / 50) + 2 lookups.",
        "",
        "| size | contender | time (s) | requests | 429s | bound (s) | time / bound"
        " | coverage | note |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in runs:
        bound = r.requests / RATE + LATENCY
        lines.append(
            f"| {r.size} | {r.contender} | {r.seconds:.2f} | {r.requests} | {r.rate_limited} |"
            f" {bound:.2f} | {r.seconds / bound:.2f}x | {r.coverage:.4f} | {r.note} |"
        )
    lines += ["", *summary(runs, strict), ""]
    record("trace", "\n".join(lines), out)


def summary(runs: list[Run], strict: str) -> list[str]:
    lines = ["### Summary", ""]
    for items, (_, rels) in SIZES.items():
        mine = [
            r for r in runs if r.size.startswith(f"{items:,} ") and r.contender.startswith("jm.")
        ]
        if not mine:
            continue
        ours = mine[0]
        lines.append(
            f"- {items:,} items / {rels:,} relationships: jm.trace {ours.seconds:.1f} s,"
            f" {ours.requests} requests (budget {budget(items, rels)}),"
            f" {ours.seconds / (ours.requests / RATE + LATENCY):.2f}x the rate-limit bound."
        )
        for other in runs:
            if other.size != ours.size or other is ours:
                continue
            lines.append(_versus(ours, other, items))
    lines.append(
        f"- py-jama-rest-client's get_relationships against a server requiring lastId"
        f" (Jama since 9.6.2): {strict}."
    )
    return lines


def _versus(ours: Run, other: Run, items: int) -> str:
    if other.note:  # a subset: the bulk item read stays, one request per requirement is added
        requests = other.requests - PER_ITEM_SUBSET + _requirements(items)
        seconds = other.seconds * requests / other.requests
        return (
            f"  - {other.contender}: {other.seconds:.1f} s for {PER_ITEM_SUBSET} requirements,"
            f" extrapolated to all: about {seconds:.0f} s and {requests:,} requests"
            f" ({seconds / ours.seconds:.1f}x jm.trace's time)."
        )
    text = (
        f"  - {other.contender}: {other.seconds:.1f} s, {other.requests} requests"
        f" ({other.seconds / ours.seconds:.1f}x jm.trace's time); same coverage:"
        f" {'yes' if abs(other.coverage - ours.coverage) < 1e-9 else 'NO'}."
    )
    if other.contender.startswith("py-jama"):
        text += (
            f" Extrapolated to 10,000 items / 20,000 relationships by requests (x10):"
            f" about {other.seconds * 10:.0f} s."
        )
    return text


_REQS: dict[int, int] = {}


def _requirements(items: int) -> int:
    return _REQS.get(items, 1)


if __name__ == "__main__":
    main()
