"""The README's examples run as written: its `%jama` lines parse, and the blocks marked
``<!-- runs as written: tests/test_readme.py -->`` run in a real IPython shell."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.testing import globalipapp
from IPython.utils.capture import capture_output

import jama_magic as jm
from jama_magic import registry, settings
from jama_magic.magics.parse import parse_line
from jama_magic.sandbox import Sandbox

README = Path(__file__).resolve().parents[1] / "README.md"
MARK = "<!-- runs as written: tests/test_readme.py -->"
BLOCK = re.compile(r"^(?P<mark>[^\n]*)\n```python\n(?P<code>.*?)^```", re.MULTILINE | re.DOTALL)


def python_blocks(*, marked: bool = False) -> list[str]:
    """The README's ```python blocks (only those marked runnable when ``marked``)."""
    found = BLOCK.finditer(README.read_text(encoding="utf-8"))
    return [m["code"] for m in found if not marked or m["mark"].strip() == MARK]


def magic_lines() -> list[str]:
    """Every `%jama`/`%%jama` line of the python blocks, as the magic receives it."""
    lines = []
    for code in python_blocks():
        for line in code.splitlines():
            _, found, rest = line.partition("%jama ")
            if found:
                lines.append(rest.replace("{item_id}", "1003"))  # IPython's {expr} expansion
    return lines


@pytest.fixture(scope="module")
def ip() -> InteractiveShell:
    shell = globalipapp.start_ipython() or globalipapp.get_ipython()
    assert shell is not None
    shell.run_line_magic("load_ext", "jama_magic")
    return shell


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("JAMA_MAGIC_CONFIG", str(tmp_path / "connections.toml"))
    settings.reset()
    yield
    jm.stop_sandbox()
    for name in registry.names():
        registry.remove(name)


def test_readme_magic_lines_are_found() -> None:
    """The extraction sees the README's magic lines (so the next test checks something)."""
    lines = magic_lines()
    assert len(lines) >= 15
    assert any(line.startswith("sandbox") for line in lines)


@pytest.mark.parametrize("line", magic_lines())
def test_every_readme_magic_line_parses(line: str) -> None:
    """Each `%jama` line of the README is understood as written, comments included."""
    parse_line(line)


def test_first_example_runs_as_written(ip: InteractiveShell) -> None:
    """README's "A first example", pasted as one cell, starts the sandbox and reads project 20."""
    first = python_blocks(marked=True)[0]
    assert first.startswith("%load_ext jama_magic")
    with capture_output() as cap:
        result = ip.run_cell(first)
    assert result.error_in_exec is None and result.error_before_exec is None, cap.stderr
    r = ip.user_ns["r"]
    assert r.ok and len(r.data) == r.page_info.total_results > 50  # every page
    assert "Traceback" not in cap.stdout + cap.stderr


def test_python_api_block_runs_as_written(ip: InteractiveShell) -> None:
    """README's Python API block runs against the standalone sandbox it tells you to start
    (its port aside: the test's sandbox takes a free one)."""
    block = python_blocks(marked=True)[1]
    assert block.startswith("import jama_magic as jm")
    assert "python -m jama_magic.sandbox --port 8765 --username u --password p" in (
        README.read_text(encoding="utf-8")
    )
    with Sandbox(username="u", password="p") as sb:
        code = block.replace("http://127.0.0.1:8765", sb.url)
        with capture_output() as cap:
            result = ip.run_cell(code)
        assert result.error_in_exec is None and result.error_before_exec is None, cap.stdout
        assert jm.request("GET", "/items/1003").data["fields"]["name"] == "New"  # the PATCH
    assert ip.user_ns["r"].ok and registry.default_name == "local"
