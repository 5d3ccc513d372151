"""Key/value rows for the panel: query parameters, headers, and the URL's ``{id}`` path variables.

A ``PairsEditor`` is a titled list of ``[key] [value] [×]`` rows with an "add"
button. Repeated keys are allowed (Jama's ``include`` takes several), so the
editor yields a list of pairs, never a dict. The key box suggests names (the
catalogue's query parameters for the current URL). ``PathVariables`` shows one
value box per ``{name}`` in the URL template and fills them in.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import ipywidgets as w

from ..errors import JamaUsageError
from .lifecycle import close_tree

__all__ = ["PairRow", "PairsEditor", "PathVariables", "on_enter", "placeholders"]

Listener = Callable[[], None]
_PLACEHOLDER = re.compile(r"\{([^{}/]+)\}")


def on_enter(box: w.Text, action: Listener) -> None:
    """Call ``action`` when Enter is pressed in ``box`` (the front end sends a "submit" event).

    ``Text.on_submit`` does the same but warns that it is deprecated.
    """

    def handle(_widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("event") == "submit":
            action()

    box.on_msg(handle)


@dataclass(frozen=True)
class PairRow:
    """The widgets of one row."""

    key: w.Combobox
    value: w.Text
    remove: w.Button
    box: w.HBox


class PairsEditor:
    """Editable ``(key, value)`` rows; ``.pairs`` is what the request gets."""

    def __init__(self, *, title: str, key_hint: str, value_hint: str, name: str) -> None:
        self._hints = (key_hint, value_hint)
        self._listeners: list[Listener] = []
        self._enter: Listener | None = None
        self._suggestions: list[str] = []
        self.title = title
        self.rows: list[PairRow] = []
        self.add_button = w.Button(
            description="add",
            icon="plus",
            tooltip=f"add a {title.lower()} row",
            layout=w.Layout(width="80px"),
        )
        self.add_button.on_click(lambda _: self.add_row().key.focus())
        self.add_button.add_class(f"jama-add-{name}")
        self._rows_box = w.VBox(layout=w.Layout(width="auto"))
        label = w.HTML(f"<b>{title}</b>")
        self.widget = w.VBox([label, self._rows_box, self.add_button])
        self.widget.add_class("jama-editor")
        self.widget.add_class(f"jama-{name}")

    # what the request gets
    @property
    def pairs(self) -> list[tuple[str, str]]:
        """The non-blank rows in order; a value without a key is an error."""
        out = []
        for number, row in enumerate(self.rows, start=1):
            key, value = row.key.value.strip(), row.value.value
            if not key and value.strip():
                raise JamaUsageError(
                    f"{self.title.lower()} row {number} has a value but no name: add one "
                    "or remove the row"
                )
            if key:
                out.append((key, value))
        return out

    def set_pairs(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Replace every row with ``pairs``."""
        for row in self.rows:
            close_tree(row.box)
        self.rows = []
        for key, value in pairs:
            self._append(key, str(value))
        self._sync()

    def suggest(self, names: Iterable[str]) -> None:
        """Offer ``names`` in every row's key box."""
        self._suggestions = list(names)
        for row in self.rows:
            row.key.options = self._suggestions

    def on_enter(self, action: Listener) -> None:
        """Call ``action`` on Enter in any key or value box."""
        self._enter = action

    # rows
    def add_row(self, key: str = "", value: str = "") -> PairRow:
        row = self._append(key, value)
        self._sync()
        return row

    def remove_row(self, index: int) -> None:
        close_tree(self.rows.pop(index).box)  # its callbacks would keep the panel alive
        self._sync()

    def _append(self, key: str, value: str) -> PairRow:
        key_hint, value_hint = self._hints
        key_box = w.Combobox(
            value=key,
            placeholder=key_hint,
            options=self._suggestions,
            layout=w.Layout(width="auto", flex="1 1 40%"),
        )
        value_box = w.Text(
            value=value, placeholder=value_hint, layout=w.Layout(width="auto", flex="1 1 60%")
        )
        key_box.add_class("jama-pair-key")
        value_box.add_class("jama-pair-value")
        remove = w.Button(
            icon="times", tooltip="remove this row", layout=w.Layout(width="32px", flex="0 0 32px")
        )
        remove.add_class("jama-remove")
        row = PairRow(key_box, value_box, remove, w.HBox([key_box, value_box, remove]))
        row.box.add_class("jama-pair")
        remove.on_click(lambda _: self.remove_row(self.rows.index(row)))
        for box in (key_box, value_box):
            box.observe(self._changed, names="value")
            on_enter(box, self._entered)
        self.rows.append(row)
        return row

    def _entered(self) -> None:
        if self._enter is not None:
            self._enter()

    # change notification (the panel refreshes its %jama cell)
    def on_change(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def _sync(self) -> None:
        self._rows_box.children = tuple(row.box for row in self.rows)
        self._changed()

    def _changed(self, _change: object = None) -> None:
        for listener in self._listeners:
            listener()


def placeholders(url: str) -> list[str]:
    """The ``{name}`` placeholders of a URL template's path, in order, once each."""
    return list(dict.fromkeys(_PLACEHOLDER.findall(url.split("?", 1)[0])))


class PathVariables:
    """One value box per ``{name}`` in the URL (Postman's path variables); hidden when none."""

    def __init__(self) -> None:
        self.boxes: dict[str, w.Text] = {}
        self._listeners: list[Listener] = []
        self._enter: Listener | None = None
        self._label = w.HTML("<b>Path variables</b>", layout=w.Layout(width="auto"))
        self.widget = w.HBox([self._label], layout=w.Layout(display="none"))
        self.widget.add_class("jama-wrap")
        self.widget.add_class("jama-path-vars")

    def follow(self, url: str) -> None:
        """Show a box for each placeholder of ``url``, keeping values already typed."""
        names = placeholders(url)
        if names == list(self.boxes):
            return
        for name in set(self.boxes) - set(names):
            close_tree(self.boxes[name])  # its callbacks would keep the panel alive
        self.boxes = {name: self.boxes.get(name) or self._box(name) for name in names}
        self.widget.children = (self._label, *self.boxes.values())
        self.widget.layout.display = "flex" if names else "none"

    def _box(self, name: str) -> w.Text:
        box = w.Text(
            placeholder="value",
            description=f"{{{name}}}",
            layout=w.Layout(width="220px"),
            style={"description_width": "initial"},
        )
        box.add_class("jama-path-var")
        box.observe(lambda _: self._changed(), names="value")
        on_enter(box, lambda: self._enter() if self._enter else None)
        return box

    def fill(self, url: str) -> str:
        """``url`` with every placeholder replaced by its value (URL-quoted).

        Raises ``JamaUsageError`` naming the first placeholder without a value.
        """

        def value(match: re.Match[str]) -> str:
            box = self.boxes.get(match.group(1))
            text = box.value.strip() if box is not None else ""
            if not text:
                raise JamaUsageError(
                    f"fill in the path variable {{{match.group(1)}}} (the box under the URL), "
                    "e.g. 1003"
                )
            return urllib.parse.quote(text, safe="")

        path, sep, query = url.partition("?")
        return _PLACEHOLDER.sub(value, path) + sep + query

    def on_change(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def on_enter(self, action: Listener) -> None:
        self._enter = action

    def _changed(self) -> None:
        for listener in self._listeners:
            listener()
