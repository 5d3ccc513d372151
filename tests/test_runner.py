"""The background I/O loop: sync and async callers, errors, and Ctrl-C cancellation."""

from __future__ import annotations

import asyncio
import os
import signal
import threading

import pytest

from jama_magic.state import session

runner = session.io  # the session's I/O loop


async def answer(value: int) -> int:
    await asyncio.sleep(0)
    return value


def test_run_from_plain_code_returns_the_result() -> None:
    """A script's sync call gets the coroutine's result, computed on the I/O thread."""

    async def where() -> str:
        return threading.current_thread().name

    assert runner.run(answer(42)) == 42
    assert runner.run(where()) == "jama-magic-io"


def test_run_works_while_the_callers_own_loop_is_running() -> None:
    """A sync call from code running on an event loop (a Jupyter cell) does not deadlock."""

    async def cell() -> int:
        return runner.run(answer(7))

    assert asyncio.run(cell()) == 7


def test_run_async_from_another_loop() -> None:
    """``await run_async(...)`` from any loop runs the work on the I/O loop."""

    async def main() -> int:
        return await runner.run_async(answer(5))

    assert asyncio.run(main()) == 5


def test_errors_propagate_unchanged() -> None:
    """An exception in the work is raised to the caller as it is."""

    async def boom() -> None:
        raise ValueError("bad")

    with pytest.raises(ValueError, match="bad"):
        runner.run(boom())


def test_sync_run_from_the_io_loop_is_refused() -> None:
    """Blocking on the I/O loop from itself would deadlock: a clear RuntimeError instead."""

    async def nested() -> None:
        runner.run(answer(1))

    with pytest.raises(RuntimeError, match="async API"):
        runner.run(nested())


def test_keyboard_interrupt_cancels_the_work_before_returning() -> None:
    """Ctrl-C while waiting: the work is cancelled and has finished cleaning up when it raises."""
    events: list[str] = []

    async def long_fetch() -> None:
        try:
            # SIGINT goes to the main thread, which is blocked waiting for us
            threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
            await asyncio.sleep(60)
            events.append("finished")
        except asyncio.CancelledError:
            await asyncio.sleep(0.1)  # closing connections takes a moment
            events.append("cancelled and cleaned up")
            raise

    with pytest.raises(KeyboardInterrupt):
        runner.run(long_fetch())
    assert events == ["cancelled and cleaned up"]
    assert runner.run(answer(3)) == 3  # the loop is still fine afterwards
