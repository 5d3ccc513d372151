"""IPython-side helpers of the magics: settings traits, completion hook, display texts.

Kept out of ``commands.py`` so that module reads as the list of commands.
"""

from __future__ import annotations

import contextlib
import difflib
import importlib
import json
import re
import sys
import threading
from typing import Any

import traitlets
from IPython.core.error import UsageError
from traitlets import TraitError

from ..codegen import paging_note
from ..errors import InvalidSettingError, JamaError
from ..response import RequestView
from ..safetext import clean_line
from ..secrets import env_var_name
from ..settings import SETTINGS
from ..settings import validate as check_setting
from ..state import session
from .completer import complete, magic_tail
from .parse import RequestSpec, parse_line

__all__ = [
    "Bool",
    "Float",
    "InSettings",
    "Int",
    "UserInfo",
    "ask",
    "dry_run_text",
    "install_completer",
    "install_config_check",
    "install_formatters",
    "interrupted_text",
    "uninstall_completer",
    "uninstall_config_check",
    "uninstall_formatters",
    "warm_up",
]

MATCHER_ID = "jama_magic"


class InSettings:
    """Trait mixin: the value lives in ``jama_magic.settings``, so both views are one state."""

    name: str

    def get(self, obj: Any, cls: Any = None) -> Any:
        return getattr(session.settings, self.name)

    def set(self, obj: Any, value: Any) -> None:
        new = self._validate(obj, value)  # type: ignore[attr-defined]
        old = getattr(session.settings, self.name)
        try:
            setattr(session.settings, self.name, new)
        except InvalidSettingError as exc:
            raise TraitError(str(exc)) from None
        if old != new:
            obj._notify_trait(self.name, old, new)


# Named like traitlets' own types so `%config JamaMagic` reads as usual.
class Int(InSettings, traitlets.Int):  # type: ignore[misc,type-arg]
    """An int setting."""


class Float(InSettings, traitlets.Float):  # type: ignore[misc,type-arg]
    """A float setting."""


class Bool(InSettings, traitlets.Bool):  # type: ignore[misc,type-arg]
    """A bool setting."""


def ask(question: str) -> bool:
    """Ask the user to confirm a write; no answer (no stdin, Ctrl-C) means no."""
    try:
        return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")
    except (EOFError, OSError, RuntimeError, KeyboardInterrupt):  # Ctrl-C at the prompt: no
        return False


class UserInfo(dict[str, Any]):
    """What ``%jama whoami`` returns: Jama's user dict, shown as ``alice (Alice Smith) on prod``."""

    def __init__(self, user: dict[str, Any], *, nickname: str) -> None:
        super().__init__(user)
        self.nickname = nickname

    def summary(self) -> str:
        # names come from the server: one clean line each (no escape sequences)
        full = clean_line(f"{self.get('firstName') or ''} {self.get('lastName') or ''}", 120)
        who = clean_line(self.get("username") or "?", 120)
        return f"{who} ({full}) on {self.nickname}" if full else f"{who} on {self.nickname}"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.summary())


def interrupted_text(line: str) -> str:
    """What Ctrl-C stopped, for the ``%jama`` line that was running."""
    try:
        parsed = parse_line(line)
    except JamaError:
        return "stopped"
    if isinstance(parsed, RequestSpec):
        if parsed.method == "GET":
            return "the request and any pages in flight were cancelled"
        return (
            f"the {parsed.method} was cancelled, but it may have reached the server: check "
            "with a GET before sending it again"
        )
    if parsed.name == "connect":
        return f"connection '{parsed.args['nickname']}' was not made"
    if parsed.name in ("whoami", "diff", "trace"):
        return "the requests in flight were cancelled"
    return "stopped"


def dry_run_text(view: RequestView) -> str:
    """The request as it would be sent (secret masked) and its curl equivalent."""
    note = paging_note(view)
    lines = [f"{view.method} {view.url}", *([f"# {note}"] if note else [])]
    lines += [f"{name}: {value}" for name, value in view.headers]
    if view.body is not None:
        lines += ["", json.dumps(view.body, indent=2, ensure_ascii=False, default=str)]
    kind = "CLIENT_SECRET" if view.auth_kind == "oauth" else "PASSWORD"
    env = env_var_name(view.nickname, kind) if view.nickname else "the password variable"
    lines += ["", f"# curl equivalent (secret from ${env}):", view.to_curl()]
    return "\n".join(lines)


