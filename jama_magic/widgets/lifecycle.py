"""Freeing a panel's widgets: when it is closed, and when the cell that showed it runs again.

ipywidgets keeps every widget (and its comm) alive until ``close()``, and closing
a box does not close its children, layout or style. The widgets' callbacks
refer back to the panel, so a panel is only collectable once *all* of its
widgets are closed: ``close_tree`` does that.

Re-running a cell replaces its output, so a panel shown only in that cell can
no longer be seen. ``OutputTracker`` notes the cell (IPython's ``cell_id``, sent
by JupyterLab, Notebook 7 and VS Code) a panel is shown in, and closes the panel
when that cell has run again without showing it. A panel shown where the cell
is unknown is never closed for the user.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

import ipywidgets as w

__all__ = ["OutputTracker", "close_tree", "tracker"]


def close_tree(root: w.Widget) -> None:
    """Close ``root`` and every widget it holds (children, layout, style, ...)."""
    for widget in list(_tree(root)):
        widget.close()


def _tree(root: w.Widget) -> Iterator[w.Widget]:
    seen: set[int] = set()
    todo = [root]
    while todo:
        widget = todo.pop()
        if id(widget) in seen:
            continue
        seen.add(id(widget))
        yield widget
        todo.extend(_held(getattr(widget, name, None) for name in widget.keys))


def _held(values: Iterable[Any]) -> Iterator[w.Widget]:
    for value in values:
        if isinstance(value, w.Widget):
            yield value
        elif isinstance(value, (tuple, list)):
            yield from _held(value)
        elif isinstance(value, dict):
            yield from _held(value.values())


class Closable(Protocol):
    def close(self) -> None: ...


class OutputTracker:
    """Which cells show which panels; closes the panels whose every output was replaced."""

    def __init__(self) -> None:
        self._cells: dict[str, weakref.WeakSet[Any]] = {}
        self._unknown: weakref.WeakSet[Any] = weakref.WeakSet()  # shown where we cannot tell
        self._rerun: weakref.WeakSet[Any] = weakref.WeakSet()  # their cell is running again

    def shown(self, panel: Closable, shell: Any) -> None:
        """``panel`` was displayed in the cell now running in ``shell``."""
        cell = _cell_id(shell)
        if cell is None:
            self._unknown.add(panel)
            return
        self._hook(shell)
        self._cells.setdefault(cell, weakref.WeakSet()).add(panel)
        self._rerun.discard(panel)

    def forget(self, panel: Closable) -> None:
        """Stop tracking ``panel`` (it was closed)."""
        for panels in (*self._cells.values(), self._unknown, self._rerun):
            panels.discard(panel)

    def _hook(self, shell: Any) -> None:
        events = shell.events
        if self._before not in events.callbacks["pre_run_cell"]:
            events.register("pre_run_cell", self._before)
            events.register("post_run_cell", self._after)

    def _before(self, info: Any) -> None:
        # the front end has cleared this cell's output; the panels may be shown again by it
        shown = self._cells.pop(getattr(info, "cell_id", None) or "", None)
        self._rerun.update(shown or ())

    def _after(self, _result: Any) -> None:
        gone = [panel for panel in self._rerun if not self._visible(panel)]
        self._rerun = weakref.WeakSet()
        for panel in gone:
            panel.close()

    def _visible(self, panel: Any) -> bool:
        return panel in self._unknown or any(panel in cell for cell in self._cells.values())


def _cell_id(shell: Any) -> str | None:
    """The id of the cell running now (None outside a cell or when the front end sends none)."""
    result = getattr(getattr(shell, "displayhook", None), "exec_result", None)
    cell = getattr(getattr(result, "info", None), "cell_id", None)
    return cell if isinstance(cell, str) and cell else None


tracker = OutputTracker()
