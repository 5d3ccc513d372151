"""One background event loop that does all of jama_magic's network I/O.

Sync calls (a script, or a notebook cell while the kernel's own loop runs) and
async calls (``await jm.arequest(...)``) all hand their coroutine to this loop,
so connection pools and rate limiters live on one loop and are shared by every
front door. Ctrl-C (a cancelled cell) cancels the work and its in-flight
requests promptly.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["loop", "run", "run_async", "submit"]

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_CANCEL_GRACE = 5.0


def loop() -> asyncio.AbstractEventLoop:
    """The I/O loop, started on first use in a daemon thread."""
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed():
            new = asyncio.new_event_loop()
            thread = threading.Thread(target=new.run_forever, name="jama-magic-io", daemon=True)
            thread.start()
            _loop = new
        return _loop


def _reset_after_fork() -> None:
    # the child has the parent's loop object but not its thread: start afresh
    global _loop, _lock
    _loop = None
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_reset_after_fork)


def submit(coro: Coroutine[Any, Any, Any]) -> None:
    """Start ``coro`` on the I/O loop without waiting for it (e.g. closing a pool)."""
    asyncio.run_coroutine_threadsafe(coro, loop())


def _on_io_loop() -> bool:
    try:
        return asyncio.get_running_loop() is _loop
    except RuntimeError:
        return False


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` on the I/O loop and wait for it.

    Ctrl-C (KeyboardInterrupt in the waiting thread) cancels the work and waits
    until it has really stopped, so its in-flight requests are closed before the
    KeyboardInterrupt reaches the caller.
    """
    if _on_io_loop():
        coro.close()
        raise RuntimeError("use the async API (await ...) from inside jama_magic's I/O loop")
    io = loop()
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


async def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Await ``coro`` on the I/O loop from any other event loop."""
    if _on_io_loop():
        return await coro
    future = asyncio.run_coroutine_threadsafe(coro, loop())
    try:
        return await asyncio.wrap_future(future)
    except asyncio.CancelledError:
        future.cancel()
        raise
