"""How the panel shows things: the status line, errors, notes, the Body and Headers tabs, progress.

The result tabs are HTML strings rather than ``Output`` widgets because they
are filled from a background thread, where ``with output:`` capture does not
work; plain strings are also easy to assert on in tests. Colours come from
CSS classes (``jama-ok``, ``jama-error``, ``jama-warn``, ``jama-note``) styled
with the theme's variables in :mod:`jama_magic.widgets.style`.
"""

from __future__ import annotations

import html
import threading
from typing import TYPE_CHECKING

import ipywidgets as w

from ..display import body_text, hint_for, summary_line
from ..errors import JamaError, NotFoundError

if TYPE_CHECKING:
    from ..response import JamaResponse

__all__ = [
    "PanelProgress",
    "body_html",
    "error_html",
    "headers_html",
    "note_html",
    "status_html",
]

BODY_LIMIT = 200_000
# the magics' 404 hint points to `%jama GET /`; in the panel the URL box is the catalogue
_PANEL_HINTS: dict[type[BaseException], str] = {
    NotFoundError: "check the id and the path; the URL box suggests Jama's endpoints",
}


def status_html(resp: JamaResponse) -> str:
    """The status line: status, reason, method, URL, time, size, items/pages, warnings."""
    kind = "jama-ok" if resp.ok else "jama-error"
    line = f'<span class="jama-status {kind}">{html.escape(summary_line(resp))}</span>'
    notes = [f'<div class="jama-warn">⚠ {html.escape(w)}</div>' for w in resp.warnings]
    return line + "".join(notes)


def error_html(exc: BaseException, *, prefix: str = "") -> str:
    """An error as one red line: what was wrong, then a hint on how to fix it."""
    text = _one_line(exc) if isinstance(exc, JamaError) else f"{type(exc).__name__}: {exc}"
    return f'<div class="jama-error">✖ {html.escape(prefix + text)}</div>'


def _one_line(exc: JamaError) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    hint = next((h for cls, h in _PANEL_HINTS.items() if isinstance(exc, cls)), None)
    hint = hint or hint_for(exc)
    return f"{text}. Hint: {hint}" if hint else text


def note_html(text: str) -> str:
    """A quiet note (what is happening, why a tab is empty)."""
    return f'<div class="jama-note">{html.escape(text)}</div>'


def body_html(resp: JamaResponse) -> str:
    """The body as pretty JSON (or text), escaped and cut at ``BODY_LIMIT`` characters."""
    text = body_text(resp.body) if resp.body is not None else "(no body)"
    if len(text) > BODY_LIMIT:
        text = text[:BODY_LIMIT] + f"\n… {len(text) - BODY_LIMIT} more characters: use .body"
    return f'<div class="jama-scroll"><pre class="jama-body">{html.escape(text)}</pre></div>'


def headers_html(resp: JamaResponse) -> str:
    """The response headers as a two-column table (of the first page when there were several)."""
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
        for k, v in resp.headers.items()
    )
    note = ""
    if resp.pages > 1:
        note = note_html(f"the headers of the first of {resp.pages} pages")
    return f'{note}<div class="jama-scroll"><table class="jama-headers">{rows}</table></div>'


class PanelProgress:
    """The ``paging.Progress`` of the panel: a bar and a label.

    Called from the I/O thread; trait assignments are sent to the front end
    by ipykernel's thread-safe IOPub, the lock keeps the counts consistent.
    """

    def __init__(self) -> None:
        self.bar = w.IntProgress(min=0, max=1, value=0, layout=w.Layout(width="200px"))
        self.label = w.Label("", layout=w.Layout(width="auto"))
        self.widget = w.HBox([self.bar, self.label], layout=w.Layout(display="none"))
        self.widget.add_class("jama-wrap")
        self._lock = threading.Lock()
        self._items = self._pages = 0
        self._total_items: int | None = None
        self._total_pages: int | None = None
        self._why = ""  # set by stop(): the label keeps saying it

    def reset(self) -> None:
        with self._lock:
            self._items = self._pages = 0
            self._total_items = self._total_pages = None
            self._why = ""
        self.bar.value, self.label.value = 0, ""
        self.widget.layout.display = "none"

    def start(self, *, total_items: int | None, total_pages: int | None) -> None:
        with self._lock:
            self._total_items, self._total_pages = total_items, total_pages
            self.bar.max = max(1, total_items or 1)
        self.widget.layout.display = "flex"
        self._show()

    def advance(self, *, items: int, pages: int) -> None:
        with self._lock:
            if self._why:  # pages finishing after Cancel must not move the bar
                return
            self._items += items
            self._pages += pages
        self._show()

    def close(self) -> None:
        self._show()

    def stop(self, why: str) -> None:
        """Freeze the bar where it is and say why (Cancel)."""
        with self._lock:
            self._why = why
        self._show()

    @property
    def pages(self) -> int:
        """Pages read so far."""
        return self._pages

    def _show(self) -> None:
        with self._lock:
            items, pages = self._items, self._pages
            of_items = f" of {self._total_items}" if self._total_items is not None else ""
            of_pages = f" of {self._total_pages}" if self._total_pages is not None else ""
            suffix = f" · {self._why}" if self._why else ""
        self.bar.value = min(items, self.bar.max)
        self.label.value = f"{items}{of_items} items · {pages}{of_pages} pages{suffix}"
