"""The connections of this session: the ones made, the saved ones and the environment's.

``ConnectionRegistry`` (``jama_magic.registry``, held by the session in
``state.py``) knows every connection by nickname and which one is the default.
On first use it loads the connections saved in the config file and the
environment-only ``default`` connection (``JAMA_URL``/``JAMA_SUBDOMAIN``,
``JAMA_USERNAME``, ``JAMA_PASSWORD``).
"""

from __future__ import annotations

import os
import types
import weakref
from collections.abc import Callable

from .config import load_saved
from .connection import Connection, make_connection
from .errors import JamaUsageError, UnknownConnectionError

__all__ = ["ConnectionRegistry"]

Listener = Callable[[], None]
Ref = Callable[[], Listener | None]


class ConnectionRegistry:
    """The connections of this session, with a default one."""

    def __init__(self) -> None:
        self._conns: dict[str, Connection] = {}
        self._default: str | None = None
        self._listeners: list[Ref] = []
        self._loaded = False

    def add(self, conn: Connection, *, default: bool = False) -> Connection:
        self._ensure_loaded()
        self._conns[conn.nickname] = conn
        if default or self._default is None:
            self._default = conn.nickname
        self._changed()
        return conn

    def get(self, nickname: str | None = None) -> Connection:
        """The connection called ``nickname``, or the default one."""
        self._ensure_loaded()
        if nickname is not None and not (isinstance(nickname, str) and nickname.strip()):
            raise UnknownConnectionError(
                f"empty connection name {nickname!r}: give a nickname, or leave -c out for the "
                f"default ({self._default or 'there is none'})"
            )
        name = nickname or self._default
        if name is None:
            raise UnknownConnectionError(
                "no connection to use: run `%jama connect NICK --url URL --username USER` "
                "(or `%jama sandbox` for a local demo)"
            )
        if name not in self._conns:
            known = ", ".join(sorted(self._conns)) or "none"
            raise UnknownConnectionError(f"unknown connection '{name}'; known: {known}")
        return self._conns[name]

    def replace(self, conn: Connection) -> None:
        """Update a registered connection in place (e.g. once its secret is known)."""
        self._conns[conn.nickname] = conn

    def remember(self, conn: Connection) -> None:
        """Keep the secret found for ``conn`` if it is still the registered connection."""
        try:
            current = self.get(conn.nickname)
        except JamaUsageError:  # not registered (a bare JamaClient): nothing to remember
            return
        if current.base_url == conn.base_url and current.username == conn.username:
            self.replace(conn)

    def remove(self, nickname: str) -> Connection:
        conn = self.get(nickname)
        del self._conns[nickname]
        if self._default == nickname:
            self._default = next(iter(self._conns), None)
        self._changed()
        return conn

    def use(self, nickname: str) -> Connection:
        conn = self.get(nickname)
        self._default = nickname
        self._changed()
        return conn

    @property
    def default_name(self) -> str | None:
        self._ensure_loaded()
        return self._default

    def names(self) -> list[str]:
        self._ensure_loaded()
        return list(self._conns)

    def all(self) -> list[Connection]:
        self._ensure_loaded()
        return list(self._conns.values())

    def on_change(self, callback: Listener) -> None:
        """Call ``callback()`` after every change.

        A bound method is held weakly: a panel nobody uses any more is not kept
        alive (and called) by the registry. Other callables are held as given.
        """
        self._prune()
        self._listeners.append(_ref(callback))

    def off_change(self, callback: Listener) -> None:
        for ref in self._listeners:
            if ref() == callback:
                self._listeners.remove(ref)
                return

    @property
    def listener_count(self) -> int:
        """How many listeners are still alive (a diagnostic: panels should not pile up)."""
        return sum(ref() is not None for ref in self._listeners)

    def clear(self) -> None:
        """Forget everything (tests); saved and env connections load again on next use."""
        self._conns.clear()
        self._default = None
        self._loaded = False
        self._changed()

    def reset(self) -> None:
        """``clear()``, and stop telling the listeners (panels) about changes."""
        self._listeners.clear()
        self.clear()

    def _changed(self) -> None:
        self._prune()
        for ref in list(self._listeners):
            callback = ref()
            if callback is not None:  # it may have died during an earlier callback
                callback()

    def _prune(self) -> None:
        self._listeners = [ref for ref in self._listeners if ref() is not None]

    def _ensure_loaded(self) -> None:
        if self._loaded:
            return
        self._loaded = True  # a broken file is reported once, not on every access
        try:
            saved = load_saved()
        except JamaUsageError:
            self._register_loaded(_env_default())  # the env connection still works
            raise
        self._register_loaded([*saved, *_env_default()])

    def _register_loaded(self, conns: list[Connection]) -> None:
        for conn in conns:
            self._conns.setdefault(conn.nickname, conn)
            if self._default is None:
                self._default = conn.nickname


def _ref(callback: Listener) -> Ref:
    """A weak reference to a bound method; a plain function or lambda is kept as it is."""
    if isinstance(callback, types.MethodType):
        return weakref.WeakMethod(callback)
    return lambda: callback


def _env_default() -> list[Connection]:
    """The environment-only ``default`` connection, when its variables are set."""
    env = os.environ
    url, sub = env.get("JAMA_URL"), env.get("JAMA_SUBDOMAIN")
    user, password = env.get("JAMA_USERNAME"), env.get("JAMA_PASSWORD")
    if not ((url or sub) and user and password):
        return []
    try:
        conn = make_connection(
            "default", url=url, subdomain=None if url else sub, username=user, password=password
        )
    except JamaUsageError as exc:
        where = "environment connection 'default' (JAMA_URL/JAMA_SUBDOMAIN)"
        raise JamaUsageError(f"{where}: {exc}") from exc
    return [conn]
