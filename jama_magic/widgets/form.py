"""The request half of the panel: the controls, how they follow each other, and the request.

``RequestForm`` builds the connection, method, URL, path-variable, query,
header and body controls, keeps them consistent (GET and DELETE take no body,
only GET pages, suggestions follow the method and URL), shows the request as
a ``%jama`` cell, and turns the form into a ``JamaRequest``. ``JamaPanel``
adds sending and the results.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..catalog import load_catalog, query_params
from ..errors import JamaError, JamaUsageError
from ..request import METHODS, NO_BODY, JamaRequest
from ..state import session
from .cell import parse_body_text, to_cell
from .editors import PairsEditor, PathVariables
from .view import error_html

__all__ = ["NO_BODY_METHODS", "RequestForm"]

NO_BODY_METHODS = ("GET", "DELETE")
_LABEL = {"description_width": "80px"}


class RequestForm:
    """The form's controls (public attributes) and the request they describe."""

    def __init__(self, *, method: str, url: str) -> None:
        self._stashed_body = ""  # the body typed for POST, kept while GET/DELETE clear the box
        self._build_controls(method=method, url=url)
        self.method.observe(lambda _: self._method_changed(), names="value")
        self.url.observe(lambda _: self._url_changed(), names="value")
        self.body.observe(lambda _: self._body_changed(), names="value")
        for control in (self.connection, self.all_pages):
            control.observe(lambda _: self._update_cell(), names="value")
        for editor in (self.query, self.headers, self.path_vars):
            editor.on_change(self._update_cell)

    def _build_controls(self, *, method: str, url: str) -> None:
        self.connection = w.Dropdown(
            description="Connection", style=_LABEL, layout=w.Layout(width="300px")
        )
        self.all_pages = w.Checkbox(
            description="all pages",
            indent=False,
            layout=w.Layout(width="auto", margin="2px 0 0 16px"),
        )
        self.method = w.Dropdown(
            options=METHODS, value=method.upper(), layout=w.Layout(width="96px", flex="0 0 96px")
        )
        self.url = w.Combobox(
            value=url,
            placeholder="/projects  (relative URL; Enter sends)",
            ensure_option=False,
            layout=w.Layout(flex="1 1 240px", width="auto"),
        )
        self.send_button = w.Button(
            description="Send",
            button_style="primary",
            icon="paper-plane",
            layout=w.Layout(width="104px", flex="0 0 auto"),
        )
        self.cancel_button = w.Button(
            description="Cancel",
            icon="stop",
            button_style="warning",
            layout=w.Layout(width="96px", flex="0 0 auto", display="none"),
        )
        self.path_vars = PathVariables()
        self.query = PairsEditor(
            title="Query parameters", key_hint="name", value_hint="value", name="query"
        )
        self.headers = PairsEditor(
            title="Headers", key_hint="Name", value_hint="value", name="headers"
        )
        self.headers.suggest(["Accept", "Content-Type", "If-Match", "X-Request-Id"])
        self.body = w.Textarea(
            placeholder='JSON body, e.g. {"project": 20}', rows=5, layout=w.Layout(width="auto")
        )
        self.body_error = w.HTML("")
        self.cell_text = w.Textarea(rows=6, layout=w.Layout(width="auto"))

    def form_rows(self) -> list[w.Widget]:
        """The form's rows, top to bottom, wrapping on narrow screens."""
        top = wrap([self.connection, self.all_pages])
        line = wrap([self.method, self.url, self.send_button, self.cancel_button])
        editors = wrap([self.query.widget, self.headers.widget])
        editors.add_class("jama-editors")
        body = w.VBox([w.HTML("<b>Body</b> (JSON)"), self.body, self.body_error])
        return [top, line, self.path_vars.widget, editors, body]

    # reacting to edits
    def refresh_connections(self, *, prefer: str | None = None) -> None:
        """Reload the nicknames; keep the selection if it still exists, else the default."""
        names = session.registry.names()
        keep = prefer or self.connection.value
        self.connection.options = names
        self.connection.value = keep if keep in names else session.registry.default_name
        self._update_cell()

    def _method_changed(self) -> None:
        method = self.method.value
        catalog = load_catalog()
        self.url.options = [path for path in catalog if method in catalog[path]]
        no_body = method in NO_BODY_METHODS
        if no_body and not self.body.disabled:
            self._stashed_body, self.body.value = self.body.value, ""
        elif not no_body and self.body.disabled and not self.body.value:
            self.body.value = self._stashed_body
        self.body.disabled = no_body
        self.all_pages.disabled = method != "GET"
        if method != "GET":
            self.all_pages.value = False
        self._url_changed()
        self._body_changed()

    def _url_changed(self) -> None:
        self.path_vars.follow(self.url.value)
        self.query.suggest(query_params(self.url.value.strip(), self.method.value))
        self._update_cell()

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

    # the request
    def build_request(self) -> JamaRequest:
        """The request the form describes (``JamaUsageError`` when it is not valid)."""
        url = self.path_vars.fill(self.url.value.strip())
        body = NO_BODY if self.body.disabled else parse_body_text(self.body.value)
        return JamaRequest.build(
            self.method.value,
            url,
            query=self.query.pairs,
            headers=self.headers.pairs,
            body=body,
            all_pages=self.all_pages.value and self.method.value == "GET",
        )


def wrap(children: list[Any]) -> w.HBox:
    """An HBox whose children wrap to the next line when the panel is narrow."""
    box = w.HBox(children, layout=w.Layout(width="auto"))
    box.add_class("jama-wrap")
    return box
