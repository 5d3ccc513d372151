"""Ctrl-C in a %jama line says what it stopped (review 15), in a real IPython shell."""

from __future__ import annotations

import _thread
import getpass
import threading
import uuid
from collections.abc import Iterator

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.testing import globalipapp
from IPython.utils.capture import capture_output

import jama_magic as jm
from jama_magic import registry, secrets
from jama_magic.sandbox import Sandbox


@pytest.fixture(scope="module")
def ip() -> InteractiveShell:
    shell = globalipapp.start_ipython() or globalipapp.get_ipython()
    assert shell is not None
    shell.run_line_magic("load_ext", "jama_magic")
    return shell


def fails(ip: InteractiveShell, code: str) -> str:
    """Run ``code``; it must fail with one UsageError line and no traceback: that line."""
    with capture_output() as cap:
        result = ip.run_cell(code)
    assert type(result.error_in_exec) is UsageError, cap.stdout + cap.stderr
    lines = [line for line in cap.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in cap.stdout, cap.stdout + cap.stderr
    return lines[0].removeprefix("UsageError: ")


def test_ctrl_c_at_the_password_prompt(
    ip: InteractiveShell, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C at connect's getpass prompt: the connection was not made (no request talk)."""

    def interrupted(prompt: str) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(secrets, "_interactive", lambda: True)  # as at a terminal
    monkeypatch.setattr(getpass, "getpass", interrupted)
    line = fails(ip, f"%jama connect prod --url {sandbox.url} --username {sandbox.username}")
    assert line == "interrupted: connection 'prod' was not made"
    assert "prod" not in registry.names()


@pytest.fixture
def slow() -> Iterator[Sandbox]:
    with Sandbox(latency=3.0) as sb:
        jm.connect("slow", url=sb.url, username=sb.username, password=sb.password, check=False)
        yield sb


def _interrupt_when_sent(sb: Sandbox, request: str) -> threading.Thread:
    """Press Ctrl-C (SIGINT to the main thread) once ``request`` has reached the server."""

    def watch() -> None:
        for _ in range(600):  # 30 s at most
            if sb.stats.by_path[request]:
                _thread.interrupt_main()
                return
            threading.Event().wait(0.05)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_ctrl_c_during_a_write_says_it_may_have_been_applied(
    ip: InteractiveShell, slow: Sandbox
) -> None:
    """Ctrl-C while a POST is in flight: cancelled, but check before sending it again."""
    ip.user_ns["payload"] = {
        "project": 20,
        "itemType": 33,
        "childItemType": 0,
        "location": {"parent": {"project": 20}},
        "fields": {"name": f"interrupted-{uuid.uuid4().hex[:8]}"},
    }
    watcher = _interrupt_when_sent(slow, "POST /items")
    line = fails(ip, "%jama POST /items -b payload")
    watcher.join()
    assert line == (
        "interrupted: the POST was cancelled, but it may have reached the server: "
        "check with a GET before sending it again"
    )


def test_ctrl_c_during_a_get(ip: InteractiveShell, slow: Sandbox) -> None:
    """Ctrl-C while a GET is in flight: the request was cancelled, nothing else to check."""
    watcher = _interrupt_when_sent(slow, "GET /projects")
    line = fails(ip, "%jama GET /projects")
    watcher.join()
    assert line == "interrupted: the request and any pages in flight were cancelled"


def test_ctrl_c_at_the_confirmation_prompt_sends_nothing(
    ip: InteractiveShell, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C at a confirm_writes prompt is a "no": the write is refused, nothing is sent."""

    def interrupted(prompt: str) -> str:
        raise KeyboardInterrupt

    jm.connect(
        "careful",
        url=sandbox.url,
        username=sandbox.username,
        password=sandbox.password,
        confirm_writes=True,
    )
    monkeypatch.setattr("builtins.input", interrupted)
    before = sandbox.stats.by_path["DELETE /items/1003"]
    line = fails(ip, "%jama DELETE /items/1003")
    assert "needs confirmation: add --yes" in line
    assert sandbox.stats.by_path["DELETE /items/1003"] == before
