"""Key/value rows for the panel's query and headers editors.

A ``PairsEditor`` is a titled list of ``[key] [value] [✕]`` rows with an
"add" button. Repeated keys are allowed (Jama's ``include`` takes several),
so the editor yields a list of pairs, never a dict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import ipywidgets as w

from ..errors import JamaUsageError

__all__ = ["PairRow", "PairsEditor"]

Listener = Callable[[], None]


@dataclass(frozen=True)
class PairRow:
    """The widgets of one row."""

    key: w.Text
    value: w.Text
    remove: w.Button
    box: w.HBox


class PairsEditor:
    """Editable ``(key, value)`` rows; ``.pairs`` is what the request gets."""

    def __init__(self, *, title: str, key_hint: str, value_hint: str, name: str) -> None:
        self._hints = (key_hint, value_hint)
        self._listeners: list[Listener] = []
        self.title = title
        self.rows: list[PairRow] = []
        self.add_button = w.Button(
            description="add", icon="plus", tooltip=f"add a {title.lower()} row"
        )
        self.add_button.layout = w.Layout(width="80px")
        self.add_button.on_click(lambda _: self.add_row())
        self.add_button.add_class(f"jama-add-{name}")
        self._rows_box = w.VBox(layout=w.Layout(width="100%"))
        label = w.HTML(f"<b>{title}</b>")
        self.widget = w.VBox(
            [label, self._rows_box, self.add_button],
            layout=w.Layout(width="50%", padding="0 8px 0 0"),
        )

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
        self.rows = []
        for key, value in pairs:
            self._append(key, str(value))
        self._sync()

    # rows
    def add_row(self, key: str = "", value: str = "") -> PairRow:
        row = self._append(key, value)
        self._sync()
        return row

    def remove_row(self, index: int) -> None:
        del self.rows[index]
        self._sync()

    def _append(self, key: str, value: str) -> PairRow:
        key_hint, value_hint = self._hints
        key_box = w.Text(value=key, placeholder=key_hint, layout=w.Layout(width="40%"))
        value_box = w.Text(value=value, placeholder=value_hint, layout=w.Layout(flex="1 1 auto"))
        key_box.add_class("jama-pair-key")
        value_box.add_class("jama-pair-value")
        remove = w.Button(icon="times", tooltip="remove this row", layout=w.Layout(width="32px"))
        row = PairRow(key_box, value_box, remove, w.HBox([key_box, value_box, remove]))
        remove.on_click(lambda _: self.remove_row(self.rows.index(row)))
        key_box.observe(self._changed, names="value")
        value_box.observe(self._changed, names="value")
        self.rows.append(row)
        return row

    # change notification (the panel refreshes its %%jama cell)
    def on_change(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def _sync(self) -> None:
        self._rows_box.children = tuple(row.box for row in self.rows)
        self._changed()

    def _changed(self, _change: object = None) -> None:
        for listener in self._listeners:
            listener()
