"""No secret in any repr, str, error, HTML, code export, request view, dry run or debug log."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import logging
import pickle
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import jama_magic as jm
from jama_magic.client import JamaClient, client_for
from jama_magic.connection import Connection
from jama_magic.display import one_line
from jama_magic.errors import JamaError
from jama_magic.request import JamaRequest
from jama_magic.sandbox import Sandbox


def _error_texts(exc: BaseException) -> list[str]:
    texts = [str(exc), repr(exc), one_line(exc), "".join(traceback.format_exception(exc))]
    response = getattr(exc, "response", None)
    if response is not None:
        texts += [repr(response), response._repr_html_(), response.to_curl(), response.to_python()]
    return texts


def _raised(call: Callable[[], Any]) -> BaseException:
    try:
        call()
    except JamaError as exc:
        return exc
    raise AssertionError("expected a JamaError")


def _response_texts(resp: jm.JamaResponse) -> list[str]:
    view = resp.request
    return [
        repr(resp),
        str(resp),
        resp._repr_html_(),
        resp.summary(),
        resp.to_curl(),
        resp.to_python(),
        repr(view),
        str(view.headers),
        str(dict(resp.headers)),
        resp.url,
    ]


def _connection_texts(conn: Connection, client: JamaClient) -> list[str]:
    dry = client.prepare(JamaRequest.build("POST", "/items", body={"project": 20}))
    texts = [
        repr(conn),
        str(conn),
        str(dataclasses.asdict(conn)),
        repr(conn.password),
        repr(conn.client_secret),
        f"{conn.password} {conn.client_secret}",
        repr(jm.registry.all()),
        repr(dry),
        str(dry.headers),
        dry.to_curl(),
        dry.to_python(),
        repr(client),
        repr(jm.settings),
    ]
    with pytest.raises(TypeError):
        pickle.dumps(conn)
    return texts


def _exercise(conn: Connection) -> list[str]:
    """Send requests over conn (success, error, async) and render everything."""
    client = client_for(conn.nickname)
    ok = jm.request(
        "GET", "/items", query={"project": 20, "maxResults": 3}, connection=conn.nickname
    )
    posted = jm.request(
        "POST", "/items", body={"project": 20}, connection=conn.nickname, raise_for_status=False
    )
    got = asyncio.run(jm.arequest("GET", "/projects/20", connection=conn.nickname))
    texts = _connection_texts(conn, client)
    for resp in (ok, posted, got):
        texts += _response_texts(resp)
    texts += _error_texts(
        _raised(lambda: jm.request("GET", "/items/99999999", connection=conn.nickname))
    )
    texts += _error_texts(
        _raised(
            lambda: jm.request("POST", "/items", body={"project": 20}, connection=conn.nickname)
        )
    )
    texts += _error_texts(
        _raised(lambda: jm.request("GET", "https://evil.example/x", connection=conn.nickname))
    )
    return texts


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger (httpx, httpcore, jama_magic) captured at DEBUG."""
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "jama_magic", "asyncio"):
        caplog.set_level(logging.DEBUG, logger=name)
    yield caplog


def _assert_clean(texts: list[str], caplog: pytest.LogCaptureFixture, secrets: list[str]) -> None:
    log_text = "\n".join([caplog.text] + [r.getMessage() + repr(r.args) for r in caplog.records])
    assert caplog.records, "DEBUG logging captured nothing: the log check would be vacuous"
    for secret in secrets:
        for text in texts:
            assert secret not in text, f"secret leaked into: {text[:200]!r}"
        assert secret not in log_text, "secret leaked into the DEBUG log"


def test_basic_connection_leaks_nothing(
    sandbox: Sandbox, debug_logs: pytest.LogCaptureFixture
) -> None:
    """With Basic auth neither the password nor the Basic header value appears anywhere."""
    conn = jm.connect(
        "leak-basic", url=sandbox.url, username=sandbox.username, password=sandbox.password
    )
    texts = _exercise(conn)
    header = base64.b64encode(f"{sandbox.username}:{sandbox.password}".encode()).decode()
    assert any("Basic ********" in t for t in texts)  # the masked header is shown
    _assert_clean(texts, debug_logs, [sandbox.password, header])


def test_oauth_connection_leaks_nothing(
    sandbox: Sandbox, debug_logs: pytest.LogCaptureFixture
) -> None:
    """With OAuth neither the client secret, its Basic header nor the token appears anywhere."""
    conn = jm.connect(
        "leak-oauth",
        url=sandbox.url,
        client_id=sandbox.client_id,
        client_secret=sandbox.client_secret,
    )
    texts = _exercise(conn)
    held = client_for(conn.nickname)._auth._token
    token = held.reveal() if held else None
    assert token, "no token was fetched: the Bearer check would be vacuous"
    header = base64.b64encode(f"{sandbox.client_id}:{sandbox.client_secret}".encode()).decode()
    assert any("Bearer ********" in t for t in texts)
    _assert_clean(texts, debug_logs, [sandbox.client_secret, header, token])


def test_wrong_credentials_errors_leak_nothing(
    sandbox: Sandbox, debug_logs: pytest.LogCaptureFixture
) -> None:
    """401 errors (wrong password, wrong client secret) do not echo what was typed."""
    wrong = "Wr0ng-typed-pa55word"
    jm.connect("leak-bad", url=sandbox.url, username=sandbox.username, password=wrong, check=False)
    jm.connect(
        "leak-bad-oauth",
        url=sandbox.url,
        client_id=sandbox.client_id,
        client_secret=wrong,
        check=False,
    )
    texts = _error_texts(_raised(lambda: jm.request("GET", "/projects", connection="leak-bad")))
    texts += _error_texts(
        _raised(lambda: jm.request("GET", "/projects", connection="leak-bad-oauth"))
    )
    header = base64.b64encode(f"{sandbox.username}:{wrong}".encode()).decode()
    _assert_clean(texts, debug_logs, [wrong, header])
