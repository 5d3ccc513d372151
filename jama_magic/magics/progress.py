"""The progress bar of multi-page fetches (``--all``), in notebooks and terminals.

``WidgetProgress`` implements ``paging.Progress`` with ipywidgets: a bar plus a
line such as ``120 / 500 items · 3 / 10 pages · 40.0 items/s · ETA 9 s``.
``TextProgress`` does the same with a tqdm text bar (the ``terminal`` extra).
``ProgressState`` is the pure part (counts, rate, ETA) and is testable with a fake clock.
``progress_bar()`` picks one: the widget inside a Jupyter kernel, the text bar
elsewhere when tqdm is installed, else ``None`` (no bar, no error). A fetch of
one page shows neither.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..stats import FetchStats

__all__ = ["ProgressState", "TextProgress", "WidgetProgress", "in_notebook", "progress_bar"]

Clock = Callable[[], float]


@dataclass
class ProgressState:
    """Counts of a fetch in progress, with rate and ETA (mutable on purpose: it advances)."""

    total_items: int | None = None
    total_pages: int | None = None
    items: int = 0
    pages: int = 0
    clock: Clock = field(default=time.monotonic, repr=False)
    started: float = 0.0

    def start(self, *, total_items: int | None, total_pages: int | None) -> None:
        self.total_items, self.total_pages = total_items, total_pages
        self.started = self.clock()

    def advance(self, *, items: int, pages: int) -> None:
        self.items += items
        self.pages += pages

    def elapsed(self) -> float:
        return max(self.clock() - self.started, 0.0)

    def rate(self) -> float | None:
        """Items per second so far (None before the first item)."""
        elapsed = self.elapsed()
        return self.items / elapsed if self.items and elapsed > 0 else None

    def eta(self) -> float | None:
        """Seconds left at the current rate (None when unknown)."""
        rate = self.rate()
        if rate is None or self.total_items is None:
            return None
        return max(self.total_items - self.items, 0) / rate

    def fraction(self) -> float:
        """Share done, by items when known, else by pages."""
        for done, total in ((self.items, self.total_items), (self.pages, self.total_pages)):
            if total:
                return min(done / total, 1.0)
        return 0.0

    def describe(self) -> str:
        parts = [
            _count(self.items, self.total_items, "items"),
            _count(self.pages, self.total_pages, "pages"),
        ]
        rate, eta = self.rate(), self.eta()
        if rate is not None:
            parts.append(f"{rate:.1f} items/s")
        if eta is not None:
            parts.append(f"ETA {eta:.0f} s")
        return " · ".join(parts)


def _count(done: int, total: int | None, unit: str) -> str:
    return f"{done} / {total} {unit}" if total is not None else f"{done} {unit}"


class WidgetProgress:
    """``paging.Progress`` as an ipywidgets bar with a status line."""

    def __init__(
        self,
        *,
        display: Callable[[Any], Any] | None = None,
        clock: Clock = time.monotonic,
        description: str = "Fetching",
    ) -> None:
        import ipywidgets as widgets

        self.state = ProgressState(clock=clock)
        self.bar = widgets.FloatProgress(value=0.0, min=0.0, max=1.0, description=description)
        self.label = widgets.Label(value="")
        self.box = widgets.HBox([self.bar, self.label])
        self.stats_line = ""
        self._display = display or _ipython_display

    def start(self, *, total_items: int | None, total_pages: int | None) -> None:
        self.state.start(total_items=total_items, total_pages=total_pages)
        self._refresh()
        if total_pages != 1:  # one page is over before a bar would help
            self._display(self.box)

    def advance(self, *, items: int, pages: int) -> None:
        self.state.advance(items=items, pages=pages)
        self._refresh()

    def finish(self, stats: FetchStats) -> None:
        """The fetch's counts (requests, 429s, rate, latency) for the last line."""
        self.stats_line = stats.summary()

    def close(self) -> None:
        self.bar.value = 1.0
        self.bar.bar_style = "success"
        self.bar.description = "Done"
        s = self.state
        done = f"{s.items} items in {s.pages} pages, {s.elapsed():.1f} s"
        self.label.value = " · ".join(filter(None, [done, self.stats_line]))
        # the response's summary says the same: a finished bar would only linger in the
        # saved notebook as a stale widget
        self.box.close()

    def _refresh(self) -> None:
        self.bar.value = self.state.fraction()
        self.label.value = self.state.describe()


def _ipython_display(widget: Any) -> None:
    from IPython.display import display

    display(widget)  # type: ignore[no-untyped-call]


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where widgets can render)."""
    try:
        from IPython.core.getipython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()  # type: ignore[no-untyped-call]
    return shell is not None and getattr(shell, "kernel", None) is not None


class TextProgress:
    """``paging.Progress`` as a tqdm text bar on stderr, erased when the fetch ends."""

    def __init__(self, description: str = "Fetching") -> None:
        from tqdm import tqdm  # ImportError without the `terminal` extra

        self._tqdm = tqdm
        self.description = description
        self.state = ProgressState()
        self.bar: Any = None

    def start(self, *, total_items: int | None, total_pages: int | None) -> None:
        self.state.start(total_items=total_items, total_pages=total_pages)
        if total_pages != 1:  # one page is over before a bar would help
            self.bar = self._tqdm(
                total=total_items, unit="items", desc=self.description, leave=False
            )

    def advance(self, *, items: int, pages: int) -> None:
        self.state.advance(items=items, pages=pages)
        if self.bar is not None:
            self.bar.set_postfix_str(_count(self.state.pages, self.state.total_pages, "pages"))
            self.bar.update(items)

    def close(self) -> None:
        # the response's summary says the same: the finished bar is erased (leave=False)
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def progress_bar(description: str = "Fetching") -> WidgetProgress | TextProgress | None:
    """The bar of this front end: a widget in Jupyter, tqdm text elsewhere, or None.

    ``description`` labels the bar with what it counts ("Writing", "Reading items").
    """
    try:
        if in_notebook():
            return WidgetProgress(description=description)
        return TextProgress(description)
    except ImportError:  # ipywidgets or tqdm missing: fetch without a bar
        return None
