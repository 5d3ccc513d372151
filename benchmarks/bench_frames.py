"""Benchmark: the Jama-aware DataFrame view against ``pandas.json_normalize`` on the same items.

Generates N sandbox items (the sandbox's deterministic dataset generator; the
2016 sample items replicated when the sandbox is unavailable), then times, in
one run and interleaved, ``pandas.json_normalize(rows)`` and
``jama_magic.frames.to_dataframe(rows, linked={"itemtypes": ...})`` (field
types from item type definitions, suffix stripping, datetimes, nullable ints).
Reports the median of several repeats, the ratio and the peak memory of each
(tracemalloc, measured in separate untimed runs because tracing slows Python
code down), and writes the command and table to its section of ``RESULTS.md``.

    python benchmarks/bench_frames.py [--items 100000] [--repeats 5] [--out FILE]
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from jama_magic.frames import to_dataframe

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import RESULTS, record

HERE = Path(__file__).resolve().parent
SAMPLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "restclient_2016_responses.json"


@dataclass(frozen=True)
class Workload:
    """The rows to convert, the item types they use and where they came from."""

    rows: list[dict[str, Any]]
    linked: dict[str, dict[str, Any]]
    source: str


def sandbox_workload(items: int) -> Workload:
    """N items of the sandbox's dataset generator (seed 0)."""
    from jama_magic.sandbox.dataset import generate

    dataset = generate(items=items, seed=0)
    rows = list(dataset.items.values())[:items]
    linked = {"itemtypes": {str(key): value for key, value in dataset.itemtypes.items()}}
    return Workload(rows, linked, "jama_magic.sandbox.dataset.generate(items=N, seed=0)")


def sample_workload(items: int) -> Workload:
    """The 21 real 2016 items replicated to N rows (fallback without the sandbox)."""
    samples = json.loads(SAMPLES.read_text(encoding="utf-8"))
    page = samples["GET test/rest/v1/items?project=20183&rootOnly=true"]["response"]["data"]
    base = [*page, samples["GET test/rest/v1/items/2210690"]["response"]["data"]]
    rows = []
    for index in range(items):
        row = copy.deepcopy(base[index % len(base)])
        row["id"] = index + 1
        rows.append(row)
    return Workload(rows, {}, "2016 sample items replicated")


def workload(items: int) -> Workload:
    try:
        return sandbox_workload(items)
    except ImportError:
        return sample_workload(items)


def timed(func: Callable[[], Any]) -> float:
    gc.collect()
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def peak_mib(func: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def run(items: int, repeats: int) -> dict[str, Any]:
    work = workload(items)
    cases: dict[str, Callable[[], Any]] = {
        "pandas.json_normalize": lambda: pd.json_normalize(work.rows),
        "to_dataframe": lambda: to_dataframe(work.rows, linked=work.linked),
        "to_dataframe(resolve=True)": lambda: to_dataframe(
            work.rows, linked=_with_names(work), resolve=True
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeats):
        for name, func in cases.items():
            times[name].append(timed(func))
    shape = {name: func().shape for name, func in cases.items()}
    peaks = {name: peak_mib(func) for name, func in cases.items()}
    return {"work": work, "times": times, "peaks": peaks, "shape": shape}


def _with_names(work: Workload) -> dict[str, dict[str, Any]]:
    # Names for the resolve case, as include= would bring them (no HTTP in this benchmark).
    try:
        from jama_magic.sandbox.dataset import generate
    except ImportError:
        return work.linked
    dataset = generate(items=30, seed=0)
    linked = dict(work.linked)
    for kind in ("users", "projects", "picklistoptions", "releases"):
        linked[kind] = {str(key): value for key, value in getattr(dataset, kind).items()}
    return linked


def report(result: dict[str, Any], command: str, items: int, repeats: int) -> str:
    times, peaks, shape = result["times"], result["peaks"], result["shape"]
    base = statistics.median(times["pandas.json_normalize"])
    lines = [
        "### DataFrame view benchmark",
        "",
        f"Command: `{command}`",
        "",
        f"Data: {items:,} items from {result['work'].source}; {repeats} repeats, interleaved; "
        f"Python {platform.python_version()}, pandas {pd.__version__}, {platform.machine()}.",
        "",
        "| conversion | median s | min s | ratio to json_normalize | peak MiB | shape |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, values in times.items():
        median = statistics.median(values)
        lines.append(
            f"| {name} | {median:.3f} | {min(values):.3f} | {median / base:.2f}x "
            f"| {peaks[name]:.0f} | {shape[name][0]:,} x {shape[name][1]} |"
        )
    lines += ["", "Target: to_dataframe no slower than 1.5x json_normalize.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    result = run(args.items, args.repeats)
    command = "python " + " ".join(["benchmarks/bench_frames.py", *(argv or sys.argv[1:])])
    text = report(result, command.strip(), args.items, args.repeats)
    record("frames", text, args.out)
    print(text)


if __name__ == "__main__":
    main()
