"""Items a plan would write that someone else had locked when the frame was read.

Jama refuses to change an item another user holds locked (409), so ``plan()``
warns about them instead of letting ``apply()`` find out item by item. The
lock is the one read with the frame (``lock.lockedBy``); the connection's own
user is recognised by its username among the users the frame's names came
from, so an item the user locked themselves is not reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import JamaError
from ..frames.origin import FrameOrigin
from ..frames.resolve import display_name
from ..state import session

__all__ = ["LockedItem", "lock_warning", "locked_by_others"]

_SHOWN = 3


@dataclass(frozen=True, kw_only=True)
class LockedItem:
    """An item of the plan locked by another user when it was read."""

    id: int
    document_key: str | None
    holder: str  # the user's name, or "user 52" when unknown

    def __str__(self) -> str:
        return f"{self.document_key or self.id} (by {self.holder})"


def locked_by_others(origin: FrameOrigin, ids: Iterable[int]) -> tuple[LockedItem, ...]:
    """The items among ``ids`` that a user other than the connection's held locked."""
    me = _my_username(origin)
    users = origin.objects.get("users") or {}
    found = []
    for item_id in ids:
        item = origin.items[item_id]
        holder = item.locked_by
        if holder is None or (me is not None and users.get(holder, {}).get("username") == me):
            continue
        name = display_name("users", users.get(holder) or {}) or f"user {holder}"
        found.append(LockedItem(id=item_id, document_key=item.document_key, holder=name))
    return tuple(found)


def lock_warning(locked: tuple[LockedItem, ...]) -> str:
    """One line: which items are locked, what applying them does, what to do."""
    shown = ", ".join(str(item) for item in locked[:_SHOWN])
    more = f" and {len(locked) - _SHOWN} more" if len(locked) > _SHOWN else ""
    noun = "item is" if len(locked) == 1 else "items are"
    return (
        f"{len(locked)} {noun} locked by someone else: {shown}{more}; Jama will refuse "
        "(409) to change them: ask for them to be unlocked, or drop those rows before apply()"
    )


def _my_username(origin: FrameOrigin) -> str | None:
    try:
        conn = session.registry.get(origin.connection)
    except JamaError:  # the connection is gone: every holder counts as someone else
        return None
    return conn.username if conn.base_url == origin.base_url else None
