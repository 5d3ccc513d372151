"""The write-back audit log: one JSON line per field of every item a plan tried to write.

``<data dir>/writeback-audit.jsonl`` (``$JAMA_MAGIC_DATA`` overrides the
folder, see :func:`jama_magic.config.data_dir`): time (UTC), connection,
item, documentKey, field (raw key), before, after (raw values as Jama stores
them: option and user ids), outcome (``written``, ``conflict``, ``failed``,
``unknown``) and the HTTP status. Lines are appended as each write finishes,
so an interrupted or crashed apply leaves an exact record.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import data_dir

if TYPE_CHECKING:
    from .result import Outcome

__all__ = ["AuditLog", "audit_path"]

FILE_NAME = "writeback-audit.jsonl"


def audit_path() -> Path:
    """Where the audit log is written."""
    return data_dir() / FILE_NAME


class AuditLog:
    """Appends the outcome of each item of a plan (thread-safe)."""

    def __init__(self, connection: str, path: Path | None = None) -> None:
        self.connection = connection
        self.path = path or audit_path()
        self._lock = threading.Lock()

    def record(self, outcome: Outcome) -> None:
        """One line per field of ``outcome``'s item."""
        when = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")
        lines = [
            json.dumps(self._line(when, outcome, change), default=str)
            for change in outcome.item.fields
        ]
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write("".join(line + "\n" for line in lines))

    def _line(self, when: str, outcome: Outcome, change: Any) -> dict[str, Any]:
        return {
            "time": when,
            "connection": self.connection,
            "item": outcome.item.id,
            "documentKey": outcome.item.document_key,
            "field": change.field,
            "before": change.old,
            "after": change.new,
            "outcome": outcome.outcome,
            "status": outcome.status,
        }
