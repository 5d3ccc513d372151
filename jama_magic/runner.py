"""One background event loop that does all of jama_magic's network I/O.

Sync calls (a script, or a notebook cell while the kernel's own loop runs) and
async calls (``await jm.arequest(...)``) all hand their coroutine to this loop,
so connection pools and rate limiters live on one loop and are shared by every
front door; the session (``state.py``) holds the one ``IOLoop``. Ctrl-C (a
cancelled cell) cancels the work and its in-flight requests promptly.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["IOLoop"]

T = TypeVar("T")

_CANCEL_GRACE = 5.0


class IOLoop:
    """An event loop in a daemon thread, started on first use; hand it coroutines to run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None

    def loop(self) -> asyncio.AbstractEventLoop:
        """The I/O loop, started on first use in a daemon thread."""
        with self._lock:
            if self._loop is None or self._loop.is_closed():
                new = asyncio.new_event_loop()
                thread = threading.Thread(target=new.run_forever, name="jama-magic-io", daemon=True)
                thread.start()
                self._loop = new
            return self._loop

    def forget(self) -> None:
        """Start afresh on next use (a forked child has the loop object but not its thread)."""
        self._loop = None
        self._lock = threading.Lock()

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Start ``coro`` on the I/O loop without waiting for it (e.g. closing a pool).

        The returned future's ``cancel()`` cancels the work on the loop (the panel's Cancel).
        """
        return asyncio.run_coroutine_threadsafe(coro, self.loop())

    def _on_io_loop(self) -> bool:
        try:
            return asyncio.get_running_loop() is self._loop
        except RuntimeError:
            return False

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the I/O loop and wait for it.

        Ctrl-C (KeyboardInterrupt in the waiting thread) cancels the work and waits
        until it has really stopped, so its in-flight requests are closed before the
        KeyboardInterrupt reaches the caller.
        """
        if self._on_io_loop():
            coro.close()
            raise RuntimeError("use the async API (await ...) from inside jama_magic's I/O loop")
        io = self.loop()
        outcome: concurrent.futures.Future[T] = concurrent.futures.Future()
        tasks: list[asyncio.Task[T]] = []

        def start() -> None:
            task = io.create_task(coro)
            tasks.append(task)
            task.add_done_callback(lambda done: _copy(done, outcome))

        try:
            io.call_soon_threadsafe(start)
            return outcome.result()
        except KeyboardInterrupt:
            # runs after start() if that was queued: the loop keeps FIFO order
            io.call_soon_threadsafe(_cancel, tasks, outcome, coro)
            _wait_stopped(outcome)
            raise

    async def run_async(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await ``coro`` on the I/O loop from any other event loop."""
        if self._on_io_loop():
            return await coro
        future = asyncio.run_coroutine_threadsafe(coro, self.loop())
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            future.cancel()
            raise


def _copy(task: asyncio.Task[T], outcome: concurrent.futures.Future[T]) -> None:
    if task.cancelled():
        outcome.cancel()
    elif (error := task.exception()) is not None:
        outcome.set_exception(error)
    else:
        outcome.set_result(task.result())


def _cancel(
    tasks: list[asyncio.Task[Any]],
    outcome: concurrent.futures.Future[Any],
    coro: Coroutine[Any, Any, Any],
) -> None:
    if not tasks:  # interrupted before the work was even queued
        coro.close()
        outcome.cancel()
    for task in tasks:
        task.cancel()


def _wait_stopped(outcome: concurrent.futures.Future[Any]) -> None:
    # the cancellation itself, or anything the cancelled work raised on its way out
    with contextlib.suppress(BaseException):
        outcome.exception(timeout=_CANCEL_GRACE)
