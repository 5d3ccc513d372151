"""The exception tree: one class per meaningful status, Jama's message, one line and a hint."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from jama_magic import errors
from jama_magic.display import hint_for, one_line
from jama_magic.errors import (
    BadRequestError,
    ConflictError,
    ForbiddenError,
    JamaConnectError,
    JamaError,
    JamaHTTPError,
    JamaRequestError,
    JamaTimeoutError,
    JamaUsageError,
    MethodNotAllowedError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    UnauthorizedError,
    UnknownConnectionError,
    error_for_status,
)
from jama_magic.response import JamaResponse, RequestView


def _response(status: int, body: Any = None, *, url: str = "/items/99") -> JamaResponse:
    view = RequestView(
        method="GET",
        url="https://j.example/rest/latest" + url,
        relative_url=url,
        headers=(),
        body=None,
    )
    return JamaResponse(
        status_code=status, headers=httpx.Headers(), body=body, request=view, elapsed=0.1, size=0
    )


def _envelope(status: str, message: str) -> dict[str, Any]:
    return {
        "meta": {"status": status, "timestamp": "2016-11-28T23:22:15.999+0000", "message": message}
    }


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, UnauthorizedError),
        (403, ForbiddenError),
        (404, NotFoundError),
        (405, MethodNotAllowedError),
        (409, ConflictError),
        (429, RateLimitedError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (418, JamaHTTPError),
        (422, JamaHTTPError),
    ],
)
def test_one_class_per_status(status: int, cls: type[JamaHTTPError]) -> None:
    """Each meaningful status maps to its own class; others to JamaHTTPError."""
    exc = error_for_status(_response(status))
    assert type(exc) is cls
    assert isinstance(exc, JamaHTTPError) and isinstance(exc, JamaError)
    assert exc.status_code == status


def test_meta_message_carried() -> None:
    """Jama's meta.message is .message and part of the one-line str."""
    resp = _response(404, _envelope("Not Found", "No item with id 99 exists."))
    exc = error_for_status(resp)
    assert exc.message == "No item with id 99 exists."
    assert exc.reason == "Not Found"
    assert exc.response is resp
    assert str(exc) == "404 Not Found: No item with id 99 exists (GET /items/99)"


def test_multiline_message_flattened_to_one_line() -> None:
    """A multi-line message still gives a one-line error."""
    exc = error_for_status(_response(400, _envelope("Bad Request", "field x\n  is required")))
    assert str(exc) == "400 Bad Request: field x is required (GET /items/99)"


def test_no_message_still_one_line() -> None:
    """Without a body the error says the status and what was requested."""
    assert str(error_for_status(_response(500))) == "500 Internal Server Error (GET /items/99)"


def test_html_error_page_summarised() -> None:
    """A gateway's HTML error page is summarised, not dumped."""
    exc = error_for_status(_response(502, "<html><body><h1>502 Bad Gateway</h1></body></html>"))
    assert "HTML page instead of JSON" in str(exc)
    assert "<html>" not in str(exc)


def test_raise_for_status() -> None:
    """raise_for_status returns the response below 400 and raises the matching class above."""
    ok = _response(200, {"meta": {"status": "OK"}, "data": {}})
    assert ok.raise_for_status() is ok
    with pytest.raises(NotFoundError):
        _response(404).raise_for_status()


@pytest.mark.parametrize(
    ("exc", "words"),
    [
        (error_for_status(_response(401)), "username and password"),
        (error_for_status(_response(403)), "permission"),
        (error_for_status(_response(404)), "check the id and the path"),
        (error_for_status(_response(429)), "requests/s"),
        (JamaTimeoutError("slow", host="h"), "--timeout"),
        (JamaConnectError("down", host="h"), "URL/subdomain"),
    ],
)
def test_hints(exc: BaseException, words: str) -> None:
    """Common failures come with a hint on how to fix them."""
    hint = hint_for(exc)
    assert hint is not None and words in hint


@pytest.mark.parametrize(
    ("auth_kind", "words"),
    [
        ("basic", "username and password (env JAMA_MY_PROD_PASSWORD) of connection 'my-prod'"),
        ("oauth", "client id and client secret (env JAMA_MY_PROD_CLIENT_SECRET)"),
    ],
)
def test_401_hint_names_the_env_variable(auth_kind: str, words: str) -> None:
    """A 401 hint names the env variable of the connection's own secret."""
    view = RequestView(
        method="GET",
        url="https://j.example/rest/latest/projects",
        relative_url="/projects",
        headers=(),
        body=None,
        nickname="my-prod",
        auth_kind=auth_kind,
    )
    resp = JamaResponse(
        status_code=401, headers=httpx.Headers(), body=None, request=view, elapsed=0.0, size=0
    )
    assert words in one_line(error_for_status(resp))


def test_oauth_error_body_is_the_message() -> None:
    """An OAuth-style error body (error_description) becomes the message."""
    body = {"error": "invalid_client", "error_description": "Bad client credentials"}
    assert str(error_for_status(_response(401, body))).startswith(
        "401 Unauthorized: Bad client credentials"
    )
    assert error_for_status(_response(401, {"error": "invalid_client"})).message == "invalid_client"


def test_no_hint_when_none_helps() -> None:
    """Errors without a useful hint get none."""
    assert hint_for(error_for_status(_response(409))) is None
    assert hint_for(ValueError("x")) is None


def test_one_line_joins_message_and_hint() -> None:
    """one_line is the message then '. Hint: ...' on a single line."""
    exc = error_for_status(_response(404, _envelope("Not Found", "No item with id 99 exists.")))
    line = one_line(exc)
    assert line.startswith("404 Not Found: No item with id 99 exists (GET /items/99). Hint: ")
    assert "\n" not in line


def test_one_line_without_hint_or_text() -> None:
    """one_line of a hint-less error is its text; of an empty error, its class name."""
    assert one_line(JamaUsageError("bad input")) == "bad input"
    assert one_line(JamaError()) == "JamaError"


def test_request_errors_carry_where() -> None:
    """No-response errors carry the method, URL and host."""
    exc = JamaConnectError("cannot connect", method="GET", url="/items", host="j.example:443")
    assert isinstance(exc, JamaRequestError)
    assert (exc.method, exc.url, exc.host) == ("GET", "/items", "j.example:443")


def test_unknown_connection_str_is_not_quoted() -> None:
    """UnknownConnectionError is a KeyError whose str is the plain message."""
    exc = UnknownConnectionError("unknown connection 'x'; known: a")
    assert isinstance(exc, KeyError)
    assert str(exc) == "unknown connection 'x'; known: a"


def test_all_exported_names_exist() -> None:
    """Every name in errors.__all__ exists, and the tree is the documented one."""
    assert all(hasattr(errors, name) for name in errors.__all__)
    for name in errors.__all__:
        obj = getattr(errors, name)
        if isinstance(obj, type) and obj is not JamaError:
            assert issubclass(obj, JamaError)
