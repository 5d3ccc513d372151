"""The options of every ``%jama`` subcommand and of requests, declared once.

The parser (``parse``), the completer and the help text all read these
tables, so an option added here is parsed, completed and documented.
"""

from __future__ import annotations

import argparse
import keyword
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from ..connection import API_VERSIONS
from ..request import METHODS

__all__ = [
    "METHODS",
    "NOTES",
    "OPTIONS",
    "POSITIONALS",
    "SUBCOMMANDS",
    "Option",
    "flags_for",
    "option_for",
]

SUBCOMMANDS: Final = (
    "connect",
    "connections",
    "use",
    "disconnect",
    "whoami",
    "sandbox",
    "panel",
    "diff",
    "trace",
    "help",
    "sync",
    "mirror",
)
REQUEST: Final = "request"  # the options table of `%jama [METHOD] URL ...`


@dataclass(frozen=True)
class Option:
    """One option: its flags, argparse settings, help, and what its value completes to."""

    flags: tuple[str, ...]
    help: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    completes: str | None = None  # "connection", "param", "topic" or None

    @property
    def takes_value(self) -> bool:
        return self.kwargs.get("action") not in ("store_true", "store_false")


def _typed(name: str, convert: Callable[[str], Any], check: Callable[[Any], bool]) -> Any:
    def parse(text: str) -> Any:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {name}, got {text!r}") from None
        if not check(value):
            raise argparse.ArgumentTypeError(f"expected {name}, got {text!r}")
        return value

    return parse


def _pair(sep: str, shape: str) -> Any:
    def parse(text: str) -> tuple[str, str]:
        key, found, value = text.partition(sep)
        if not found or not key.strip():
            raise argparse.ArgumentTypeError(f"expected {shape}, got {text!r}")
        return key.strip(), value.strip() if sep == ":" else value

    return parse


