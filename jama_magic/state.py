"""The session: every piece of state jama_magic keeps in a process, in one object.

``session.registry`` (the connections), ``session.settings``,
``session.clients`` (one ``JamaClient`` per connection nickname),
``session.lookups`` (cached names per connection), ``session.sandbox`` (the
one ``start_sandbox`` runs) and ``session.io`` (the I/O loop). ``drop``
forgets everything of one connection; ``reset`` starts afresh (tests use it).
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

from .registry import ConnectionRegistry
from .runner import IOLoop
from .settings import Settings

if TYPE_CHECKING:
    from .client import JamaClient
    from .lookups import ConnectionLookups
    from .sandbox import Sandbox

__all__ = ["Session", "session"]


class Session:
    """The connections, settings, clients, lookups, sandbox and I/O loop of this process."""

    def __init__(self) -> None:
        self.registry = ConnectionRegistry()
        self.settings = Settings()
        self.io = IOLoop()
        self.clients: dict[str, JamaClient] = {}
        self.lookups: dict[tuple[str, str], ConnectionLookups] = {}
        self.sandbox: Sandbox | None = None
        self.lock = threading.RLock()  # guards clients and lookups

    def drop(self, nickname: str, *, keep_url: str | None = None) -> None:
        """Forget the client and the lookups of connection ``nickname`` (closing the client).

        ``keep_url``: keep the client and the lookups cached for that base URL, and
        drop only the lookups of the nickname's other URLs.
        """
        with self.lock:
            client = None if keep_url else self.clients.pop(nickname, None)
            keys = [k for k in self.lookups if k[0] == nickname and k[1] != keep_url]
            gone = [self.lookups.pop(key) for key in keys]
        for lookups in gone:
            lookups.detach()
        if client is not None:
            client.close_soon()

    def reset(self) -> None:
        """A fresh session: no connections, clients, lookups or sandbox; default settings."""
        if self.sandbox is not None:
            self.sandbox.stop()
            self.sandbox = None
        self.registry.reset()
        self.settings.reset()
        with self.lock:
            nicknames = {*self.clients, *(nickname for nickname, _ in self.lookups)}
        for nickname in nicknames:
            self.drop(nickname)

    def _after_fork(self) -> None:
        # the clients' pools and locks belong to the parent's I/O loop, which the child lacks
        self.clients.clear()
        self.lock = threading.RLock()
        self.io.forget()


session = Session()
os.register_at_fork(after_in_child=session._after_fork)
