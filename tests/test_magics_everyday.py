"""The first hour of a new user, in a real IPython shell against the sandbox (issue 22)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from reliability._shell import shell

import jama_magic as jm
from jama_magic.sandbox import Sandbox


@dataclass
class Ran:
    """What one cell did: its output, its value and its error."""

    out: str
    err: str
    result: Any
    error: BaseException | None


@pytest.fixture(scope="module")
def ip() -> InteractiveShell:
    """The shared test shell with the extension loaded."""
    return shell()


@pytest.fixture
def conn(sandbox: Sandbox) -> str:
    jm.connect(
        "sb", url=sandbox.url, username=sandbox.username, password=sandbox.password, default=True
    )
    return "sb"


def run(ip: InteractiveShell, code: str) -> Ran:
    with capture_output() as cap:
        res = ip.run_cell(code)
    return Ran(cap.stdout, cap.stderr, res.result, res.error_in_exec)


def fails(ip: InteractiveShell, code: str) -> str:
    """Run ``code``; check it failed with one UsageError line and no traceback; the line."""
    ran = run(ip, code)
    assert type(ran.error) is UsageError, ran.out + ran.err
    lines = [line for line in ran.err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("UsageError: "), ran.err
    return lines[0].removeprefix("UsageError: ")


# --- 2. paging is not lost -------------------------------------------------------------


def test_dry_run_all_mentions_paging(ip: InteractiveShell, conn: str) -> None:
    """--dry-run --all (and --limit) say how the request will page; a plain one does not."""
    from jama_magic.magics.support import dry_run_text

    paged = dry_run_text(run(ip, "%jama GET /items -p project=20 --all --dry-run").result)
    assert "# --all: pages of 50 by startAt/maxResults until totalResults" in paged
    limited = dry_run_text(run(ip, "%jama GET /relationships --limit 30 --dry-run").result)
    assert "# --limit 30: pages of 50 by lastId/maxResults until 30 items" in limited
    plain = dry_run_text(run(ip, "%jama GET /items -p project=20 --dry-run").result)
    assert "pages of" not in plain


# --- 5. connections are checked ----------------------------------------------------------


def test_connect_with_a_wrong_password_fails_where_typed(
    ip: InteractiveShell, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """%jama connect with a wrong password is one 401 line; nothing is registered."""
    monkeypatch.setenv("JAMA_BADPW_PASSWORD", "Wr0ng-pw")
    line = fails(ip, f"%jama connect badpw --url {sandbox.url} --username {sandbox.username}")
    assert line.startswith("401 Unauthorized")
    assert "connection 'badpw' not made" in line and "--no-check" in line
    assert "JAMA_BADPW_PASSWORD" in line and "Wr0ng-pw" not in line
    assert "badpw" not in jm.registry.names()


def test_connect_no_check_registers_without_a_request(
    ip: InteractiveShell, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--no-check registers the connection without asking the server."""
    monkeypatch.setenv("JAMA_LATER_PASSWORD", "whatever")
    before = sandbox.stats.by_route["GET /users/current"]
    ran = run(ip, f"%jama connect later --url {sandbox.url} --username x --no-check")
    assert ran.error is None and "connected 'later'" in ran.out
    assert sandbox.stats.by_route["GET /users/current"] == before


