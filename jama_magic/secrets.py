"""Secrets as a type: masked everywhere, revealed only where auth is built.

A password or client secret is found, in order: given in Python, the
environment (``JAMA_<NICKNAME>_PASSWORD``), the system keyring (service
``jama_magic``, user = nickname) when ``keyring`` is installed, then an
interactive ``getpass`` prompt. Without an interactive stdin the lookup fails
with a message naming the environment variable to set instead of hanging.
"""

from __future__ import annotations

import getpass
import os
import re
import sys
from typing import Any, NoReturn

from .errors import SecretNotFoundError

__all__ = ["MASK", "Secret", "env_var_name", "lookup_secret"]

MASK = "********"
KEYRING_SERVICE = "jama_magic"


class Secret:
    """A string that never shows itself: ``repr`` and ``str`` are masked."""

    __slots__ = ("_value",)

    def __init__(self, value: str | Secret) -> None:
        if isinstance(value, Secret):
            value = value.reveal()
        if not isinstance(value, str):
            raise TypeError("a secret must be a string")
        self._value = value

    def encodable(self) -> bool:
        """Whether it can be sent (UTF-8): os.environ keeps undecodable bytes as surrogates."""
        try:
            self._value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True

    def reveal(self) -> str:
        """The plain value: call only where the auth header is built."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{MASK}')"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return MASK

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> NoReturn:
        raise TypeError("secrets cannot be pickled")

    def __copy__(self) -> Secret:
        return self  # immutable: copying (and deepcopy of a Connection) shares it

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self


def env_var_name(nickname: str, kind: str = "PASSWORD") -> str:
    """``JAMA_<NICKNAME>_<KIND>`` with the nickname upper-cased, ``-``/``.`` as ``_``."""
    return f"JAMA_{re.sub(r'[-.]', '_', nickname).upper()}_{kind}"


def lookup_secret(
    nickname: str, given: str | Secret | None = None, *, kind: str = "PASSWORD", prompt: bool = True
) -> Secret:
    """Find the secret of ``kind`` for connection ``nickname`` (see module docstring)."""
    if given is not None:
        return Secret(given)
    var = env_var_name(nickname, kind)
    # a Secret at once: no plain local for a traceback to print
    found = Secret(os.environ.get(var) or _from_keyring(nickname, kind) or "")
    if found and not found.encodable():
        raise SecretNotFoundError(
            f"the {_label(kind)} in {var} (or the keyring) is not valid UTF-8 text: set it "
            "again in a UTF-8 locale"
        )
    if found:
        return found
    if prompt and _interactive():
        return Secret(_ask(nickname, kind, var))
    raise SecretNotFoundError(
        f"no {_label(kind)} for connection '{nickname}': set the environment variable {var} "
        f"(or store it in the keyring: service '{KEYRING_SERVICE}', "
        f"user '{_keyring_user(nickname, kind)}')"
    )


def _label(kind: str) -> str:
    return kind.lower().replace("_", " ")


def _keyring_user(nickname: str, kind: str) -> str:
    return nickname if kind == "PASSWORD" else f"{nickname}:{kind.lower()}"


def _from_keyring(nickname: str, kind: str) -> str | None:
    try:
        import keyring
    except ImportError:
        return None
    try:
        value: Any = keyring.get_password(KEYRING_SERVICE, _keyring_user(nickname, kind))
    except Exception:  # no usable backend on this machine: fall through to the prompt
        return None
    return value if isinstance(value, str) else None


def _interactive() -> bool:
    if _in_kernel():  # the kernel forwards getpass to the front end
        return True
    stdin = sys.stdin
    return stdin is not None and not stdin.closed and stdin.isatty()


def _in_kernel() -> bool:
    # a running kernel, not merely an imported ipykernel (tests and tools import it)
    app = getattr(sys.modules.get("ipykernel.kernelapp"), "IPKernelApp", None)
    return bool(app is not None and app.initialized())


def _ask(nickname: str, kind: str, var: str) -> str:
    try:
        value = getpass.getpass(f"Jama {_label(kind)} for '{nickname}': ")
    except Exception as exc:  # e.g. StdinNotImplementedError when the front end has no stdin
        raise SecretNotFoundError(
            f"cannot ask for the {_label(kind)} of '{nickname}' here: set the environment "
            f"variable {var}"
        ) from exc
    if not value:
        raise SecretNotFoundError(f"no {_label(kind)} entered for '{nickname}'")
    return value
