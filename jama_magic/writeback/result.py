"""``ApplyResult``: what ``plan.apply()`` did, item by item, and ``undo()``."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..errors import JamaUsageError

if TYPE_CHECKING:
    import pandas

    from ..paging import Progress
    from .plan import ChangePlan, ItemChange

__all__ = ["ApplyResult", "Outcome"]

WRITTEN = "written"
CONFLICT = "conflict"
FAILED = "failed"
UNKNOWN = "unknown"  # the connection dropped mid-write: the read-back could not tell
NOT_SENT = "not sent"  # interrupted before its turn


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """What happened to one item of the plan."""

    item: ItemChange
    outcome: str
    status: int | None = None
    message: str = ""
    modified: str | None = None  # the item's modifiedDate after the write (read back)


@dataclass(frozen=True, kw_only=True)
class ApplyResult:
    """Per-item outcomes of ``apply()``; ``df`` is the table, ``undo()`` reverses the writes."""

    plan: ChangePlan
    outcomes: tuple[Outcome, ...]
    checked_at: str | None  # server time when the items were checked, before any write
    interrupted: bool = False

    @property
    def df(self) -> pandas.DataFrame:
        """One row per item: documentKey, outcome, fields, status, message, modifiedDate."""
        import pandas as pd

        rows = [_row(o) for o in self.outcomes]
        columns = ["id", "documentKey", "outcome", "fields", "status", "message", "modifiedDate"]
        table: pandas.DataFrame = pd.DataFrame(rows, columns=columns).set_index("id")
        return table

    def count(self, outcome: str) -> int:
        return sum(o.outcome == outcome for o in self.outcomes)

    @property
    def written(self) -> int:
        return self.count(WRITTEN)

    def summary(self) -> str:
        """``98 written, 2 conflicts`` (and ``interrupted`` when Ctrl-C stopped it)."""
        counts = {kind: self.count(kind) for kind in (WRITTEN, CONFLICT, FAILED, UNKNOWN, NOT_SENT)}
        parts = [f"{n} {kind}" for kind, n in counts.items() if n or kind == WRITTEN]
        tail = " (interrupted: the rest was not sent)" if self.interrupted else ""
        return f"{', '.join(parts)} on '{self.plan.connection}'{tail}"

    def undo(
        self,
        *,
        lock: bool = False,
        yes: bool = False,
        confirm: Callable[[str], bool] | None = None,
        progress: Progress | bool | None = True,
        audit: bool = True,
    ) -> ApplyResult:
        """Put back the values read for every item that was written (conflicts checked again)."""
        written = [o for o in self.outcomes if o.outcome == WRITTEN]
        if not written:
            raise JamaUsageError("nothing was written, so there is nothing to undo")
        items = tuple(replace(o.item, modified=o.modified) for o in written)
        inverse = replace(self.plan, items=items, read_at=self.checked_at).inverse()
        return inverse.apply(lock=lock, yes=yes, confirm=confirm, progress=progress, audit=audit)

    def __repr__(self) -> str:
        return f"ApplyResult: {self.summary()}\n{self.df!r}"

    def _repr_html_(self) -> str:
        table = self.df.to_html(max_rows=40)
        return f"<p><b>ApplyResult</b>: {html.escape(self.summary())}</p>{table}"


def _row(outcome: Outcome) -> dict[str, Any]:
    return {
        "id": outcome.item.id,
        "documentKey": outcome.item.document_key,
        "outcome": outcome.outcome,
        "fields": ", ".join(change.column for change in outcome.item.fields),
        "status": outcome.status,
        "message": outcome.message,
        "modifiedDate": outcome.modified,
    }
