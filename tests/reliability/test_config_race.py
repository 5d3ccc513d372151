"""Saved connections survive concurrent saves from several processes (two notebooks at once).

Eight real processes each save ten connections into one config file at the
same time; every connection must be there afterwards and no process may fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from jama_magic.config import load_saved

AREA = "Safe writes"
PROCESSES, EACH = 8, 10

SAVER = """
import sys
from jama_magic.config import save_connection
from jama_magic.connection import make_connection
worker = sys.argv[1]
for i in range(int(sys.argv[2])):
    conn = make_connection(f"w{worker}-{i}", url="http://jama.example", username="u")
    save_connection(conn)
"""


def test_concurrent_saves_from_processes_lose_nothing(ledger: Any, clean_state: Path) -> None:
    """8 processes x 10 --save into one file: all 80 connections kept, no process fails."""
    env = {**os.environ, "JAMA_MAGIC_CONFIG": str(clean_state)}
    env["PYTHONPATH"] = os.pathsep.join([str(Path.cwd()), env.get("PYTHONPATH", "")])
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SAVER, str(n), str(EACH)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    errors = [p.communicate(timeout=240)[1] for p in procs]
    failed = [
        e.strip().splitlines()[-1] for p, e in zip(procs, errors, strict=True) if p.returncode
    ]
    kept = {c.nickname for c in load_saved(clean_state)}
    leftovers = [p.name for p in clean_state.parent.iterdir() if p != clean_state]
    lost = PROCESSES * EACH - len(kept)
    ledger.record(
        f"{PROCESSES} processes x {EACH} saves into one config file at once",
        cases=PROCESSES * EACH,
        outcome=f"{len(kept)} of {PROCESSES * EACH} connections kept; {len(failed)} processes "
        f"failed{': ' + failed[0] if failed else ''}; files left beside it: {leftovers or 'none'}",
        loss=lost + len(failed),
    )
    assert lost == 0 and failed == []
