"""Every HTML view takes its colours from JupyterLab's theme (jama_magic.theme), never fixed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from jama_magic import theme
from jama_magic.changes import Diff
from jama_magic.changes.compare import Change
from jama_magic.changes.render import MAX_ROWS
from jama_magic.display import render_html
from jama_magic.response import JamaResponse, RequestView
from jama_magic.sandbox import generate
from jama_magic.traceability import TraceData, trace_data
from jama_magic.traceability.data import item_frame, relationship_frame
from jama_magic.widgets.style import PANEL_CSS

PACKAGE = Path(__file__).resolve().parents[1] / "jama_magic"
# A colour written out: #rgb/#rrggbb(aa), rgb()/hsl() and the like, or a common colour name.
LITERAL = re.compile(
    r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?)\(|"
    r"\b(?:red|green|blue|black|white|gr[ae]y|orange|yellow|pink|silver)\b",
    re.IGNORECASE,
)
# A theme variable and its fallback: var(--jp-name, fallback), the fallback maybe rgba(...).
THEMED = re.compile(r"var\(--jp-[\w-]+(?:,\s*(?:[^()]|\([^()]*\))*)?\)")
COLOURED = re.compile(
    r"(?:^|[;{\s\"'])((?:background|color|border|outline)[\w-]*)\s*:\s*([^;}\"]+)"
)


def unthemed_colours(page: str) -> list[str]:
    """Colour declarations in ``page`` that still hold a fixed colour once theme variables
    (with their fallbacks) are taken out."""
    found = []
    for prop, value in COLOURED.findall(page):
        if LITERAL.search(THEMED.sub("", value)):
            found.append(f"{prop}: {value.strip()}")
    return found


def colour_declarations(page: str) -> int:
    return len(COLOURED.findall(page))


def response(status: int, body: Any, warnings: list[str] | None = None) -> JamaResponse:
    view = RequestView(
        method="GET", url="https://j.example/rest/latest/items", relative_url="/items",
        headers=(), body=None,
    )  # fmt: skip
    return JamaResponse(
        status_code=status, headers=httpx.Headers(), body=body, request=view, elapsed=0.1,
        size=10, pages=1, retries=0, warnings=warnings,
    )  # fmt: skip


def responses() -> list[str]:
    page = {"meta": {"status": "OK"}, "links": {}, "data": [{"id": 1, "name": "a"}]}
    error = {"meta": {"status": "Bad Request", "message": "no such field"}}
    return [
        render_html(response(200, page, warnings=["stopped at limit"])),
        render_html(response(400, error)),
    ]


def traces() -> list[str]:
    ds = generate(items=300, seed=3)
    data = TraceData(
        projects=(20,),
        items=item_frame(i for i in ds.items.values() if i["project"] == 20),
        relationships=relationship_frame(ds.relationships.values()),
        item_types=ds.itemtypes,
        relationship_types={k: v["name"] for k, v in ds.relationshiptypes.items()},
        notes=("a note shown as a warning",),
    )
    return [trace_data(data, "Requirement", "Test Case")._repr_html_()]


def diffs() -> list[str]:
    rows = [
        Change(1, "P-1", "changed", "Name", "the quick fox", "the slow fox"),
        Change(2, "P-2", "markup", "Description", "<p>a <b>b</b></p>", "<p>a b</p>"),
        Change(3, "P-3", "added", None, None, None),
        *(Change(n, f"P-{n}", "changed", "Name", "a", "b") for n in range(10, MAX_ROWS + 12)),
    ]
    return [Diff.of(rows, title="t")._repr_html_()]


@pytest.mark.parametrize(
    "pages",
    [responses, traces, diffs, lambda: [PANEL_CSS]],
    ids=["summary", "trace", "diff", "panel"],
)
def test_views_use_theme_colours_only(pages: Any) -> None:
    """Each view's colour declarations are theme variables (fallbacks inside), none fixed."""
    for page in pages():
        assert colour_declarations(page) > 0
        assert unthemed_colours(page) == []


def test_trace_marks_and_diff_highlights_are_themed() -> None:
    """The trace's ✗ marks and bars and the diff's inserted/deleted words use the shared palette."""
    trace, diff = traces()[0], diffs()[0]
    assert f"color:{theme.ERROR}" in trace
    assert f"background:{theme.TRACK}" in trace and f"background:{theme.OK}" in trace
    assert f"background:{theme.INSERTED}" in diff and f"background:{theme.DELETED}" in diff
    assert f"color:{theme.NOTE}" in diff


def test_the_check_catches_a_fixed_colour() -> None:
    """The checker itself flags fixed colours and accepts theme variables with fallbacks."""
    assert unthemed_colours('<b style="color:#c62828">x</b>') == ["color: #c62828"]
    assert unthemed_colours('<b style="background: white">x</b>') == ["background: white"]
    assert unthemed_colours(f'<b style="color:{theme.NOTE};font-size:85%">x</b>') == []


def test_no_colour_is_written_outside_the_theme_module() -> None:
    """Only jama_magic/theme.py spells out colours (as fallbacks of theme variables)."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "theme.py" or "sandbox" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?)\(", line):
                offenders.append(f"{path.relative_to(PACKAGE)}:{number}")
    assert offenders == []
