"""``%jama sandbox``: start, reuse, restart (with new options) or stop the embedded sandbox."""

from __future__ import annotations

from typing import Any

from IPython.core.error import UsageError

from .. import api
from ..connection import Connection
from ..state import session

__all__ = ["run_sandbox", "sandbox_text"]


def run_sandbox(*, stop: bool, **options: Any) -> None:
    """Start the sandbox, reuse the running one, or restart it when options are given."""
    running = api.running_sandbox()
    given = {name: value for name, value in options.items() if value is not None}
    if stop:
        return _stop(given)
    if running is not None and given:
        print(f"restarting the sandbox with {_flags(given)} (a fresh dataset)")
        api.stop_sandbox()
    sb, conn = api.start_sandbox(
        port=options["port"] or 0,
        latency_ms=options["latency"] or 0.0,
        rate_limit=options["rate_limit"],
        items=options["items"],
        seed=options["seed"] or 0,
    )
    print(sandbox_text(sb.url, conn, reused=running is not None and not given))
    return None


def sandbox_text(url: str, conn: Connection, *, reused: bool) -> str:
    """What ``%jama sandbox`` prints: where it runs and what to try (never the password)."""
    state = "already running" if reused else "running"
    return "\n".join(
        [
            f"Jama sandbox {state} at {url}; connection '{conn.nickname}' (user "
            f"{conn.username!r}) is now the default.",
            "Try:  %jama GET /projects    %jama whoami    %jama GET /items -p project=20 --all "
            "--df",
        ]
    )


def _stop(given: dict[str, Any]) -> None:
    if given:
        raise UsageError(f"%jama sandbox --stop takes no other option (got {_flags(given)})")
    running = api.running_sandbox()
    if running is None:
        print("no sandbox is running")
        return
    url = running.url
    api.stop_sandbox()
    left = session.registry.default_name
    tail = f"; default is now '{left}'" if left else ""
    print(f"stopped the sandbox at {url} and removed connection 'sandbox'{tail}")


def _flags(options: dict[str, Any]) -> str:
    """``{"rate_limit": 5.0}`` as ``--rate-limit 5``."""
    shown = {k: f"{v:g}" if isinstance(v, float) else v for k, v in options.items()}
    return " ".join(f"--{name.replace('_', '-')} {value}" for name, value in shown.items())
