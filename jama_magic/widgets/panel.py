"""The point-and-click front door: an ipywidgets form that builds and sends one request.

``jama_magic.panel()`` or ``%jama panel`` shows it. It is a thin adapter: the
form becomes the same ``JamaRequest`` the magic builds, the shared client of
the chosen connection sends it, and the result is rendered into tabs. Every
control is an attribute, so the panel can be driven from Python::

    p = JamaPanel()
    p.method.value, p.url.value = "GET", "/projects"
    resp = p.send()          # waits; the Send button does the same in a thread
"""

from __future__ import annotations

import threading
from collections.abc import MutableMapping
from typing import Any

import ipywidgets as w

from ..catalog import endpoint_paths
from ..client import client_for
from ..errors import JamaError, JamaUsageError, error_for_status
from ..request import METHODS, NO_BODY, JamaRequest
from ..response import JamaResponse
from ..state import session
from .cell import parse_body_text, to_cell
from .editors import PairsEditor
from .view import (
    PANEL_CSS,
    PanelProgress,
    body_html,
    error_html,
    headers_html,
    note_html,
    status_html,
    table_html,
)

__all__ = ["JamaPanel"]

TAB_TITLES = ("Table", "Body", "Headers", "%%jama cell")
_LABEL = {"description_width": "90px"}


