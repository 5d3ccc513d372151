"""A write whose answer never came may have been applied: the error says to look before
resending (review finding 2), against the sandbox over loopback."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.testing import globalipapp
from IPython.utils.capture import capture_output

import jama_magic as jm
from jama_magic.display import one_line
from jama_magic.errors import JamaConnectError, JamaProtocolError, JamaTimeoutError
from jama_magic.sandbox import Sandbox

MAYBE = "may have been applied all the same: check with a GET before sending it again"


def _item(name: str) -> dict[str, Any]:
    return {
        "project": 20,
        "itemType": 33,
        "childItemType": 0,
        "location": {"parent": {"project": 20}},
        "fields": {"name": name},
    }


@pytest.fixture
def slow() -> Iterator[Sandbox]:
    """A sandbox that answers every request after 1 s (it applies a write all the same)."""
    with Sandbox(latency=1.0) as sb:
        jm.connect("slow", url=sb.url, username=sb.username, password=sb.password, default=True)
        yield sb


def _found(name: str) -> int:
    """How many items are called ``name``, once the server has had time to apply a write."""
    deadline = time.monotonic() + 30
    while True:  # the write lands when the sandbox's latency has passed
        r = jm.request("GET", "/abstractitems", query={"contains": name}, timeout=10)
        total = r.page_info.total_results if r.page_info else 0
        if total or time.monotonic() > deadline:
            return total


def test_timed_out_post_says_it_may_have_been_applied(slow: Sandbox) -> None:
    """A POST that times out says it may have been applied, and it was."""
    name = f"timeout-{uuid.uuid4().hex[:8]}"
    with pytest.raises(JamaTimeoutError) as info:
        jm.request("POST", "/items", body=_item(name), timeout=0.2)
    line = one_line(info.value)
    assert f"did not answer POST /items within 0.2 s; the POST {MAYBE}" in line
    assert "Hint: if it was not applied, a slow server needs a longer --timeout S" in line
    assert info.value.maybe_applied
    assert _found(name) == 1  # the hint was right to warn: resending would duplicate it


def test_timed_out_get_keeps_the_timeout_hint(slow: Sandbox) -> None:
    """A GET that times out changed nothing: the hint is only to raise the timeout."""
    with pytest.raises(JamaTimeoutError) as info:
        jm.request("GET", "/projects", timeout=0.2)
    line = one_line(info.value)
    assert "may have been applied" not in line and not info.value.maybe_applied
    assert line.endswith("Hint: raise the timeout with --timeout S or JamaMagic.timeout")


def test_dropped_patch_says_it_may_have_been_applied(sandbox: Sandbox, sandbox_conn: Any) -> None:
    """A PATCH whose connection drops before the answer says to look before resending."""
    sandbox.schedule_faults(["drop"], method="PATCH", path_prefix="/items/1003")
    patch = [{"op": "replace", "path": "/fields/name", "value": "x"}]
    try:
        with pytest.raises(JamaProtocolError) as info:
            jm.request("PATCH", "/items/1003", body=patch)
    finally:
        sandbox.clear_faults()
    assert "dropped during PATCH /items/1003" in str(info.value)
    assert f"the PATCH {MAYBE}" in one_line(info.value)
    assert "--timeout" not in one_line(info.value)


def test_refused_write_was_not_sent() -> None:
    """A write that could not connect was never sent: no warning about it being applied."""
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    jm.connect("gone", url=f"http://127.0.0.1:{port}", username="u", password="p", check=False)
    with pytest.raises(JamaConnectError) as info:
        jm.request("DELETE", "/items/1003", connection="gone")
    assert "may have been applied" not in one_line(info.value)
    assert not info.value.maybe_applied


def test_magic_timed_out_write_is_one_line(slow: Sandbox) -> None:
    """`%%jama POST /items --timeout S` that times out: one UsageError line saying to check."""
    ip: InteractiveShell = globalipapp.start_ipython() or globalipapp.get_ipython()
    ip.run_line_magic("load_ext", "jama_magic")
    ip.user_ns["title"] = f"magic-timeout-{uuid.uuid4().hex[:8]}"
    cell = (
        '{"project": 20, "itemType": 33, "childItemType": 0,'
        ' "location": {"parent": {"project": 20}}, "fields": {"name": {{ title }}}}'
    )
    with capture_output() as cap:
        result = ip.run_cell(f"%%jama POST /items --timeout 0.2\n{cell}")
    assert type(result.error_in_exec) is UsageError
    lines = [line for line in cap.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in cap.stdout + cap.stderr
    assert f"the POST {MAYBE}" in lines[0]
    assert _found(ip.user_ns["title"]) == 1
