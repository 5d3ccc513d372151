"""Fixtures of the reliability suite, and the hooks that write tests/RELIABILITY.md.

Each test module names its ``AREA``; tests record their figures through the
``ledger`` fixture; ``pytest_sessionfinish`` writes the table from what ran.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import jama_magic
from jama_magic.connection import Connection

from ._ledger import LEDGER, Recorder
from ._servers import RecordingServer

if TYPE_CHECKING:
    from jama_magic.sandbox import Sandbox

REPORT = Path(__file__).resolve().parents[1] / "RELIABILITY.md"
HERE = Path(__file__).resolve().parent


def _ours(item_path: Any) -> bool:
    return HERE in Path(str(item_path)).resolve().parents


def pytest_runtest_setup(item: pytest.Item) -> None:
    if _ours(item.path):
        doc = (getattr(item, "function", None).__doc__ or item.name).strip().splitlines()[0]
        LEDGER.docs[item.nodeid] = (getattr(item.module, "AREA", "Other"), doc.rstrip("."))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if not _ours(report.fspath):
        return
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else "skipped"
        LEDGER.note_result(report.nodeid, f"skipped: {reason.removeprefix('Skipped: ')}")
    elif report.failed:
        LEDGER.note_result(report.nodeid, "failed")
    elif report.when == "call":
        LEDGER.note_result(report.nodeid, "passed")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write RELIABILITY.md, but only from a run of the whole folder (not -k/-m or one file)."""
    option = session.config.option
    ran = {Path(str(nodeid.split("::")[0])).name for nodeid in LEDGER.results}
    every = {p.name for p in HERE.glob("test_*.py")}
    if LEDGER.results and not (option.keyword or option.markexpr) and ran >= every:
        LEDGER.write(REPORT)


@pytest.fixture
def ledger(request: pytest.FixtureRequest) -> Recorder:
    """Where a test records its fault/attack figures for RELIABILITY.md."""
    return Recorder(getattr(request.module, "AREA", "Other"), request.node.nodeid)


@pytest.fixture
def make_sandbox() -> Iterator[Callable[..., Sandbox]]:
    """Start sandboxes with the given options; all are stopped after the test."""
    from jama_magic.sandbox import Sandbox

    started: list[Sandbox] = []

    def make(**options: Any) -> Sandbox:
        sb = Sandbox(**options)
        sb.start()
        started.append(sb)
        return sb

    yield make
    for sb in started:
        sb.stop()


@pytest.fixture
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shorter waits between retries (same policy, smaller base) and no client-side limiter."""
    from jama_magic import retry

    monkeypatch.setattr(retry, "BASE_DELAY", 0.02)
    jama_magic.settings.rate_limit = None


@pytest.fixture(scope="session")
def trap() -> Iterator[RecordingServer]:
    """A loopback server no request may ever reach (a different port = a different host)."""
    with RecordingServer() as server:
        yield server


def connect_to(sb: Sandbox, nickname: str = "sb", **options: Any) -> Connection:
    """Register a Basic-auth connection to ``sb`` as the default."""
    return jama_magic.connect(
        nickname,
        url=sb.url,
        username=sb.username,
        password=sb.password,
        default=True,
        **options,
    )


def connect_oauth(sb: Sandbox, nickname: str = "sbo", **options: Any) -> Connection:
    """Register an OAuth connection to ``sb`` as the default."""
    return jama_magic.connect(
        nickname,
        url=sb.url,
        client_id=sb.client_id,
        client_secret=sb.client_secret,
        default=True,
        **options,
    )
