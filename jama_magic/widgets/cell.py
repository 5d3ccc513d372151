"""Pure helpers of the panel: its request as a ``%jama`` cell, and its body text as JSON.

Nothing here imports ipywidgets or IPython, so the magics (``--dry-run``) and
tests can use it too::

    >>> req = JamaRequest.build("GET", "/items", query=[("project", "20")], all_pages=True)
    >>> print(to_cell(req, connection="prod"))
    %jama GET /items -c prod -p project=20 --all
"""

from __future__ import annotations

import contextlib
import json
import re
import shlex
from typing import Any

from ..errors import BodyError
from ..request import NO_BODY, JamaRequest

__all__ = ["parse_body_text", "protect_line", "to_cell"]


def to_cell(req: JamaRequest, *, connection: str | None = None) -> str:
    """``req`` as a cell that runs: ``%jama LINE``, or ``%%jama LINE`` and the body as pretty JSON.

    A request without a body is a line magic: ``%%jama`` refuses an empty cell body.
    """
    words = [req.method, shlex.quote(req.url)]
    if connection:
        words += ["-c", shlex.quote(connection)]
    words += [f"-p {shlex.quote(f'{key}={value}')}" for key, value in req.query]
    words += [f"-H {shlex.quote(f'{name}: {value}')}" for name, value in req.headers]
    words += _options(req)
    line = protect_line(" ".join(words))
    if req.body is NO_BODY:
        return "%jama " + line
    body = json.dumps(req.body, indent=2, ensure_ascii=False)
    # in a cell body `{{ expr }}` is a placeholder; pretty JSON has `{{` only inside strings
    return "%%jama " + line + "\n" + body.replace("{{", "\\{{")


def _options(req: JamaRequest) -> list[str]:
    words = ["--all"] if req.all_pages else []
    if req.limit is not None:
        words += ["--limit", str(req.limit)]
    if req.timeout is not None:
        words += ["--timeout", f"{req.timeout:g}"]
    return words


def protect_line(line: str) -> str:
    """``line`` escaped so that IPython's ``{expr}``/``$name`` expansion gives it back.

    Braces double always; whether ``$name`` needs ``$$`` depends on IPython's
    quote counting, so both spellings are tried against IPython's own formatter.
    """
    braces = line.replace("{", "{{").replace("}", "}}")
    try:
        from IPython.utils.text import DollarFormatter
    except ImportError:  # no IPython, so nothing expands the line
        return braces
    for candidate in (braces, re.sub(r"\$(?=[\w.])", "$$", braces)):
        with contextlib.suppress(Exception):  # a name lookup: the user's namespace decides
            if DollarFormatter().vformat(candidate, [], {}) == line:
                return candidate
    return candidate


def parse_body_text(text: str) -> Any:
    """The JSON value of the body box (``NO_BODY`` when blank).

    Raises ``BodyError`` with the line and column of the first mistake.
    """
    if not text.strip():
        return NO_BODY
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise BodyError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None


def _reject_constant(name: str) -> Any:
    raise BodyError(f"invalid JSON: {name} is not a JSON value (use null or a number)")
