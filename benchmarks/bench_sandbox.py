"""How many small GET requests per second the sandbox serves (no latency).

Run:  python benchmarks/bench_sandbox.py [--requests 4000] [--concurrency 4]
                                          [--mode thread|process|generate] [--clients 2]
                                          [--path /projects/20] [--items 100000]

``thread`` runs the sandbox inside the benchmark process (as the tests and the
magics do); the client is ``--concurrency`` threads sharing one httpx.Client.
``process`` runs ``python -m jama_magic.sandbox`` as a child process and drives
it from ``--clients`` client processes with ``--concurrency`` threads each, so
client and server do not share a GIL; it also reports the server's CPU time per
request, i.e. its capacity independent of how fast the client is.
``generate`` times ``generate(items=--items)`` plus building the server's
indexes over it (what ``Sandbox(items=N)`` costs before it can start), in wall
and CPU seconds (CPU is what a loaded shared machine does not inflate).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

from jama_magic.sandbox import Sandbox

Target = tuple[str, tuple[str, str]]


@contextmanager
def child_sandbox() -> Iterator[tuple[Target, int]]:
    """((base URL, auth), pid) of ``python -m jama_magic.sandbox`` in a child process."""
    child = subprocess.Popen(
        [sys.executable, "-m", "jama_magic.sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        lines = [child.stdout.readline() for _ in range(3)]
        found = re.search(r"(http://\S+)/rest/latest/", lines[0])
        assert found, lines
        auth = (lines[1].split(":", 1)[1].strip(), lines[2].split(":", 1)[1].strip())
        yield (found.group(1), auth), child.pid
    finally:
        child.terminate()
        child.wait(10)


def drive(target: Target, path: str, total: int, threads: int) -> int:
    """Send ``total`` GETs from ``threads`` threads; returns the number of non-200s."""
    url, auth = target
    limits = httpx.Limits(max_connections=threads, max_keepalive_connections=threads)
    with httpx.Client(base_url=f"{url}/rest/latest", auth=auth, limits=limits) as client:
        client.get(path)

        def one(_: int) -> int:
            return 0 if client.get(path).status_code == 200 else 1

        with ThreadPoolExecutor(threads) as pool:
            return sum(pool.map(one, range(total)))


def _drive_job(job: tuple[Target, str, int, int]) -> int:
    return drive(*job)


def cpu_seconds(pid: int) -> float:
    """User+system CPU time of a process (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_process_mode(args: argparse.Namespace) -> str:
    """Server in a child process, clients in ``--clients`` processes."""
    with child_sandbox() as (target, pid):
        share = args.requests // args.clients
        jobs = [(target, args.path, share, args.concurrency)] * args.clients
        with multiprocessing.get_context("spawn").Pool(args.clients) as pool:
            pool.map(_drive_job, [(target, args.path, 1, 1)] * args.clients)  # warm up
            before, start = cpu_seconds(pid), time.perf_counter()
            failures = sum(pool.map(_drive_job, jobs))
            seconds = time.perf_counter() - start
            server_us = (cpu_seconds(pid) - before) / (share * args.clients) * 1e6
    return (
        f"seconds={seconds:.2f} req/s={share * args.clients / seconds:.0f} "
        f"failures={failures} server_cpu_per_request_us={server_us:.0f}"
    )


def run_thread_mode(args: argparse.Namespace) -> str:
    """Server in a thread of this process, as the tests use it."""
    with Sandbox() as sb:
        start = time.perf_counter()
        failures = drive(
            (sb.url, (sb.username, sb.password)), args.path, args.requests, args.concurrency
        )
        seconds = time.perf_counter() - start
    return f"seconds={seconds:.2f} req/s={args.requests / seconds:.0f} failures={failures}"


def run_generate_mode(args: argparse.Namespace) -> str:
    """Dataset generation and index building for ``--items`` items."""
    from jama_magic.sandbox.dataset import generate
    from jama_magic.sandbox.store import Store

    wall, cpu = time.perf_counter(), time.process_time()
    dataset = generate(items=args.items)
    gen_wall, gen_cpu = time.perf_counter() - wall, time.process_time() - cpu
    Store(dataset)
    total_wall, total_cpu = time.perf_counter() - wall, time.process_time() - cpu
    return (
        f"items={args.items} generate_s={gen_wall:.2f} generate_cpu_s={gen_cpu:.2f} "
        f"with_indexes_s={total_wall:.2f} with_indexes_cpu_s={total_cpu:.2f}"
    )


sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import record  # noqa: E402


def main() -> None:
    """Parse options, run the benchmark, print one result line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--mode", choices=("thread", "process", "generate"), default="thread")
    parser.add_argument("--path", default="/projects/20")
    parser.add_argument("--items", type=int, default=100_000, help="generate mode only")
    args = parser.parse_args()
    modes = {"process": run_process_mode, "thread": run_thread_mode, "generate": run_generate_mode}
    result = modes[args.mode](args)
    load = os.getloadavg()[0]
    if args.mode == "generate":
        line, name = f"mode=generate {result} loadavg={load:.1f}", f"sandbox-generate-{args.items}"
    else:
        line = (
            f"mode={args.mode} path={args.path} requests={args.requests} "
            f"concurrency={args.concurrency} {result} loadavg={load:.1f}"
        )
        name = f"sandbox-{args.mode}-{args.path}"
    print(line)
    command = " ".join(["python benchmarks/bench_sandbox.py", *sys.argv[1:]])
    record(name, f"`{command}`\n\n```\n{line}\n```")


if __name__ == "__main__":
    main()
