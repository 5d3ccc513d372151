"""Sending a :class:`ChangePlan`: guard, conflict check, concurrent PATCHes, read-back.

1. Before any I/O, the client's write guard runs once for the whole plan: a
   read-only connection refuses, a ``confirm_writes`` connection asks once.
2. Conflicts: the items of the plan's projects with activity since the frame
   was read (``/abstractitems?lastActivityDate=``, a page or two) are compared
   with the ``modifiedDate`` each item had when read; a changed item is a
   conflict and is not written.
3. One PATCH per item, concurrently (``max_concurrency``) under the
   connection's rate limiter, through the client (so a PATCH is retried only
   on 429, never sent twice). ``lock=True``: lock, re-check ``modifiedDate``
   under the lock, PATCH, unlock.
4. Read-back: the written items' new ``modifiedDate`` (what ``undo()`` checks
   against) and their values, compared with what was sent.

Ctrl-C stops launching writes; those in flight finish, and the result says
exactly which items were written, also printed as one line (a second Ctrl-C
abandons the wait).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
from collections.abc import Callable, Coroutine, Iterable, Mapping
from dataclasses import replace
from typing import Any, TypeVar

from ..client import JamaClient, client_for
from ..errors import JamaError
from ..lookups import lookups_for
from ..request import NO_BODY, JamaRequest
from ..state import session
from .audit import AuditLog
from .plan import ChangePlan, ItemChange
from .progress import WriteProgress, write_progress
from .result import CONFLICT, FAILED, NOT_SENT, UNKNOWN, WRITTEN, ApplyResult, Outcome

__all__ = ["apply_plan"]

T = TypeVar("T")
_USER = re.compile(r"\buser (\d+)\b")  # in Jama's messages: "locked by user 58"
Confirm = Callable[[str], bool]


def apply_plan(
    plan: ChangePlan,
    *,
    lock: bool,
    yes: bool,
    confirm: Confirm | None,
    progress: Any,
    audit: bool,
) -> ApplyResult:
    """Send ``plan`` (see the module docstring) and return what happened per item."""
    client = client_for(plan.connection)
    if not plan.items:
        return ApplyResult(plan=plan, outcomes=(), checked_at=plan.read_at)
    _guard(client, plan, yes=yes, confirm=confirm)
    stop = threading.Event()
    log = AuditLog(plan.connection) if audit else None
    job = _Job(client, plan, lock=lock, stop=stop, log=log, progress=write_progress(progress))
    result = _with_user_names(_run_interruptible(job.run(), stop), client)
    if result.interrupted:  # `res = plan.apply()` shows nothing: say what Ctrl-C left behind
        print(f"ApplyResult: {result.summary()}")
    return result


def _guard(client: JamaClient, plan: ChangePlan, *, yes: bool, confirm: Confirm | None) -> None:
    first = plan.items[0]
    sample = JamaRequest.build("PATCH", first.url, body=first.body())
    ask = confirm or _ask

    def once(question: str) -> bool:
        return ask(f"{plan.summary()}: send {len(plan)} PATCH requests ({question})")

    client._before(sample, yes=yes, confirm=once)  # the client's one write guard


def _ask(question: str) -> bool:
    from ..magics.support import ask

    return ask(question)


def _run_interruptible(coro: Coroutine[Any, Any, T], stop: threading.Event) -> T:
    future = asyncio.run_coroutine_threadsafe(coro, session.io.loop())
    try:
        return future.result()
    except KeyboardInterrupt:
        stop.set()  # no new writes; those in flight finish and are reported
    try:
        return future.result()
    except KeyboardInterrupt:
        future.cancel()
        raise


class _Job:
    """One apply on the I/O loop."""

    def __init__(
        self,
        client: JamaClient,
        plan: ChangePlan,
        *,
        lock: bool,
        stop: threading.Event,
        log: AuditLog | None,
        progress: WriteProgress,
    ) -> None:
        self.client, self.plan, self.lock, self.stop = client, plan, lock, stop
        self.log, self.progress = log, progress
        self.outcomes: dict[int, Outcome] = {}

    async def run(self) -> ApplyResult:
        current, checked_at = await self._activity_since(self.plan.read_at)
        todo = [item for item in self.plan.items if not self._conflict(item, current)]
        self.progress.start(len(todo))
        try:
            await self._write_all(todo)
        finally:
            self.progress.close()
        await self._read_back(checked_at)
        outcomes = tuple(self._final(item) for item in self.plan.items)
        return ApplyResult(
            plan=self.plan, outcomes=outcomes, checked_at=checked_at, interrupted=self.stop.is_set()
        )

    # conflicts
    async def _activity_since(self, since: str | None) -> tuple[dict[int, Any], str | None]:
        """Items of the plan's projects changed since ``since`` (all of them without it)."""
        query: list[tuple[str, Any]] = [("project", p) for p in self._projects()]
        if since:
            query.append(("lastActivityDate", since))
        req = JamaRequest.build("GET", "/abstractitems", query=query, all_pages=True)
        resp = await self.client.asend(req)
        rows = resp.data if isinstance(resp.data, list) else []
        found = {row["id"]: row for row in rows if isinstance(row, dict) and "id" in row}
        return found, resp.meta.get("timestamp")

    def _projects(self) -> list[int]:
        return sorted({item.project for item in self.plan.items if item.project is not None})

    def _conflict(self, item: ItemChange, current: Mapping[int, Any]) -> bool:
        now = current.get(item.id)
        if now is None or item.modified is None or now.get("modifiedDate") == item.modified:
            return False
        self._finish(item, CONFLICT, message=_changed_by(now))
        return True

    # writes
    async def _write_all(self, todo: Iterable[ItemChange]) -> None:
        slots = asyncio.Semaphore(max(1, self.client.settings.max_concurrency))
        tasks: list[asyncio.Task[None]] = []
        for item in todo:
            await slots.acquire()
            if self.stop.is_set():
                slots.release()
                break
            tasks.append(asyncio.create_task(self._write_one(item, slots)))
        await asyncio.gather(*tasks)

    async def _write_one(self, item: ItemChange, slots: asyncio.Semaphore) -> None:
        try:
            if self.lock:
                await self._locked_write(item)
            else:
                await self._patch(item)
        finally:
            slots.release()
            self.progress.advance()

    async def _locked_write(self, item: ItemChange) -> None:
        if not await self._send(item, "PUT", f"{item.url}/lock", {"locked": True}):
            return
        try:
            now = await self._send(item, "GET", item.url, None)
            if now is not None and not self._conflict(item, {item.id: now.data}):
                await self._patch(item)
        finally:
            await self._unlock(item)

    async def _unlock(self, item: ItemChange) -> None:
        req = JamaRequest.build("PUT", f"{item.url}/lock", body={"locked": False})
        # shielded: Ctrl-C must not leave the item locked; a failed unlock leaves the
        # write's outcome as it is (unlock by hand: PUT /items/{id}/lock {"locked": false})
        with contextlib.suppress(JamaError):
            await asyncio.shield(self.client.asend(req, yes=True, raise_for_status=False))

    async def _patch(self, item: ItemChange) -> None:
        resp = await self._send(item, "PATCH", item.url, item.body())
        if resp is not None:
            self._finish(item, WRITTEN, status=resp.status_code)

    async def _send(self, item: ItemChange, method: str, url: str, body: Any) -> Any:
        """The response, or None after recording the item as failed (or unknown)."""
        req = JamaRequest.build(method, url, body=NO_BODY if body is None else body)
        try:
            resp = await self.client.asend(req, yes=True, raise_for_status=False)
        except JamaError as exc:
            # a PATCH whose answer was lost may have been applied: the read-back tells
            self._finish(item, UNKNOWN if method == "PATCH" else FAILED, message=str(exc))
            return None
        if not resp.ok:
            message = f"{method} {url}: {resp.status_code} {resp.message or resp.reason}"
            self._finish(item, FAILED, status=resp.status_code, message=message)
            return None
        return resp

    def _finish(self, item: ItemChange, outcome: str, **details: Any) -> None:
        self.outcomes[item.id] = Outcome(item=item, outcome=outcome, **details)
        if self.log is not None:
            self.log.record(self.outcomes[item.id])

    # read-back
    async def _read_back(self, since: str | None) -> None:
        sent = [o for o in self.outcomes.values() if o.outcome in (WRITTEN, UNKNOWN)]
        if not sent:
            return
        try:
            current, _ = await self._activity_since(since)
        except JamaError:
            return  # the writes stand; undo() then cannot check these items for conflicts
        for outcome in sent:
            self._settle(outcome, current.get(outcome.item.id))

    def _settle(self, outcome: Outcome, now: Mapping[str, Any] | None) -> None:
        if now is None:
            return
        fields = now.get("fields") or {}
        differs = [c.column for c in outcome.item.fields if fields.get(c.field) != c.new]
        if outcome.outcome == UNKNOWN and not differs:
            outcome = Outcome(item=outcome.item, outcome=WRITTEN, message="confirmed by read-back")
            if self.log is not None:
                self.log.record(outcome)
        note = f"Jama now shows other values for: {', '.join(differs)}" if differs else ""
        self.outcomes[outcome.item.id] = Outcome(
            item=outcome.item,
            outcome=outcome.outcome,
            status=outcome.status,
            message=outcome.message or note,
            modified=now.get("modifiedDate"),
        )

    def _final(self, item: ItemChange) -> Outcome:
        return self.outcomes.get(item.id) or Outcome(item=item, outcome=NOT_SENT)


def _with_user_names(result: ApplyResult, client: JamaClient) -> ApplyResult:
    """Messages such as Jama's "locked by user 58" name the user: "Grace Kim (user 58)"."""
    ids = {int(n) for o in result.outcomes for n in _USER.findall(o.message)}
    if not ids:
        return result
    try:  # the frame's read already fetched the users, so usually no request
        names = lookups_for(client).names("users", ids)
    except JamaError:
        return result

    def named(match: re.Match[str]) -> str:
        name = names.get(int(match.group(1)))
        return f"{name} ({match.group(0)})" if name else match.group(0)

    outcomes = tuple(replace(o, message=_USER.sub(named, o.message)) for o in result.outcomes)
    return replace(result, outcomes=outcomes)


def _changed_by(now: Mapping[str, Any]) -> str:
    return f"changed in Jama since the frame was read (modifiedDate {now.get('modifiedDate')})"
