"""Fixtures: a shared read-only sandbox per module, and fresh ones for writes."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from jama_magic.sandbox import Sandbox


def api_client(sb: Sandbox, version: str = "latest") -> httpx.Client:
    """An httpx client with Basic auth, based at ``/rest/{version}``."""
    return httpx.Client(
        base_url=f"{sb.url}/rest/{version}", auth=(sb.username, sb.password), timeout=30
    )


@pytest.fixture(scope="module")
def shared() -> Iterator[Sandbox]:
    """A sandbox shared by a module's read-only tests."""
    with Sandbox() as sb:
        yield sb


@pytest.fixture(scope="module")
def client(shared: Sandbox) -> Iterator[httpx.Client]:
    """Basic-auth client for the shared sandbox."""
    with api_client(shared) as c:
        yield c


@pytest.fixture
def fresh() -> Iterator[Sandbox]:
    """A sandbox of its own, for tests that write or change controls."""
    with Sandbox() as sb:
        yield sb


@pytest.fixture
def fresh_client(fresh: Sandbox) -> Iterator[httpx.Client]:
    """Basic-auth client for the fresh sandbox."""
    with api_client(fresh) as c:
        yield c
