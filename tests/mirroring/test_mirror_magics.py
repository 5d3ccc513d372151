"""%jama sync and %jama mirror in a real IPython shell against the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.testing import globalipapp
from IPython.utils.capture import capture_output

import jama_magic as jm
from jama_magic.sandbox import Sandbox


@pytest.fixture(scope="module")
def ip() -> InteractiveShell:
    shell = globalipapp.start_ipython() or globalipapp.get_ipython()
    assert shell is not None
    shell.run_line_magic("load_ext", "jama_magic")
    return shell


@pytest.fixture
def conn(sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("JAMA_MAGIC_DATA", str(tmp_path / "data"))
    jm.connect("msb", url=sandbox.url, username=sandbox.username, password=sandbox.password)
    yield


def test_sync_then_mirror(ip: InteractiveShell, conn: None, tmp_path: Path) -> None:
    """%jama sync prints the report and returns the Mirror; %jama mirror -c reopens it."""
    with capture_output() as out:
        m = ip.run_line_magic("jama", "sync 21 -c msb")
    assert isinstance(m, jm.Mirror) and "full sync of project 21: 15 created" in out.stdout
    assert m.path == (tmp_path / "data" / "msb.duckdb").resolve()
    again = ip.run_line_magic("jama", "mirror -c msb")
    assert again is m and len(again.items(21)) == 15
    m.close()


def test_sync_to_path_and_unknown_project_name(
    ip: InteractiveShell, conn: None, tmp_path: Path
) -> None:
    """--to writes where asked; a project name nobody has is one line listing the projects."""
    target = tmp_path / "here.duckdb"
    m = ip.run_line_magic("jama", f"sync 'Mobile App' -c msb --to {target}")
    assert m.path == target.resolve() and m.projects() == [22]
    m.close()
    with pytest.raises(UsageError, match="no project 'Nope': choose one of 20 Demo Project"):
        ip.run_line_magic("jama", "sync Nope -c msb")
