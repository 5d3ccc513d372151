"""The progress bars of multi-page fetches, widget and text (jama_magic.magics.progress)."""

from __future__ import annotations

import io
import sys
from typing import Any

import ipywidgets as widgets
import pytest

import jama_magic as jm
from jama_magic import registry
from jama_magic.magics.progress import ProgressState, TextProgress, WidgetProgress, progress_bar
from jama_magic.paging import Progress
from jama_magic.request import JamaRequest
from jama_magic.sandbox import Sandbox


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_state_rate_eta_and_text() -> None:
    """Rate is items per second since start; ETA is what is left at that rate."""
    clock = FakeClock()
    state = ProgressState(clock=clock)
    state.start(total_items=500, total_pages=10)
    assert state.rate() is None and state.eta() is None
    clock.now += 3.0
    state.advance(items=120, pages=3)
    assert state.rate() == 40.0
    assert state.eta() == 9.5
    assert state.fraction() == 0.24
    assert state.describe() == "120 / 500 items · 3 / 10 pages · 40.0 items/s · ETA 10 s"


def test_state_without_totals() -> None:
    """Unknown totals show counts only and measure progress by pages when known."""
    clock = FakeClock()
    state = ProgressState(clock=clock)
    state.start(total_items=None, total_pages=4)
    clock.now += 1.0
    state.advance(items=5, pages=1)
    assert state.fraction() == 0.25
    assert state.describe() == "5 items · 1 / 4 pages · 5.0 items/s"


def test_widget_shows_and_updates() -> None:
    """start() displays the bar; advance() moves it; close() marks it done."""
    shown: list[Any] = []
    clock = FakeClock()
    bar = WidgetProgress(display=shown.append, clock=clock)
    bar.start(total_items=100, total_pages=2)
    assert shown == [bar.box] and isinstance(bar.box, widgets.HBox)
    clock.now += 2.0
    bar.advance(items=50, pages=1)
    assert bar.bar.value == 0.5
    assert bar.label.value == "50 / 100 items · 1 / 2 pages · 25.0 items/s · ETA 2 s"
    bar.advance(items=50, pages=1)
    bar.close()
    assert (bar.bar.value, bar.bar.bar_style) == (1.0, "success")
    assert bar.label.value == "100 items in 2 pages, 2.0 s"


def test_final_line_carries_the_fetch_stats() -> None:
    """finish(stats) before close(): the last line adds requests, 429s, rate and latency."""
    from jama_magic.stats import FetchStats

    clock = FakeClock()
    bar = WidgetProgress(display=lambda _: None, clock=clock)
    bar.start(total_items=100, total_pages=2)
    clock.now += 2.0
    bar.advance(items=100, pages=2)
    stats = FetchStats(elapsed=2.0, rate_limit=10.0)
    for status in (200, 429, 200):
        stats.record(status, 0.25, retry=status == 200 and stats.requests > 0)
    bar.finish(stats)
    bar.close()
    assert bar.label.value == (
        "100 items in 2 pages, 2.0 s · 3 requests · 1 × 429 · 1.5 req/s (paced at 10.0/s now)"
        " · mean latency 0.25 s"
    )


def test_text_bar_outside_a_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside a Jupyter kernel the bar is tqdm text; without tqdm there is none."""
    assert isinstance(progress_bar(), TextProgress)
    monkeypatch.setitem(sys.modules, "tqdm", None)  # as if the terminal extra were missing
    assert progress_bar() is None


def test_widget_follows_a_real_fetch() -> None:
    """Driven by a real --all fetch from the sandbox, the bar counts every item and page."""
    shown: list[Any] = []
    bar = WidgetProgress(display=shown.append)
    progress: Progress = bar  # type-checked: WidgetProgress satisfies the protocol
    with Sandbox(seed=2) as sb:
        try:
            conn = jm.connect("pw", url=sb.url, username=sb.username, password=sb.password)
            req = JamaRequest.build(
                "GET", "/items", query={"project": 20}, all_pages=True, limit=60
            )
            resp = jm.client_for(conn).send(req, progress=progress)
        finally:
            registry.remove("pw")
    assert shown == [bar.box]
    assert bar.state.items == len(resp.data) == 60
    assert bar.state.pages == resp.pages
    assert bar.bar.bar_style == "success"


def test_text_bar_follows_a_real_fetch(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tqdm bar counts every item of a real --all fetch and is erased at the end."""
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    bar = TextProgress()
    with Sandbox(seed=2) as sb:
        try:
            conn = jm.connect("tp", url=sb.url, username=sb.username, password=sb.password)
            req = JamaRequest.build("GET", "/items", query={"project": 20}, all_pages=True)
            resp = jm.client_for(conn).send(req, progress=bar)
        finally:
            registry.remove("tp")
    assert bar.state.items == len(resp.data) and bar.state.pages == resp.pages
    assert bar.bar is None  # closed
    text = err.getvalue()
    # tqdm redraws at most every 0.1 s: the first draw (with the total) is certain
    assert "Fetching" in text and f"0/{len(resp.data)}" in text and " pages" in text