def _identifier(text: str) -> str:
    if not text.isidentifier() or keyword.iskeyword(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a valid Python variable name")
    return text


SECONDS = _typed("seconds > 0", float, lambda v: v > 0)
POSITIVE_INT = _typed("a whole number >= 1", int, lambda v: v >= 1)
FLAG: Final = {"action": "store_true"}

_CONNECTION = Option(
    ("-c", "--connection"),
    "use this connection instead of the default",
    {"metavar": "NICK"},
    "connection",
)

OPTIONS: Final[dict[str, tuple[Option, ...]]] = {
    REQUEST: (
        _CONNECTION,
        Option(
            ("-p", "--param"),
            "query parameter KEY=VALUE; repeatable, a repeated key is sent repeatedly",
            {"action": "append", "type": _pair("=", "KEY=VALUE"), "metavar": "KEY=VALUE"},
            "param",
        ),
        Option(
            ("-q", "--query"), "query parameters from a dict in the namespace", {"metavar": "EXPR"}
        ),
        Option(
            ("-H", "--header"),
            'header "Name: value"; repeatable',
            {"action": "append", "type": _pair(":", "'Name: value'"), "metavar": "'NAME: VALUE'"},
        ),
        Option(("--headers",), "headers from a dict in the namespace", {"metavar": "EXPR"}),
        Option(
            ("-b", "--body"), "body from a Python object instead of the cell", {"metavar": "EXPR"}
        ),
        Option(
            ("-o", "--out"),
            "also store the response as NAME",
            {"type": _identifier, "metavar": "NAME"},
        ),
        Option(("--all",), "follow paging and merge every page", {**FLAG, "dest": "all_pages"}),
        Option(("--limit",), "stop after N items", {"type": POSITIVE_INT, "metavar": "N"}),
        Option(("--df",), "show (and return) the DataFrame view", FLAG),
        Option(("--timeout",), "per-request timeout in seconds", {"type": SECONDS, "metavar": "S"}),
        Option(("--dry-run",), "show the request and a curl equivalent; send nothing", FLAG),
        Option(("--no-raise",), "show a 4xx/5xx response instead of raising", FLAG),
        Option(("--yes",), "skip the confirmation of a write (confirm_writes)", FLAG),
    ),
    "connect": (
        Option(
            ("--subdomain",), "Jama Cloud: https://SUBDOMAIN.jamacloud.com", {"metavar": "NAME"}
        ),
        Option(("--url",), "base URL of self-hosted Jama or a sandbox", {"metavar": "URL"}),
        Option(
            ("--username",), "user name (password: env, keyring or prompt)", {"metavar": "USER"}
        ),
        Option(
            ("--client-id",), "OAuth client id (secret: env, keyring or prompt)", {"metavar": "ID"}
        ),
        Option(("--api-version",), "latest (default), v1 or labs", {"choices": API_VERSIONS}),
        Option(("--no-verify",), "do not verify TLS certificates", FLAG),
        Option(("--ca-bundle",), "verify TLS with this CA bundle", {"metavar": "PATH"}),
        Option(("--timeout",), "default timeout in seconds", {"type": SECONDS, "metavar": "S"}),
        Option(
            ("--rate-limit",),
            "hard cap in requests/s for this connection (default: learned)",
            {"type": _typed("requests/s > 0", float, lambda v: v > 0), "metavar": "RPS"},
        ),
        Option(("--read-only",), "refuse POST, PUT, PATCH and DELETE", FLAG),
        Option(("--confirm-writes",), "ask before every write (--yes skips it)", FLAG),
        Option(("--save",), "save it (without secrets) for later sessions", FLAG),
        Option(("--default",), "make it the default connection", FLAG),
        Option(("--no-check",), "skip the credentials check (one GET /users/current)", FLAG),
    ),
    "connections": (),
    "use": (),
    "disconnect": (Option(("--forget",), "also remove it from the saved connections", FLAG),),
    "whoami": (_CONNECTION,),
    "sandbox": (
        Option(
            ("--port",),
            "port (default: a free one)",
            {"type": _typed("a port 0-65535", int, lambda v: 0 <= v <= 65535), "metavar": "N"},
        ),
        Option(
            ("--latency",),
            "added latency per request in ms",
            {"type": _typed("milliseconds >= 0", float, lambda v: v >= 0), "metavar": "MS"},
        ),
        Option(
            ("--rate-limit",),
            "requests/s before 429",
            {"type": _typed("requests/s > 0", float, lambda v: v > 0), "metavar": "RPS"},
        ),
        Option(("--items",), "dataset size", {"type": POSITIVE_INT, "metavar": "N"}),
        Option(("--seed",), "dataset seed", {"type": int, "metavar": "S"}),
        Option(("--stop",), "stop the running sandbox (and its connection 'sandbox')", FLAG),
    ),
    "panel": (),
    "diff": (
        _CONNECTION,
        Option(("--no-relationships",), "baselines: skip the relationships (fewer requests)", FLAG),
    ),
    "trace": (
        Option(
            ("--from",),
            "upstream item type: name, type key or id (repeat for several)",
            {"action": "append", "dest": "upstream", "required": True, "metavar": "TYPE"},
        ),
        Option(
            ("--to",),
            "downstream item type (repeat for several)",
            {"action": "append", "dest": "downstream", "required": True, "metavar": "TYPE"},
        ),
        Option(
            ("--type",),
            "relationship type to count (repeat for several; default: all)",
            {"action": "append", "dest": "relationship_type", "metavar": "NAME"},
        ),
        Option(("--mirror",), "read the local mirror instead of the network", FLAG),
        Option(("--excel",), "also write the workbook to PATH", {"metavar": "PATH"}),
        _CONNECTION,
    ),
    "help": (),
    # the local mirror (jama_magic.mirroring)
    "sync": (
        _CONNECTION,
        Option(("--to",), "mirror file (default: one per connection)", {"metavar": "PATH"}),
        Option(("--full",), "re-read everything and report what was missed", FLAG),
    ),
    "mirror": (_CONNECTION,),
}

# What a subcommand's help says below its options.
NOTES: Final[dict[str, str]] = {
    "sandbox": "Starts a Jama-compatible server on loopback as connection 'sandbox' (the "
    "default). While one runs, %jama sandbox reuses it; with options it restarts it with "
    "them (a fresh dataset: writes made to it are gone); --stop stops it.",
}

# Positional arguments of the subcommands: (name, nargs, what it completes to).
POSITIONALS: Final[dict[str, tuple[str, str | None, str]]] = {
    "connect": ("nickname", None, "nothing"),
    "use": ("nickname", None, "connection"),
    "disconnect": ("nickname", None, "connection"),
    "diff": ("words", "+", "nothing"),
    "trace": ("project", "+", "nothing"),
    "help": ("topic", "?", "topic"),
    "sync": ("projects", "+", "nothing"),
}


def flags_for(context: str) -> list[str]:
    """Every flag of ``context`` (a subcommand or ``"request"``)."""
    return [flag for opt in OPTIONS.get(context, ()) for flag in opt.flags]


def option_for(context: str, flag: str) -> Option | None:
    """The option of ``context`` that has ``flag``."""
    return next((o for o in OPTIONS.get(context, ()) if flag in o.flags), None)
