"""``%jama diff item …`` and ``%jama diff baselines …`` in a real IPython shell."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.testing import globalipapp

import jama_magic as jm
from jama_magic.changes import Diff
from jama_magic.sandbox import Sandbox


@pytest.fixture(scope="module")
def ip() -> InteractiveShell:
    # another test module may have started the global test shell already
    shell = globalipapp.start_ipython() or globalipapp.get_ipython()
    assert shell is not None
    shell.run_line_magic("load_ext", "jama_magic")
    return shell


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(seed=2) as sandbox:
        yield sandbox


@pytest.fixture
def conn(sb: Sandbox) -> jm.Connection:
    return jm.connect("sb", url=sb.url, username=sb.username, password=sb.password)


def test_diff_item_shows_the_last_edit(ip: InteractiveShell, conn: jm.Connection) -> None:
    """``%jama diff item ID`` returns the Diff of the item's last two versions."""
    body = [{"op": "replace", "path": "/fields/name", "value": "Changed by the magic test"}]
    jm.request("PATCH", "/items/1010", body=body)
    d = ip.run_line_magic("jama", "diff item 1010")
    assert isinstance(d, Diff)
    assert d.changes[["id", "change", "after"]].values.tolist() == [
        [1010, "changed", "Changed by the magic test"]
    ]


def test_diff_baselines_with_options(
    ip: InteractiveShell, conn: jm.Connection, sb: Sandbox
) -> None:
    """``%jama diff baselines A B -c NICK --no-relationships`` compares two baselines."""
    a = sb.take_baseline(20, "Before")
    body = [{"op": "replace", "path": "/fields/name", "value": "Between two baselines"}]
    jm.request("PATCH", "/items/1011", body=body)
    b = sb.take_baseline(20, "After")
    d = ip.run_line_magic("jama", f"diff baselines {a} {b} -c sb --no-relationships")
    assert isinstance(d, Diff) and d.summary == "1 item changed (1 field)"
    assert d.changes["id"].tolist() == [1011]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("diff thing 1", "expected %jama diff item ITEM [V1 [V2]] or %jama diff baselines A [B]"),
        ("diff item 1010 two", "expected a version (a whole number), got 'two'"),
        ("diff baselines 91 92 93", "got %jama diff baselines 91 92 93"),
        ("diff", "the following arguments are required: WORDS"),
    ],
)
def test_wrong_words_are_one_line_errors(
    ip: InteractiveShell, conn: jm.Connection, line: str, message: str
) -> None:
    """Words that name no diff are a one-line UsageError showing the usage."""
    with pytest.raises(UsageError) as caught:
        ip.run_line_magic("jama", line)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_diff_baselines_by_name(ip: InteractiveShell, conn: jm.Connection, sb: Sandbox) -> None:
    """A baseline name is looked up in the other baseline's project: same diff as by ids."""
    a = sb.take_baseline(20, "Named before")
    jm.request("PATCH", "/items/1012", body=[
        {"op": "replace", "path": "/fields/name", "value": "Between named baselines"}
    ])  # fmt: skip
    b = sb.take_baseline(20, "Named after")
    by_ids = ip.run_line_magic("jama", f"diff baselines {a} {b} --no-relationships")
    by_name = ip.run_line_magic("jama", f'diff baselines "Named before" {b} --no-relationships')
    assert by_name.changes.equals(by_ids.changes) and by_name.title == by_ids.title
    in_project = jm.diff_baselines("named before", "Named after", project=20, relationships=False)
    assert in_project.changes.equals(by_ids.changes)


def test_unknown_baseline_name_lists_the_valid_ones(
    ip: InteractiveShell, conn: jm.Connection
) -> None:
    """An unknown baseline name is one line listing the project's baselines with their ids."""
    with pytest.raises(UsageError) as caught:
        ip.run_line_magic("jama", 'diff baselines "Release 2.0 Baseline" 91')
    message = str(caught.value)
    assert message.startswith("unknown baseline 'Release 2.0 Baseline': use one of ")
    assert "Release 1.0 Baseline (92)" in message and "\n" not in message


def test_baseline_name_in_several_projects_asks_for_an_id(conn: jm.Connection) -> None:
    """A name shared by several projects' baselines, with no project to go by, asks for an id."""
    with pytest.raises(
        jm.JamaUsageError, match=r"is in several projects: use an id: 92 \(project 20\)"
    ):
        jm.diff_baselines("Release 1.0 Baseline")
