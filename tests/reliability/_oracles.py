"""Checks shared by the fuzz and secret tests: what a clean outcome is.

A clean outcome is a correct request or one ``JamaError`` (or IPython
``UsageError``) whose message is a single non-empty line without a secret.
Anything else (another exception type, a multi-line message, a secret in the
text, a URL off the connection's host) fails the property.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import unquote

import httpx

from jama_magic.connection import Connection
from jama_magic.display import one_line
from jama_magic.errors import JamaError

T = TypeVar("T")

OK, ERROR = "ok", "error"


def basic_value(user: str, password: str) -> str:
    """The base64 part of the Basic header for ``user:password``."""
    return base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def assert_clean_message(exc: BaseException, secrets: Iterable[str] = ()) -> str:
    """``exc`` is a JamaError with a one-line, secret-free message; returns what the user sees."""
    assert isinstance(exc, JamaError), f"not a JamaError: {type(exc).__name__}: {exc}"
    text, shown = str(exc), one_line(exc)
    assert text.strip(), f"empty message from {type(exc).__name__}"
    assert "\n" not in text and "\r" not in text, f"multi-line message: {text!r}"
    for secret in secrets:
        if secret:
            assert secret not in text and secret not in shown, f"secret in message: {shown!r}"
            assert secret not in repr(exc), "secret in repr(exc)"
    return shown


def outcome(fn: Callable[[], T], secrets: Iterable[str] = ()) -> tuple[str, T | None]:
    """(OK, value) or (ERROR, None) after checking the error is clean; other exceptions escape."""
    try:
        return OK, fn()
    except JamaError as exc:
        assert_clean_message(exc, secrets)
        return ERROR, None


def origin(url: str) -> tuple[str, str, int | None]:
    parsed = httpx.URL(url)
    return parsed.scheme, parsed.host, parsed.port


def remove_dot_segments(path: str) -> str:
    """Resolve '.' and '..' the way a lenient server would (backslash as '/', fully decoded)."""
    for _ in range(5):
        path = unquote(path)
    out: list[str] = []
    for seg in path.replace("\\", "/").split("/"):
        if seg == "..":
            if out:
                out.pop()
        elif seg not in (".", ""):
            out.append(seg)
    return "/" + "/".join(out)


def assert_stays_on_connection(url: str, conn: Connection) -> None:
    """``url`` goes to the connection's host and stays under its API root."""
    assert origin(url) == origin(conn.api_root), f"{url} leaves {conn.api_root}"
    root = remove_dot_segments(httpx.URL(conn.api_root).raw_path.decode("ascii")).rstrip("/")
    path = httpx.URL(url).raw_path.decode("ascii").split("?", 1)[0]
    resolved = remove_dot_segments(path)
    assert resolved == root or resolved.startswith(root + "/"), f"{url} climbs out of {root}"


def secret_free(text: str, secrets: Iterable[str]) -> list[str]:
    """The secrets found in ``text`` (should be empty)."""
    return [s for s in secrets if s and s in text]


def describe(value: Any) -> str:
    return type(value).__name__
