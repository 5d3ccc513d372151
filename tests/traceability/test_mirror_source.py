"""jm.trace(mirror=...) offline: the same trace as over the network, with no request.

Needs the local mirror (issue 17); skipped until ``jama_magic.mirroring`` is in the build.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import jama_magic as jm
from jama_magic.connection import Connection
from jama_magic.errors import JamaUsageError
from jama_magic.sandbox import Sandbox
from jama_magic.traceability.mirrored import MirrorSource


def test_a_non_mirror_is_refused() -> None:
    """Something that is not a mirror is one line saying what mirror= needs."""
    with pytest.raises(JamaUsageError, match=r"mirror= must be a mirror from jm.mirror\(\)"):
        MirrorSource("jama.duckdb")


def test_trace_from_the_mirror_needs_no_network(
    sandbox: Sandbox, sandbox_conn: Connection, tmp_path: Path
) -> None:
    """After a sync, the trace from the mirror equals the network one and sends nothing."""
    pytest.importorskip("jama_magic.mirroring")
    jm.settings.rate_limit = None
    online = jm.trace(20, "Requirement", "Test Case")
    m = jm.sync(20, path=tmp_path / "m.duckdb")  # type: ignore[attr-defined]
    sandbox.reset_stats()
    offline = jm.trace(20, "Requirement", "Test Case", mirror=m)
    assert sandbox.stats.requests == 0
    assert offline.requests == 0
    assert offline.matrix["documentKey"].tolist() == online.matrix["documentKey"].tolist()
    assert offline.matrix["downstream"].tolist() == online.matrix["downstream"].tolist()
    assert offline.summary.equals(online.summary)