class JamaPanel:
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
        self.rows = rows
        self._namespace = namespace if namespace is not None else _user_namespace()
        self._thread: threading.Thread | None = None
        self._shown_at: int | None = None
        self._build_controls(method=method, url=url)
        self._build_results()
        self.widget = self._layout()
        self.widget.add_class("jama-panel")
        self._add_classes()
        self._wire()
        self.refresh_connections(prefer=connection)
        self._method_changed()

    # building the form
    def _build_controls(self, *, method: str, url: str) -> None:
        self.connection = w.Dropdown(description="Connection", style=_LABEL)
        self.connection.layout = w.Layout(width="320px")
        self.method = w.Dropdown(options=METHODS, value=method.upper(), description="Request")
        self.method.style, self.method.layout = _LABEL, w.Layout(width="190px")
        self.url = w.Combobox(
            value=url,
            options=endpoint_paths(),
            placeholder="/projects  (relative URL; replace {id} with a value)",
            ensure_option=False,
            layout=w.Layout(flex="1 1 auto", width="auto"),
        )
        self.send_button = w.Button(description="Send", button_style="primary", icon="paper-plane")
        self.send_button.layout = w.Layout(width="100px")
        self.all_pages = w.Checkbox(description="all pages", indent=False)
        self.all_pages.layout = w.Layout(width="120px", margin="2px 0 0 24px")
        self.query = PairsEditor(
            title="Query parameters", key_hint="name", value_hint="value", name="query"
        )
        self.headers = PairsEditor(
            title="Headers", key_hint="Name", value_hint="value", name="headers"
        )
        self.body = w.Textarea(placeholder='JSON body, e.g. {"project": 20}', rows=5)
        self.body.layout = w.Layout(width="100%")
        self.body_error = w.HTML("")

    def _build_results(self) -> None:
        self.progress = PanelProgress()
        self.css = w.HTML(PANEL_CSS, layout=w.Layout(display="none"))
        self.status = w.HTML(note_html("no request sent yet"))
        self.error_box = w.HTML("")
        self.table = w.HTML("")
        self.body_view = w.HTML("")
        self.headers_view = w.HTML("")
        self.cell_text = w.Textarea(rows=6, layout=w.Layout(width="100%"))
        self.tabs = w.Tab(children=[self.table, self.body_view, self.headers_view, self.cell_text])
        self.tabs.titles = TAB_TITLES

    def _layout(self) -> w.VBox:
        top = w.HBox([self.connection, self.all_pages])
        line = w.HBox([self.method, self.url, self.send_button])
        editors = w.HBox([self.query.widget, self.headers.widget])
        body = w.VBox([w.HTML("<b>Body</b> (JSON)"), self.body, self.body_error])
        results = [self.progress.widget, self.status, self.error_box, self.tabs, self.css]
        box = w.VBox([top, line, editors, body, *results])
        box.layout = w.Layout(width="100%", max_width="980px", padding="4px")
        return box

    def _add_classes(self) -> None:
        # stable hooks for browser tests and user CSS
        names = ("connection", "method", "url", "send_button", "all_pages", "body", "body_error")
        for name in names:
            getattr(self, name).add_class("jama-" + name.replace("_", "-"))
        self.status.add_class("jama-status-line")
        self.error_box.add_class("jama-error-box")
        self.tabs.add_class("jama-tabs")
        self.cell_text.add_class("jama-cell")
        self.progress.widget.add_class("jama-progress")

    def _wire(self) -> None:
        self.send_button.on_click(lambda _: self.send(wait=False))
        self.method.observe(lambda _: self._method_changed(), names="value")
        self.body.observe(lambda _: self._body_changed(), names="value")
        for control in (self.connection, self.url, self.all_pages):
            control.observe(lambda _: self._update_cell(), names="value")
        self.query.on_change(self._update_cell)
        self.headers.on_change(self._update_cell)
        session.registry.on_change(self._registry_changed)

    # reacting to edits
    def refresh_connections(self, *, prefer: str | None = None) -> None:
        """Reload the nicknames; keep the selection if it still exists, else the default."""
        names = session.registry.names()
        keep = prefer or self.connection.value
        self.connection.options = names
        self.connection.value = keep if keep in names else session.registry.default_name
        self._update_cell()

    def _registry_changed(self) -> None:
        # called from whatever code changed the registry: show a problem (say, a broken
        # connections file) here instead of raising into that code
        try:
            self.refresh_connections()
        except JamaError as exc:
            self._show_error(exc)

    def _method_changed(self) -> None:
        self.body.disabled = self.method.value == "GET"
        self._body_changed()

    def _body_changed(self) -> None:
        self.body_error.value = ""
        if not self.body.disabled:
            try:
                parse_body_text(self.body.value)
            except JamaUsageError as exc:
                self.body_error.value = error_html(exc)
        self._update_cell()

    def _update_cell(self) -> None:
        try:
            self.cell_text.value = to_cell(self.build_request(), connection=self.connection.value)
        except JamaError as exc:
            self.cell_text.value = f"# not a valid request yet: {exc}"

    # sending
    def build_request(self) -> JamaRequest:
        """The request the form describes (``JamaUsageError`` when it is not valid)."""
        url = self.url.value.strip()
        if "{" in url.split("?", 1)[0]:
            raise JamaUsageError(f"replace the placeholder in {url!r} with a value, e.g. /items/42")
        body = NO_BODY if self.body.disabled else parse_body_text(self.body.value)
        return JamaRequest.build(
            self.method.value,
            url,
            query=self.query.pairs,
            headers=self.headers.pairs,
            body=body,
            all_pages=self.all_pages.value,
        )

    @property
    def busy(self) -> bool:
        """True while a request is in flight."""
        return self._thread is not None and self._thread.is_alive()

    def send(self, *, wait: bool = True) -> JamaResponse | None:
        """Send the form's request; with ``wait`` return the response (None on error).

        The Send button uses ``wait=False``: the request runs in a thread so the
        notebook stays responsive. Errors are shown in the panel and kept on ``.error``.
        """
        if self.busy:
            self._show_error(JamaUsageError("a request is already in flight: wait for it"))
            return None
        self._begin()
        try:
            req = self.build_request()
            client = client_for(self.connection.value)
        except Exception as exc:  # shown, never swallowed: click handlers hide exceptions
            self._finish(error=exc)
            return None
        self._thread = threading.Thread(target=self._run, args=(client, req), daemon=True)
        self._thread.start()
        if wait:
            self._thread.join()
            return self.response if self.error is None else None
        return None

    def _begin(self) -> None:
        self.send_button.disabled = True
        self.send_button.description = "Sending…"
        self.error = None
        self.error_box.value = ""
        self.progress.reset()

    def _run(self, client: Any, req: JamaRequest) -> None:
        try:
            resp = client.send(req, raise_for_status=False, progress=self.progress)
            self._show_response(resp)
        except Exception as exc:  # shown in the panel, kept on .error
            self._finish(error=exc)
        else:
            self._finish()

    def _finish(self, *, error: BaseException | None = None) -> None:
        if error is not None:
            self._show_error(error)
        self.send_button.description = "Send"
        self.send_button.disabled = False

    def _show_error(self, exc: BaseException) -> None:
        self.error = exc
        self.error_box.value = error_html(exc)

    def _show_response(self, resp: JamaResponse) -> None:
        self.response = resp
        if self._namespace is not None and self.response_name:
            self._namespace[self.response_name] = resp
        self.status.value = status_html(resp)
        if not resp.ok:
            self.error_box.value = error_html(error_for_status(resp))
        self.body_view.value = body_html(resp)
        self.headers_view.value = headers_html(resp)
        self.table.value = table_html(resp, rows=self.rows)

    # showing and closing
    def show(self) -> JamaPanel:
        """Display the panel in the notebook and return it."""
        from IPython.display import display

        display(self.widget)  # type: ignore[no-untyped-call]
        self._shown_at = _execution_count()
        return self

    def _ipython_display_(self) -> None:
        # `jm.panel()` as a cell's last line: show() already displayed it in this cell
        if self._shown_at is None or self._shown_at != _execution_count():
            self.show()

    def close(self) -> None:
        """Stop following connection changes and close the widgets."""
        session.registry.off_change(self._registry_changed)
        self.widget.close()

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
