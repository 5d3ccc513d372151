"""Errors from the Python API are one line in IPython while short_errors is on (review 7),
and the full traceback with short_errors off or %xmode Verbose; in a real IPython shell."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.testing import globalipapp
from IPython.utils.capture import capture_output

import jama_magic as jm
from jama_magic.errors import JamaError
from jama_magic.sandbox import Sandbox


@pytest.fixture(scope="module")
def ip() -> InteractiveShell:
    shell = globalipapp.start_ipython() or globalipapp.get_ipython()
    assert shell is not None
    shell.run_cell("import jama_magic as jm")
    return shell


@pytest.fixture(autouse=True)
def context_mode(ip: InteractiveShell) -> Iterator[None]:
    yield
    ip.run_line_magic("xmode", "Context")


def shown(ip: InteractiveShell, code: str) -> tuple[BaseException | None, list[str]]:
    """The error a cell raised and the non-blank lines it printed."""
    with capture_output() as cap:
        result = ip.run_cell(code)
    text = cap.stdout + cap.stderr
    return result.error_in_exec, [line for line in text.splitlines() if line.strip()]


def test_unknown_connection_is_one_line(ip: InteractiveShell) -> None:
    """`jm.use('nosuch')` shows its class and message on one line, no traceback."""
    error, lines = shown(ip, "jm.use('nosuch')")
    assert isinstance(error, JamaError)
    assert lines == ["UnknownConnectionError: unknown connection 'nosuch'; known: none"]


def test_http_error_is_one_line_with_hint_and_no_secret(
    ip: InteractiveShell, sandbox: Sandbox, sandbox_conn: object
) -> None:
    """A 404 from jm.request is one line with Jama's message and the hint; no password."""
    _, lines = shown(ip, "jm.request('GET', '/items/999999')")
    assert len(lines) == 1, lines
    assert lines[0].startswith("NotFoundError: 404 Not Found: ")
    assert "(GET /items/999999). Hint: check the id and the path" in lines[0]
    assert sandbox.password not in lines[0]


def test_writeback_mistake_is_one_line(ip: InteractiveShell) -> None:
    """Planning a write-back from a frame jama_magic did not make is one line, not build.py."""
    error, lines = shown(ip, "import pandas as pd; pd.DataFrame({'a': [1]}).jama.plan()")
    assert isinstance(error, JamaError)
    assert len(lines) == 1 and lines[0].startswith(f"{type(error).__name__}: "), lines


def test_short_errors_off_shows_the_traceback(ip: InteractiveShell) -> None:
    """With short_errors off the usual traceback is back, down to the raising frame."""
    jm.settings.short_errors = False
    error, lines = shown(ip, "jm.use('nosuch')")
    assert isinstance(error, JamaError)
    assert any("Traceback" in line for line in lines)
    assert any("registry.py" in line for line in lines)
    assert lines[-1] == "UnknownConnectionError: unknown connection 'nosuch'; known: none"


def test_xmode_verbose_shows_the_traceback(ip: InteractiveShell) -> None:
    """`%xmode Verbose` asks for detail: the full traceback with locals, short_errors or not."""
    ip.run_line_magic("xmode", "Verbose")
    _, lines = shown(ip, "jm.use('nosuch')")
    assert any("Traceback" in line for line in lines)
    assert any("nickname = 'nosuch'" in line for line in lines)


def test_other_errors_keep_their_traceback(ip: InteractiveShell) -> None:
    """Only jama_magic's own errors are shortened."""
    _, lines = shown(ip, "1 / 0")
    assert any("Traceback" in line for line in lines)
