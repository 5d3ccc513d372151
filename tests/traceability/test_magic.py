"""``%jama trace`` in a real IPython shell against the session sandbox."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.testing import globalipapp
from IPython.utils.capture import capture_output

import jama_magic as jm
from jama_magic.connection import Connection
from jama_magic.traceability import Trace


@pytest.fixture(scope="module")
def ip() -> InteractiveShell:
    shell: InteractiveShell | None = globalipapp.start_ipython() or globalipapp.get_ipython()
    assert shell is not None
    shell.run_line_magic("load_ext", "jama_magic")
    return shell


def run(ip: InteractiveShell, code: str) -> tuple[object, str, BaseException | None]:
    with capture_output() as cap:
        res = ip.run_cell(code)  # type: ignore[no-untyped-call]
    return res.result, cap.stdout + cap.stderr, res.error_in_exec


def test_trace_magic_returns_the_trace(ip: InteractiveShell, sandbox_conn: Connection) -> None:
    """The magic's options reach jm.trace: types with spaces, a relationship type, -c."""
    jm.settings.rate_limit = None
    line = '%jama trace 20 --from Requirement --to "Test Case" --type "Verified by" -c sb'
    result, _, error = run(ip, line)
    assert error is None and isinstance(result, Trace)
    direct = jm.trace(20, "Requirement", "Test Case", relationship_type="Verified by")
    assert result.coverage == direct.coverage
    assert result.relationship_types == ["Verified by"]


def test_trace_magic_several_types_and_excel(
    ip: InteractiveShell, sandbox_conn: Connection, tmp_path: Path
) -> None:
    """Repeated --to gives several downstream types; --excel writes the workbook."""
    jm.settings.rate_limit = None
    path = tmp_path / "t.xlsx"
    result, out, error = run(
        ip, f'%jama trace 20 --from REQ --to TC --to "User Story" --excel "{path}"'
    )
    assert error is None and isinstance(result, Trace)
    assert result.downstream == ["Test Case", "User Story"]
    assert f"wrote {path}" in out
    assert openpyxl.load_workbook(path).sheetnames[0] == "Summary"


def test_trace_magic_unknown_type_is_one_line(
    ip: InteractiveShell, sandbox_conn: Connection
) -> None:
    """A misspelt type is one UsageError line listing the valid ones."""
    _, out, error = run(ip, "%jama trace 20 --from Requirment --to TC")
    assert type(error) is UsageError
    assert "Traceback" not in out
    assert "unknown item type 'Requirment': use one of" in str(error)


def test_trace_magic_needs_from_and_to(ip: InteractiveShell, sandbox_conn: Connection) -> None:
    """Leaving out --to is a usage error naming it."""
    _, _, error = run(ip, "%jama trace 20 --from Requirement")
    assert type(error) is UsageError and "--to" in str(error)


def test_trace_magic_takes_a_project_key_or_name(
    ip: InteractiveShell, sandbox_conn: Connection
) -> None:
    """``%jama trace Demo …`` and a quoted project name trace the project like its id."""
    jm.settings.rate_limit = None
    direct = jm.trace(20, "Requirement", "Test Case")
    for project in ("DEMO", '"Demo Project"'):
        result, _, error = run(ip, f'%jama trace {project} --from Requirement --to "Test Case"')
        assert error is None and isinstance(result, Trace)
        assert result.coverage == direct.coverage and result.total == direct.total


def test_trace_magic_unknown_project_is_one_line(
    ip: InteractiveShell, sandbox_conn: Connection
) -> None:
    """An unknown project name is one UsageError line listing the projects."""
    _, out, error = run(ip, '%jama trace Dmo --from Requirement --to "Test Case"')
    assert type(error) is UsageError and "Traceback" not in out
    assert "unknown project 'Dmo': use one of Demo Project (20)" in str(error)
