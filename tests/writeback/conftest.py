"""Write-back fixtures: a sandbox of its own (tests write to it) and a frame read from it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import jama_magic as jm

if TYPE_CHECKING:
    import pandas

    from jama_magic.connection import Connection
    from jama_magic.sandbox import Sandbox


@pytest.fixture
def wsb() -> Iterator[Sandbox]:
    """A fresh sandbox per test, so writes never leak into other tests."""
    from jama_magic.sandbox import Sandbox

    with Sandbox() as sb:
        yield sb


@pytest.fixture(autouse=True)
def data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The audit log goes to a folder of the test's own."""
    folder = tmp_path / "jama_magic_data"
    monkeypatch.setenv("JAMA_MAGIC_DATA", str(folder))
    return folder


@pytest.fixture
def wconn(wsb: Sandbox) -> Connection:
    """Connection "w" to the test's sandbox, the default."""
    return jm.connect("w", url=wsb.url, username=wsb.username, password=wsb.password, default=True)


def read_frame(project: int = 20, connection: str = "w") -> pandas.DataFrame:
    """The project's items as a resolved frame with its origin."""
    r = jm.request(
        "GET", "/items", query={"project": project}, all_pages=True, connection=connection
    )
    return r.to_dataframe(resolve=True)


@pytest.fixture
def frame(wconn: Connection) -> pandas.DataFrame:
    """Project 20 read from the test's sandbox, names resolved."""
    return read_frame()
