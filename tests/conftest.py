"""Shared fixtures: a clean jama_magic state per test and one real sandbox per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import jama_magic
from jama_magic.connection import Connection
from jama_magic.state import session

if TYPE_CHECKING:
    from jama_magic.sandbox import Sandbox


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """One real sandbox over loopback for the whole session."""
    from jama_magic.sandbox import Sandbox

    sb = Sandbox()
    sb.start()
    try:
        yield sb
    finally:
        sb.stop()


@pytest.fixture(autouse=True)
def clean_state(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Each test starts with no connections, default settings, its own config, no JAMA_* env."""
    for name in list(os.environ):
        if name.startswith("JAMA_"):
            monkeypatch.delenv(name)
    config = tmp_path / "jama_magic_config" / "connections.toml"
    monkeypatch.setenv("JAMA_MAGIC_CONFIG", str(config))
    session.reset()
    yield config
    session.reset()


@pytest.fixture
def sandbox_conn(sandbox: Sandbox) -> Connection:
    """Connection "sb" (Basic auth) to the session sandbox, registered as the default."""
    return jama_magic.connect(
        "sb", url=sandbox.url, username=sandbox.username, password=sandbox.password, default=True
    )
