"""The settings of jama_magic (``jm.settings`` and ``%config JamaMagic.*``).

One state for every front door: the session (``state.py``) holds the one
``Settings``; the magics' traitlets read and write it, so a change made
either way is seen by the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import InvalidSettingError

__all__ = ["SETTINGS", "Settings", "validate"]


@dataclass(frozen=True)
class _Rule:
    default: Any
    kind: type
    check: Callable[[Any], bool]
    expect: str
    optional: bool = False


SETTINGS: dict[str, _Rule] = {
    "page_size": _Rule(50, int, lambda v: 1 <= v <= 50, "an integer from 1 to 50"),
    "max_concurrency": _Rule(16, int, lambda v: 1 <= v <= 64, "an integer from 1 to 64"),
    # None: learned per connection (see pacing.py); a number: a hard cap, never exceeded
    "rate_limit": _Rule(
        None, float, lambda v: v > 0, "requests/s > 0 (a hard cap), or None to learn it", True
    ),
    "retries": _Rule(5, int, lambda v: 0 <= v <= 20, "an integer from 0 to 20"),
    "timeout": _Rule(30.0, float, lambda v: v > 0, "seconds > 0"),
    "display_rows": _Rule(20, int, lambda v: 0 <= v <= 10_000, "an integer from 0 to 10000"),
    "short_errors": _Rule(True, bool, lambda v: True, "True or False"),
    "max_body_mb": _Rule(32, int, lambda v: 1 <= v <= 4096, "an integer from 1 to 4096 (MiB)"),
}


class Settings:
    """Validated settings; assigning a bad value raises ``InvalidSettingError``."""

    page_size: int
    max_concurrency: int
    rate_limit: float | None
    retries: int
    timeout: float
    display_rows: int
    short_errors: bool
    max_body_mb: int

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Back to the defaults."""
        for name, rule in SETTINGS.items():
            object.__setattr__(self, name, rule.default)

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, validate(name, value))

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in SETTINGS}

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.as_dict().items())
        return f"Settings({inner})"


def validate(name: str, value: Any) -> Any:
    """``value`` converted for setting ``name``, or ``InvalidSettingError``."""
    rule = SETTINGS.get(name)
    if rule is None:
        raise InvalidSettingError(f"unknown setting '{name}'; known: {', '.join(SETTINGS)}")
    if value is None and rule.optional:
        return None
    if rule.optional and value in (0, False) and rule.kind is float:
        return None  # rate_limit = 0 means no cap, like None: the rate is learned
    converted = _convert(rule, value)
    if converted is None or not rule.check(converted):
        raise InvalidSettingError(f"setting {name} must be {rule.expect}, not {value!r}")
    return converted


def _convert(rule: _Rule, value: Any) -> Any:
    if rule.kind is bool:
        return value if isinstance(value, bool) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if rule.kind is int:
        return value if isinstance(value, int) else None
    return float(value)
