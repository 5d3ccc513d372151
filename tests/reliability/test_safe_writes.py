"""Safe writes: read-only connections refuse writes before sending; confirm_writes asks first.

The sandbox's request counter proves "before sending": a refused write leaves
it unchanged. Checked through the Python API, ``JamaClient.send`` and the magic.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jama_magic
from jama_magic.client import client_for
from jama_magic.display import one_line
from jama_magic.errors import ReadOnlyError, WriteNotConfirmedError
from jama_magic.request import JamaRequest
from jama_magic.sandbox import Sandbox

from ._ledger import Tally
from ._shell import shell
from .conftest import connect_to

AREA = "Safe writes"
WRITES = ["POST", "PUT", "PATCH", "DELETE"]


@pytest.fixture
def sb(make_sandbox: Callable[..., Sandbox]) -> Sandbox:
    jama_magic.settings.rate_limit = None
    return make_sandbox(items=60)


def write_request(method: str, item: int) -> JamaRequest:
    body: Any = {
        "POST": {
            "project": 20,
            "itemType": 33,
            "childItemType": 0,
            "location": {"parent": {"project": 20}},
            "fields": {"name": "safe"},
        },
        "PUT": {"project": 20, "itemType": 33, "fields": {"name": "put"}},
        "PATCH": [{"op": "replace", "path": "/fields/name", "value": "patched"}],
        "DELETE": jama_magic.NO_BODY,
    }[method]
    url = "/items" if method == "POST" else f"/items/{item}"
    return JamaRequest.build(method.lower() if method == "PATCH" else method, url, body=body)


def some_item(sb: Sandbox) -> int:
    return max(i for i, it in sb.dataset.items.items() if it.get("project") == 20)


def test_read_only_refuses_every_write_before_sending(sb: Sandbox, ledger: Any) -> None:
    """POST/PUT/PATCH/DELETE on a read_only connection raise ReadOnlyError; nothing is sent."""
    connect_to(sb, "ro", read_only=True)
    before = sb.stats.requests
    refused = 0
    for method in WRITES:
        for send in (
            lambda m=method: client_for("ro").send(write_request(m, some_item(sb))),
            lambda m=method: jama_magic.request(m, "/items/1001", body=write_request(m, 1).body),
        ):
            with pytest.raises(ReadOnlyError, match="read-only") as info:
                send()
            assert "\n" not in one_line(info.value)
            refused += 1
    sent = sb.stats.requests - before
    assert jama_magic.request("GET", "/projects").ok  # reads still work
    ledger.record(
        "read_only connection: POST/PUT/PATCH/DELETE (API and client)",
        cases=refused,
        outcome=f"{refused} refused before sending; {sent} requests reached the server",
        loss=sent,
    )
    assert sent == 0


def test_read_only_through_the_magic(
    sb: Sandbox, ledger: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """%jama connect --read-only, then each write: one UsageError line, nothing sent."""
    from IPython.core.error import UsageError

    ip = shell()
    monkeypatch.setenv("JAMA_ROM_PASSWORD", sb.password)
    ip.run_line_magic("jama", f"connect rom --url {sb.url} --username {sb.username} --read-only")
    before = sb.stats.requests
    lines = []
    for method in WRITES:
        with pytest.raises(UsageError) as info:
            if method == "DELETE":
                ip.run_line_magic("jama", "DELETE /items/1001 -c rom --yes")
            else:
                ip.run_cell_magic(
                    "jama", f"{method} /items/1001 -c rom --yes", '{"fields": {"name": "x"}}'
                )
        lines.append(str(info.value))
    sent = sb.stats.requests - before
    ledger.record(
        "magic on a --read-only connection (each write, even with --yes)",
        cases=len(lines),
        outcome=f'{len(lines)} one-line refusals ("{lines[-1]}"); {sent} requests sent',
        loss=sent,
    )
    assert sent == 0 and all("read-only" in line and "\n" not in line for line in lines)


def test_confirm_writes_asks_and_respects_the_answer(sb: Sandbox, ledger: Any) -> None:
    """On a confirm_writes connection a write needs yes=True or a confirming callback."""
    connect_to(sb, "cw", confirm_writes=True)
    client = client_for("cw")
    item = some_item(sb)
    questions: list[str] = []
    before = sb.stats.requests
    with pytest.raises(WriteNotConfirmedError, match="--yes"):
        client.send(write_request("DELETE", item))
    with pytest.raises(WriteNotConfirmedError):
        client.send(write_request("DELETE", item), confirm=lambda q: questions.append(q) or False)
    with pytest.raises(WriteNotConfirmedError):
        jama_magic.request("POST", "/items", body=write_request("POST", 0).body)
    refused_sent = sb.stats.requests - before
    assert questions and f"/items/{item}" in questions[0] and "cw" in questions[0]
    assert client.send(write_request("PATCH", item), confirm=lambda q: True).ok
    assert client.send(write_request("DELETE", item), yes=True).ok
    allowed_sent = sb.stats.requests - before - refused_sent
    assert jama_magic.request("GET", "/projects").ok  # reads are never asked about
    ledger.record(
        "confirm_writes: unconfirmed, declined, confirmed, yes=True",
        cases=5,
        outcome=f"3 refused with {refused_sent} requests sent; 2 allowed ({allowed_sent} sent)",
        loss=refused_sent + abs(allowed_sent - 2),
    )
    assert refused_sent == 0 and allowed_sent == 2


def test_confirm_writes_through_the_magic(
    sb: Sandbox, ledger: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The magic asks before a DELETE; 'n' or no stdin refuses, 'y' or --yes sends."""
    from IPython.core.error import UsageError

    ip = shell()
    monkeypatch.setenv("JAMA_CWM_PASSWORD", sb.password)
    ip.run_line_magic(
        "jama", f"connect cwm --url {sb.url} --username {sb.username} --confirm-writes"
    )
    item = some_item(sb)
    before = sb.stats.requests
    answers = iter(["n"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    with pytest.raises(UsageError, match="confirm"):
        ip.run_line_magic("jama", f"DELETE /items/{item} -c cwm")
    monkeypatch.setattr("builtins.input", _no_stdin)
    with pytest.raises(UsageError):
        ip.run_line_magic("jama", f"DELETE /items/{item} -c cwm")
    refused_sent = sb.stats.requests - before
    monkeypatch.setattr("builtins.input", lambda prompt="": "y")
    patched = ip.run_cell_magic(
        "jama",
        f"PATCH /items/{item} -c cwm",
        '[{"op": "replace", "path": "/fields/name", "value": "ok"}]',
    )
    monkeypatch.setattr("builtins.input", _no_stdin)
    deleted = ip.run_line_magic("jama", f"DELETE /items/{item} -c cwm --yes")
    allowed_sent = sb.stats.requests - before - refused_sent
    ledger.record(
        "magic on a --confirm-writes connection: n, no stdin, y, --yes",
        cases=4,
        outcome=f"2 refused ({refused_sent} sent); 2 allowed ({allowed_sent} sent)",
        loss=refused_sent + abs(allowed_sent - 2),
    )
    assert refused_sent == 0 and patched.ok and deleted.ok and allowed_sent == 2


def _no_stdin(prompt: str = "") -> str:
    raise EOFError


def test_write_gate_property(sb: Sandbox, ledger: Any) -> None:
    """Any write, flags and answer: sent exactly when allowed, else refused with one line."""
    connect_to(sb, "g0")
    connect_to(sb, "g_ro", read_only=True)
    connect_to(sb, "g_cw", confirm_writes=True)
    connect_to(sb, "g_both", read_only=True, confirm_writes=True)
    tally = Tally()
    item = some_item(sb)

    @settings(
        max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(
        method=st.sampled_from([*WRITES, "GET"]),
        nick=st.sampled_from(["g0", "g_ro", "g_cw", "g_both"]),
        yes=st.booleans(),
        answer=st.sampled_from([None, True, False]),
    )
    def prop(method: str, nick: str, yes: bool, answer: bool | None) -> None:
        req = (
            JamaRequest.build("GET", f"/items/{item}")
            if method == "GET"
            else write_request(method, item)
        )
        conn = client_for(nick).connection
        confirm = None if answer is None else (lambda q: answer)
        allowed = method == "GET" or (
            not conn.read_only and (not conn.confirm_writes or yes or answer is True)
        )
        before = sb.stats.requests
        try:
            client_for(nick).send(req, yes=yes, confirm=confirm, raise_for_status=False)
            outcome = "sent"
        except (ReadOnlyError, WriteNotConfirmedError) as exc:
            assert "\n" not in one_line(exc)
            outcome = "refused"
        sent = sb.stats.requests - before
        assert (outcome == "sent") == allowed and sent == (1 if allowed else 0)
        tally.add(f"{outcome} as expected")

    prop()
    ledger.record(
        "write gate: method x read_only x confirm_writes x yes x answer",
        cases=tally.total,
        outcome=tally.summary(),
        loss=0,
    )
