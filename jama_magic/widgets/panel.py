"""The point-and-click front door: an ipywidgets form that builds and sends one request.

``jama_magic.panel()`` or ``%jama panel`` shows it. It is a thin adapter: the
form becomes the same ``JamaRequest`` the magic builds, the shared client of
the chosen connection sends it, and the result is rendered into tabs. Every
control is an attribute, so the panel can be driven from Python::

    p = JamaPanel()
    p.method.value, p.url.value = "GET", "/projects"
    resp = p.send()          # waits; the Send button (and Enter) do the same in a thread
    p.cancel()               # what the Cancel button does while a request runs
"""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import MutableMapping
from typing import Any

import ipywidgets as w

from ..client import client_for
from ..errors import BodyError, JamaError, JamaUsageError, error_for_status
from ..request import JamaRequest
from ..response import JamaResponse
from ..state import session
from .editors import on_enter
from .form import RequestForm
from .lifecycle import close_tree, tracker
from .style import PANEL_CSS
from .table import TableView
from .view import PanelProgress, body_html, error_html, headers_html, note_html, status_html

__all__ = ["JamaPanel"]

TAB_TITLES = ("Table", "Body", "Headers", "%jama cell")
TABLE, BODY = 0, 1


class JamaPanel(RequestForm):
    """The request panel; ``.response`` holds the last response."""

    def __init__(
        self,
        *,
        connection: str | None = None,
        method: str = "GET",
        url: str = "",
        response_name: str | None = "jama_response",
        namespace: MutableMapping[str, Any] | None = None,
        rows: int = 50,
    ) -> None:
        self.response: JamaResponse | None = None
        self.error: BaseException | None = None
        self.response_name = response_name
        self._namespace = namespace if namespace is not None else _user_namespace()
        self._thread: threading.Thread | None = None
        self._future: concurrent.futures.Future[JamaResponse] | None = None
        self._shown_at: int | None = None
        self.closed = False
        super().__init__(method=method, url=url)
        self._build_results(rows)
        self.widget = self._layout()
        self.widget.add_class("jama-panel")
        self._add_classes()
        self._wire()
        self.refresh_connections(prefer=connection)
        self._method_changed()

    @property
    def rows(self) -> int:
        """Rows per page of the Table tab."""
        return self.table_view.rows

    # building the results
    def _build_results(self, rows: int) -> None:
        self.progress = PanelProgress()
        self.css = w.HTML(PANEL_CSS, layout=w.Layout(display="none"))
        self.status = w.HTML(note_html("no request sent yet"))
        self.error_box = w.HTML("")
        self.table_view = TableView(rows=rows, notify=self._note)
        self.table = self.table_view.html
        self.body_view = w.HTML("", layout=w.Layout(width="auto"))
        self.headers_view = w.HTML("", layout=w.Layout(width="auto"))
        children = [self.table_view.widget, self.body_view, self.headers_view, self.cell_text]
        self.tabs = w.Tab(children=children, layout=w.Layout(width="auto"))
        self.tabs.titles = TAB_TITLES

    def _layout(self) -> w.VBox:
        results = [self.progress.widget, self.status, self.error_box, self.tabs, self.css]
        return w.VBox([*self.form_rows(), *results], layout=w.Layout(width="100%", padding="4px"))

    def _add_classes(self) -> None:
        # stable hooks for browser tests and user CSS
        names = ("connection", "method", "url", "send_button", "cancel_button", "all_pages")
        for name in (*names, "body", "body_error"):
            getattr(self, name).add_class("jama-" + name.replace("_", "-"))
        self.status.add_class("jama-status-line")
        self.error_box.add_class("jama-error-box")
        self.tabs.add_class("jama-tabs")
        self.cell_text.add_class("jama-cell")
        self.progress.widget.add_class("jama-progress")

    def _wire(self) -> None:
        self.send_button.on_click(lambda _: self.send(wait=False))
        self.cancel_button.on_click(lambda _: self.cancel())
        on_enter(self.url, self._send_soon)
        for editor in (self.query, self.headers, self.path_vars):
            editor.on_enter(self._send_soon)
        session.registry.on_change(self._registry_changed)

    # reacting to edits
    def _registry_changed(self) -> None:
        # called from whatever code changed the registry: show a problem (say, a broken
        # connections file) here instead of raising into that code
        try:
            self.refresh_connections()
        except JamaError as exc:
            self._show_error(exc)

    # sending
    @property
    def busy(self) -> bool:
        """True while a request is in flight."""
        return self._thread is not None and self._thread.is_alive()

    def send(self, *, wait: bool = True) -> JamaResponse | None:
        """Send the form's request; with ``wait`` return the response (None on error).

        The Send button and Enter use ``wait=False``: the request runs on the I/O
        thread and a helper thread renders the result, so the notebook stays
        responsive and Cancel can stop it. Errors show in the panel and stay on ``.error``.
        """
        if self.busy:
            self._show_error(JamaUsageError("a request is already in flight: wait or Cancel it"))
            return None
        self.progress.reset()
        try:
            req = self.build_request()
            future = client_for(self.connection.value).submit(req, progress=self.progress)
        except Exception as exc:  # shown, never swallowed: click handlers hide exceptions
            self._refuse(exc)
            return None
        self._begin(req, future)
        self._thread = threading.Thread(target=self._wait, args=(future,), daemon=True)
        self._thread.start()
        if wait:
            self._thread.join()
            return self.response if self.error is None else None
        return None

    def _send_soon(self) -> None:
        # Enter in a box: like the Send button (a second Enter while busy is refused)
        self.send(wait=False)

    def cancel(self) -> bool:
        """Stop the request in flight (pages not yet read are not fetched); False if none."""
        future = self._future
        if future is None or future.done():
            return False
        self.progress.stop("cancelled")
        future.cancel()
        return True

    def _begin(self, req: JamaRequest, future: concurrent.futures.Future[JamaResponse]) -> None:
        self._future, self.error = future, None
        self.send_button.disabled, self.send_button.description = True, "Sending…"
        self.cancel_button.layout.display = "flex"
        self.error_box.value = ""
        self.status.value = note_html(f"sending {req.method} {req.url} …")
        self.table_view.clear()
        self.body_view.value = self.headers_view.value = ""

    def _wait(self, future: concurrent.futures.Future[JamaResponse]) -> None:
        try:
            resp = future.result()
            self.cancel_button.layout.display = "none"  # nothing left to cancel
            count = f" ({resp.item_count} items)" if resp.item_count else ""
            self._note(f"{resp.status_code} received{count}: looking up names for the table…")
            self._show_response(resp)
        except concurrent.futures.CancelledError:
            self._stopped()
        except Exception as exc:  # shown in the panel, kept on .error
            self._show_error(exc)
            self._note("no response: see the error below")
        finally:
            self._idle()

    def _refuse(self, exc: BaseException) -> None:
        # nothing was sent: the previous result no longer describes the form
        self.error = exc
        self._note("not sent: fix the form and Send again")
        if isinstance(exc, BodyError) and self.body_error.value:
            self.error_box.value = error_html(JamaUsageError("the JSON body has an error (above)"))
        else:
            self.error_box.value = error_html(exc)

    def _stopped(self) -> None:
        pages = self.progress.pages
        self.error = concurrent.futures.CancelledError()
        read = f" after {pages} page{'s' if pages != 1 else ''}" if pages else ""
        self._note(f"cancelled{read}: nothing was kept; Send again to start over")

    def _idle(self) -> None:
        self._future = None
        self.cancel_button.layout.display = "none"
        self.send_button.description, self.send_button.disabled = "Send", False

    def _note(self, text: str) -> None:
        self.status.value = note_html(text) if text else ""

    def _show_error(self, exc: BaseException) -> None:
        self.error = exc
        self.error_box.value = error_html(exc)

    def _show_response(self, resp: JamaResponse) -> None:
        self.response = resp
        if self._namespace is not None and self.response_name:
            self._namespace[self.response_name] = resp
        self.body_view.value = body_html(resp)
        self.headers_view.value = headers_html(resp)
        self.table_view.show(resp)
        self.tabs.selected_index = TABLE if resp.ok and resp.item_count is not None else BODY
        self.error_box.value = "" if resp.ok else error_html(error_for_status(resp))
        self.status.value = status_html(resp)

    # showing and closing
    def show(self) -> JamaPanel:
        """Display the panel in the notebook and return it; ``%jama`` is loaded for its cells."""
        from IPython.display import display

        if self.closed:
            raise JamaUsageError("this panel was closed: run %jama panel (or jm.panel()) again")
        shell = _shell()
        if shell is not None:  # the copied %jama cell must run, also after jm.panel()
            shell.extension_manager.load_extension("jama_magic")
            tracker.shown(self, shell)  # closed once this cell's output is replaced
        display(self.widget)  # type: ignore[no-untyped-call]
        self._shown_at = _execution_count()
        return self

    def _ipython_display_(self) -> None:
        # `jm.panel()` as a cell's last line: show() already displayed it in this cell
        if self._shown_at is None or self._shown_at != _execution_count():
            self.show()

    def close(self) -> None:
        """Stop following connection changes, cancel what is in flight, close every widget.

        Also done for you when the cell that showed the panel runs again (its output
        is gone). ``.response`` and ``.error`` stay readable.
        """
        if self.closed:
            return
        self.closed = True
        self.cancel()
        session.registry.off_change(self._registry_changed)
        tracker.forget(self)
        close_tree(self.widget)

    def __repr__(self) -> str:
        last = self.response.summary() if self.response is not None else "no response yet"
        return f"<JamaPanel {self.connection.value or '(no connection)'}: {last}>"


def _shell() -> Any:
    """The running IPython shell, or None outside IPython."""
    try:
        from IPython.core.getipython import get_ipython
    except ImportError:
        return None
    return get_ipython()  # type: ignore[no-untyped-call]


def _user_namespace() -> MutableMapping[str, Any] | None:
    shell = _shell()
    return shell.user_ns if shell is not None else None


def _execution_count() -> int | None:
    shell = _shell()
    return shell.execution_count if shell is not None else None