def install_formatters(ip: Any, text: Any) -> None:
    """Show a ``RequestView`` (what ``--dry-run`` returns) as ``text(view)``."""
    plain = ip.display_formatter.formatters["text/plain"]
    plain.for_type(RequestView, lambda obj, p, cycle: p.text(text(obj)))


def uninstall_formatters(ip: Any) -> None:
    ip.display_formatter.formatters["text/plain"].type_printers.pop(RequestView, None)


def _matcher(context: Any) -> dict[str, Any]:
    """IPython Matcher API v2: jama completions on %jama/%%jama lines."""
    from IPython.core.completer import SimpleCompletion

    before = context.text_until_cursor
    if magic_tail(before) is None:
        return {"completions": [], "suppress": False}
    found = complete(before, connections=session.registry.names())
    return {
        "completions": [SimpleCompletion(m, type="jama") for m in found.matches],
        "matched_fragment": found.fragment,
        "suppress": bool(found.matches),
    }


_matcher.matcher_identifier = MATCHER_ID  # type: ignore[attr-defined]
_matcher.matcher_api_version = 2  # type: ignore[attr-defined]
_matcher.matcher_priority = 10  # type: ignore[attr-defined]


def install_completer(ip: Any) -> None:
    """Add the jama matcher to the shell's completer (once)."""
    matchers = ip.Completer.custom_matchers
    if _matcher not in matchers:
        matchers.append(_matcher)


def uninstall_completer(ip: Any) -> None:
    matchers = ip.Completer.custom_matchers
    while _matcher in matchers:
        matchers.remove(_matcher)


# `%config` logs a refused value ("ERROR:root:...") and lets the cell succeed; its
# line is checked first, so a bad JamaMagic value fails like every other mistake.
_ASSIGNMENT = re.compile(r"\s*JamaMagic\.(\w+)\s*=(?!=)(.*)", re.DOTALL)


def check_config_line(line: str, namespace: dict[str, Any]) -> None:
    """``UsageError`` for ``JamaMagic.name = value`` with an unknown name or a refused value."""
    match = _ASSIGNMENT.fullmatch(line)
    if match is None:
        return
    name, expr = match.groups()
    if name not in SETTINGS:
        close = difflib.get_close_matches(name, SETTINGS, n=1)
        hint = f"; did you mean {close[0]}?" if close else f"; known: {', '.join(SETTINGS)}"
        raise UsageError(f"JamaMagic has no setting '{name}'{hint}")
    try:
        value = eval(expr, namespace)  # as %config itself evaluates it
    except Exception:
        return  # %config reports its own error for an expression it cannot evaluate
    try:
        check_setting(name, value)
    except InvalidSettingError as exc:
        raise UsageError(f"{exc} (nothing changed)") from None


def install_config_check(ip: Any) -> None:
    """Put ``check_config_line`` in front of ``%config`` (once)."""
    original = ip.find_line_magic("config")  # loads IPython's lazily registered magic
    if original is None or hasattr(original, "jama_original"):
        return

    def config(line: str) -> Any:
        check_config_line(line, ip.user_ns)
        return original(line)

    config.jama_original = original  # type: ignore[attr-defined]
    config.__doc__ = original.__doc__
    ip.magics_manager.magics["line"]["config"] = config


def uninstall_config_check(ip: Any) -> None:
    """Give ``%config`` back its own function."""
    magics = ip.magics_manager.magics["line"]
    original = getattr(magics.get("config"), "jama_original", None)
    if original is not None:
        magics["config"] = original


def warm_up(module: str = "pandas") -> None:
    """Import ``module`` on a background thread, so the first table (``%jama connections``,
    ``--df``, a response's summary) does not wait a second for pandas."""
    if module not in sys.modules:
        threading.Thread(
            target=_import, args=(module,), name="jama_magic-warm-up", daemon=True
        ).start()


def _import(module: str) -> None:
    with contextlib.suppress(Exception):  # not installed or broken: the first real use says so
        importlib.import_module(module)
