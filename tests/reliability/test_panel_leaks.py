"""Panels that nobody can see any more do not pile up (issue 14: 200 re-runs, 200 listeners).

Each test makes 200 panels the way a user does (re-running a ``%jama panel``
or ``jm.panel()`` cell in the real IPython test shell, or from Python), lets
them go, runs the garbage collector, and counts what is still alive: the
registry's listeners, ipywidgets' open widgets, the panels themselves.
"""

from __future__ import annotations

import gc
import os
import weakref
from collections.abc import Iterator
from typing import Any

import ipywidgets as w
import pytest
from ipywidgets.widgets.widget import _instances  # Widget.widgets is deprecated

import jama_magic
from jama_magic.errors import JamaUsageError
from jama_magic.state import session
from jama_magic.widgets import JamaPanel

from ._shell import shell

AREA = "Resources"
RUNS = 200


def open_widgets() -> int:
    """How many widgets ipywidgets keeps alive (each one open until ``close()``)."""
    gc.collect()
    return len(_instances)


def listeners() -> int:
    gc.collect()
    return session.registry.listener_count


@pytest.fixture
def ip(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The test shell, seen as a kernel (``%jama panel`` refuses a terminal), with a connection."""
    ip = shell()
    monkeypatch.setattr(ip, "kernel", object(), raising=False)
    jama_magic.connect("a", url="http://127.0.0.1:9", username="u", password="p", check=False)
    ip.run_cell("import jama_magic as jm", store_history=False)
    yield ip
    ip.run_cell("%reset -f out", store_history=False)  # Out[n] holds every cell's panel


def run(ip: Any, source: str, cell_id: str | None) -> Any:
    result = ip.run_cell(source, store_history=True, cell_id=cell_id)
    result.raise_error()
    return result.result


@pytest.mark.parametrize("source", ["%jama panel", "jm.panel()"])
def test_rerunning_a_panel_cell_keeps_one_panel(ip: Any, source: str, ledger: Any) -> None:
    """Re-running a panel cell 200 times leaves one listener and one panel's widgets open."""
    cell = f"rerun {source}"  # a cell of its own: no other test's panel is closed here
    before = open_widgets()
    first = run(ip, source, cell)
    one_panel = open_widgets() - before
    for _ in range(RUNS - 1):
        last = run(ip, source, cell)
    assert listeners() == 1
    assert open_widgets() - before == one_panel > 0
    assert first.closed and not last.closed
    ledger.record(
        f"re-run `{source}` {RUNS} times in one cell",
        cases=RUNS,
        outcome=f"{listeners()} listener, {one_panel} widgets open (one panel)",
        loss=listeners() - 1,
    )


def test_last_panel_still_follows_connections(ip: Any) -> None:
    """After the re-runs the panel on screen still hears about a new connection."""
    for _ in range(3):
        last = run(ip, "%jama panel", "cell-1")
    jama_magic.connect("b", url="http://127.0.0.1:9", username="u", password="p", check=False)
    assert last.connection.options == ("a", "b")


def test_panel_shown_in_another_cell_stays_open(ip: Any) -> None:
    """A panel also shown by a second cell survives the re-run of the cell that made it."""
    ip.user_ns["p"] = run(ip, "jm.panel()", "cell-1")
    run(ip, "p", "cell-2")
    run(ip, "jm.panel()", "cell-1")
    assert not ip.user_ns["p"].closed
    run(ip, "pass", "cell-2")
    assert ip.user_ns["p"].closed
    ip.user_ns.pop("p")


def test_rerun_cell_that_shows_the_same_panel_keeps_it(ip: Any) -> None:
    """A cell that shows an existing panel again, re-run, leaves that panel open."""
    ip.user_ns["p"] = JamaPanel()
    for _ in range(3):
        run(ip, "p.show()", "cell-1")
    assert not ip.user_ns.pop("p").closed


def test_panel_from_an_unknown_cell_is_never_closed_for_you(ip: Any) -> None:
    """Without a cell id (a front end that sends none) a shown panel stays open."""
    panel = run(ip, "%jama panel", None)
    run(ip, "%jama panel", None)
    assert not panel.closed


def test_showing_a_closed_panel_says_so(ip: Any) -> None:
    """show() on a closed panel is one clear error, not an empty output."""
    panel = JamaPanel()
    panel.close()
    with pytest.raises(JamaUsageError, match=r"this panel was closed: run %jama panel"):
        panel.show()


def test_closed_panels_are_collected(ip: Any, ledger: Any) -> None:
    """200 panels used (rows added and removed, path variables) then closed: none stays alive."""
    before, refs = open_widgets(), []
    for _ in range(RUNS):
        panel = JamaPanel()
        panel.query.add_row("a", "1")
        panel.query.remove_row(0)
        panel.headers.set_pairs([("Accept", "application/json")])
        panel.url.value = "/items/{id}/children"
        panel.url.value = "/projects"
        panel.close()
        refs.append(weakref.ref(panel))
    del panel
    widgets = open_widgets() - before  # collects first
    alive = sum(ref() is not None for ref in refs)
    assert (alive, listeners(), widgets) == (0, 0, 0)
    ledger.record(f"{RUNS} panels edited then closed", cases=RUNS, outcome="all freed", loss=alive)


def test_panels_whose_widgets_were_closed_are_collected(ip: Any) -> None:
    """Panels dropped after ``Widget.close_all()`` are not kept alive by the registry."""
    refs = [weakref.ref(JamaPanel()) for _ in range(RUNS)]
    w.Widget.close_all()
    assert listeners() == 0  # collects first
    assert sum(ref() is not None for ref in refs) == 0


def test_function_listeners_are_kept() -> None:
    """A plain function given to on_change is kept and called (only bound methods are weak)."""
    calls: list[str] = []
    session.registry.on_change(lambda: calls.append("changed"))
    gc.collect()
    jama_magic.connect("c", url="http://127.0.0.1:9", username="u", password="p", check=False)
    assert calls == ["changed"]


@pytest.fixture
def kernel(tmp_path: Any) -> Iterator[Any]:
    """A real ipykernel (this worktree's code), with a way to run a cell the way JupyterLab does."""
    manager = pytest.importorskip("jupyter_client.manager")
    env = {k: v for k, v in os.environ.items() if not k.startswith("JAMA_")}
    env["JAMA_MAGIC_CONFIG"] = str(tmp_path / "connections.toml")
    km, kc = manager.start_new_kernel(kernel_name="python3", env=env)

    def execute(code: str, cell_id: str) -> str:
        # JupyterLab and Notebook 7 send the cell's id in the request's metadata
        content = {"code": code, "silent": False, "store_history": True, "allow_stdin": False}
        msg = kc.session.msg("execute_request", content, metadata={"cellId": cell_id})
        kc.shell_channel.send(msg)
        kc.get_shell_msg(timeout=60)
        return "".join(_stdout(kc, msg["header"]["msg_id"]))

    yield execute
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def _stdout(kc: Any, msg_id: str) -> Iterator[str]:
    while True:
        msg = kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] in ("stream", "error"):
            yield msg["content"].get("text") or msg["content"]["evalue"]
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return


COUNT = (
    "import gc; from ipywidgets.widgets.widget import _instances; "
    "from jama_magic.state import session; gc.collect(); "
    "print(session.registry.listener_count, len(_instances))"
)


def test_rerunning_panel_cells_in_a_kernel_keeps_one_panel_each(kernel: Any, ledger: Any) -> None:
    """In a real kernel, 20 re-runs each of a `%jama panel` and a `jm.panel()` cell: 2 panels."""
    kernel("import jama_magic as jm\n%load_ext jama_magic", "setup")
    _, before = (int(n) for n in kernel(COUNT, "count").split())
    kernel("%jama panel", "cell-1")
    _, one = (int(n) for n in kernel(COUNT, "count").split())
    for _ in range(20):
        kernel("%jama panel", "cell-1")
        kernel("jm.panel()", "cell-2")
    listening, widgets = (int(n) for n in kernel(COUNT, "count").split())
    assert (listening, widgets - before) == (2, 2 * (one - before))
    ledger.record(
        "kernel: re-run `%jama panel` and `jm.panel()` cells 20 times each",
        cases=40,
        outcome=f"{listening} listeners, {widgets} widgets open (two panels)",
        loss=listening - 2,
    )
