"""Progress of an apply, shown with the same bar as ``--all`` (``paging.Progress``).

Called on the I/O thread; a display that fails is switched off, the writes go on.
"""

from __future__ import annotations

import contextlib
from typing import Any

__all__ = ["WriteProgress", "write_progress"]


class WriteProgress:
    """Counts writes into a ``paging.Progress`` (one "item" and one "page" per PATCH)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def start(self, total: int) -> None:
        self._call("start", total_items=total, total_pages=total)

    def advance(self) -> None:
        self._call("advance", items=1, pages=1)

    def close(self) -> None:
        self._call("close")

    def _call(self, name: str, **kwargs: Any) -> None:
        if self._inner is None:
            return
        try:
            getattr(self._inner, name)(**kwargs)
        except Exception:
            self._inner = None


def write_progress(progress: Any, description: str = "Writing") -> WriteProgress:
    """``True``: the front end's bar labelled ``description``; a ``Progress``: that; else none."""
    if progress is True:
        progress = _front_end_bar(description)
    return WriteProgress(progress or None)


def _front_end_bar(description: str) -> Any:
    """A widget in Jupyter, a tqdm bar in a terminal (with the ``terminal`` extra), else None."""
    with contextlib.suppress(ImportError):
        from ..magics.progress import progress_bar

        return progress_bar(description)
    return None