def test_reconnect_with_another_url_says_so(
    ip: InteractiveShell, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Re-running %jama connect NICK with another URL prints what it replaced."""
    monkeypatch.setenv("JAMA_LOCAL_PASSWORD", sandbox.password)
    first = run(ip, f"%jama connect local --url {sandbox.url} --username {sandbox.username}")
    assert "redefined" not in first.out
    again = run(ip, f"%jama connect local --url {sandbox.url} --username {sandbox.username}")
    assert "redefined" not in again.out + again.err
    moved = run(ip, "%jama connect local --url http://127.0.0.1:9 --username sandbox --no-check")
    assert f"connection 'local' redefined: URL {sandbox.url} -> http://127.0.0.1:9" in moved.out
    assert "Warning" not in moved.err and sandbox.password not in moved.out + moved.err


# --- 6. the Python API behind the magics ---------------------------------------------------


def test_whoami_assignment_returns_the_user(ip: InteractiveShell, conn: str) -> None:
    """`u = %jama whoami` gives Jama's user dict."""
    ran = run(ip, "u = %jama whoami")
    assert ran.error is None and ran.out == ""
    user = ip.user_ns["u"]
    assert isinstance(user, dict) and user["username"] == "sandbox"
    assert user == jm.whoami()


def test_connections_magic_is_jm_connections(ip: InteractiveShell, conn: str) -> None:
    """%jama connections shows the same table as jm.connections()."""
    ran = run(ip, "%jama connections")
    assert ran.result.equals(jm.connections())


# --- 7. terminal IPython ----------------------------------------------------------------


def test_panel_in_a_terminal_says_it_needs_jupyter(ip: InteractiveShell, conn: str) -> None:
    """%jama panel outside Jupyter is one line saying so, not a widget repr."""
    line = fails(ip, "%jama panel")
    assert line.startswith("the panel needs Jupyter") and "VBox" not in line


def test_all_shows_a_text_bar_in_a_terminal(ip: InteractiveShell, conn: str) -> None:
    """--all in a terminal draws a tqdm bar on stderr; a one-page fetch draws none."""
    ran = run(ip, "r = %jama GET /items -p project=20 --all")
    resp = ip.user_ns["r"]
    assert ran.error is None and resp.pages > 1
    # tqdm redraws at most every 0.1 s, so only the first draw (with the total) is certain
    assert "Fetching" in ran.err and f"0/{resp.item_count}" in ran.err
    assert "Fetching" not in run(ip, "%jama GET /items -p project=20 --all --limit 5").err


def test_all_without_tqdm_fetches_without_a_bar(
    ip: InteractiveShell, conn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without tqdm (no terminal extra) --all still works, silently."""
    monkeypatch.setitem(sys.modules, "tqdm", None)
    ran = run(ip, "r = %jama GET /items -p project=20 --all")
    assert ran.error is None and ran.err == "" and ip.user_ns["r"].pages > 1


# --- 8. a refused %config is a failed cell ------------------------------------------------


def test_refused_config_value_is_one_line_and_fails(ip: InteractiveShell) -> None:
    """%config JamaMagic.page_size = 80 fails the cell with one UsageError line, no log."""
    jm.settings.page_size = 20
    ran = run(ip, "%config JamaMagic.page_size = 80")
    assert type(ran.error) is UsageError and "ERROR:root" not in ran.out + ran.err
    line = fails(ip, "%config JamaMagic.page_size = 80")
    assert line == "setting page_size must be an integer from 1 to 50, not 80 (nothing changed)"
    assert jm.settings.page_size == 20


def test_config_unknown_setting_suggests_the_name(ip: InteractiveShell) -> None:
    """A misspelt JamaMagic setting is one line with a did-you-mean."""
    assert fails(ip, "%config JamaMagic.pagesize = 5").endswith("did you mean page_size?")


def test_config_accepts_good_values_and_other_classes(ip: InteractiveShell) -> None:
    """A valid value (also from a variable) is set; other classes' %config lines are untouched."""
    ip.user_ns["rows"] = 7
    assert run(ip, "%config JamaMagic.display_rows = rows").error is None
    assert jm.settings.display_rows == 7
    assert run(ip, "%config HistoryManager.enabled = False").error is None
    assert "page_size" in run(ip, "%config JamaMagic").out


def test_unloading_gives_config_back(ip: InteractiveShell) -> None:
    """After %unload_ext, %config is IPython's own again; %load_ext puts the check back."""
    ip.run_line_magic("unload_ext", "jama_magic")
    try:
        assert not hasattr(ip.magics_manager.magics["line"]["config"], "jama_original")
    finally:
        ip.run_line_magic("load_ext", "jama_magic")
    assert hasattr(ip.magics_manager.magics["line"]["config"], "jama_original")


# --- 9. the first table does not wait for pandas ----------------------------------------------


def test_load_ext_imports_pandas_in_the_background() -> None:
    """%load_ext starts importing pandas on a background thread; import jama_magic does not."""
    import subprocess

    code = (
        "import sys, threading\n"
        "from IPython.testing.globalipapp import start_ipython\n"
        "ip = start_ipython()\n"
        "import jama_magic\n"
        "print('pandas' in sys.modules)\n"
        "ip.run_line_magic('load_ext', 'jama_magic')\n"
        "for t in threading.enumerate():\n"
        "    if t.name == 'jama_magic-warm-up': t.join()\n"
        "print('pandas' in sys.modules)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert proc.stdout.split() == ["False", "True"]
