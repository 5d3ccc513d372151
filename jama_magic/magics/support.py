"""IPython-side helpers of the magics: settings traits, completion hook, display texts.

Kept out of ``commands.py`` so that module reads as the list of commands.
"""

from __future__ import annotations

import json
from typing import Any

import traitlets
from traitlets import TraitError

from ..connections import Connection
from ..errors import InvalidSettingError
from ..response import JamaResponse, RequestView
from ..safetext import clean_line
from ..secrets import env_var_name
from ..state import session
from .completer import complete, magic_tail

__all__ = [
    "Bool",
    "Float",
    "InSettings",
    "Int",
    "ask",
    "connections_table",
    "dry_run_text",
    "install_completer",
    "install_formatters",
    "sandbox_text",
    "uninstall_completer",
    "uninstall_formatters",
    "whoami_text",
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
    """Ask the user to confirm a write; no answer (no stdin) means no."""
    try:
        return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")
    except (EOFError, OSError, RuntimeError):
        return False


def connections_table() -> Any:
    """The registered connections as a DataFrame (never secrets), or None when there are none."""
    conns = session.registry.all()
    if not conns:
        return None
    import pandas as pd

    return pd.DataFrame([_row(c) for c in conns]).set_index("nickname")


def _row(conn: Connection) -> dict[str, Any]:
    return {
        "nickname": conn.nickname,
        "base URL": conn.base_url,
        "user": conn.user_label,
        "auth": conn.auth_kind,
        "read-only": conn.read_only,
        "default": conn.nickname == session.registry.default_name,
    }


def whoami_text(resp: JamaResponse, nickname: str) -> str:
    """``alice (Alice Smith) on prod``."""
    data = resp.data if isinstance(resp.data, dict) else {}
    full = clean_line(f"{data.get('firstName') or ''} {data.get('lastName') or ''}", 120)
    who = clean_line(data.get("username") or "?", 120)
    return f"{who} ({full}) on {nickname}" if full else f"{who} on {nickname}"


def sandbox_text(url: str, conn: Connection, *, reused: bool, options_given: bool) -> str:
    """What ``%jama sandbox`` prints: where it runs and what to try (never the password)."""
    state = "already running" if reused else "running"
    lines = [
        f"Jama sandbox {state} at {url}; connection '{conn.nickname}' (user "
        f"{conn.username!r}) is now the default.",
        "Try:  %jama GET /projects    %jama whoami    %jama GET /items -p project=20 --all --df",
    ]
    if reused and options_given:
        lines.append("(options ignored: the running sandbox is reused; jm.stop_sandbox() first)")
    return "\n".join(lines)


def dry_run_text(view: RequestView) -> str:
    """The request as it would be sent (secret masked) and its curl equivalent."""
    lines = [f"{view.method} {view.url}"]
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
