"""Tab completion inside ``%jama`` / ``%%jama`` lines (pure; the IPython hook is in support.py).

``complete("%jama GET /items/42/ch", connections=[...])`` returns the word being
completed and its candidates: methods, subcommands, option names, connection
nicknames (after ``-c``, ``use``, ``disconnect``), query parameter names after
``-p``, and relative URLs from the packaged catalogue. Path templates match
concrete segments, so ``/items/42/ch`` completes to ``/items/42/children``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .. import catalog
from .options import (
    METHODS,
    POSITIONALS,
    REQUEST,
    SUBCOMMANDS,
    flags_for,
    option_for,
)

__all__ = ["Completions", "complete", "magic_tail"]

_MAGIC = re.compile(r"(?:^|[\s=(])%{1,2}jama(?:\s|$)")
HELP_TOPICS = (*SUBCOMMANDS, REQUEST)


@dataclass(frozen=True)
class Completions:
    """``fragment`` (the text before the cursor being completed) and its ``matches``."""

    fragment: str
    matches: tuple[str, ...] = ()


def magic_tail(text_until_cursor: str) -> str | None:
    """The text after ``%jama``/``%%jama`` on this line, or None when it is not a jama line."""
    ends = [m.end() for m in _MAGIC.finditer(text_until_cursor)]
    return text_until_cursor[ends[-1] :] if ends else None


def complete(line: str, *, connections: Sequence[str] = ()) -> Completions:
    """Candidates for the last word of ``line`` (text until the cursor, with or without %jama)."""
    tail = magic_tail(line)
    text = line if tail is None else tail
    words = text.split()
    current = "" if not text or text[-1].isspace() else words.pop()
    matches = _candidates(words, current, list(connections))
    return Completions(current, tuple(m for m in matches if _starts(m, current)))


def _starts(candidate: str, current: str) -> bool:
    if candidate.startswith(current):
        return True
    return candidate.isupper() and candidate.startswith(current.upper())  # `get` -> GET


def _candidates(words: list[str], current: str, connections: list[str]) -> list[str]:
    if not words:
        if current.startswith("/"):
            return _urls(current, method=None)
        if current.startswith("-"):
            return flags_for(REQUEST)
        return [*SUBCOMMANDS, *METHODS]
    context = words[0].lower() if words[0].lower() in SUBCOMMANDS else REQUEST
    value_of = option_for(context, words[-1])
    if value_of is not None and value_of.takes_value:
        return _option_values(value_of.completes, words, current, connections)
    if current.startswith("-"):
        return flags_for(context)
    if context == REQUEST:
        return _request_word(words, current)
    return _positional(context, words, connections)


def _option_values(
    kind: str | None, words: list[str], current: str, connections: list[str]
) -> list[str]:
    if kind == "connection":
        return connections
    if kind == "param" and "=" not in current:
        method, url = _method_and_url(words)
        return [f"{name}=" for name in catalog.query_params(url or "", method)]
    return []


def _request_word(words: list[str], current: str) -> list[str]:
    method, url = _method_and_url(words)
    if url is None and (current.startswith("/") or words[-1].upper() in METHODS):
        return _urls(current, method=method)
    return flags_for(REQUEST) if not current else []


def _positional(context: str, words: list[str], connections: list[str]) -> list[str]:
    given = [w for w in words[1:] if not w.startswith("-")]
    if context not in POSITIONALS or given:
        return flags_for(context)
    kind = POSITIONALS[context][2]
    if kind == "connection":
        return connections
    return list(HELP_TOPICS) if kind == "topic" else []


def _method_and_url(words: list[str]) -> tuple[str, str | None]:
    method = next((w.upper() for w in words if w.upper() in METHODS), "GET")
    url = next((w for w in words if w.startswith("/")), None)
    return method, url


def _urls(current: str, *, method: str | None) -> list[str]:
    """Catalogue paths matching what was typed; ``{placeholders}`` match any typed segment."""
    typed = current.split("/")
    found: set[str] = set()
    for template in catalog.endpoint_paths():
        if method and method not in catalog.methods_for(template):
            continue
        segments = template.split("/")
        if len(segments) < len(typed) or not _segments_match(typed, segments):
            continue
        last, rest = typed[-1], segments[len(typed) - 1 :]
        if rest[0].startswith("{") and last and last != rest[0]:
            if not last.isdigit() or len(rest) == 1:
                continue  # a typed id fills the placeholder: offer only the deeper paths
            rest = [last, *rest[1:]]
        found.add("/".join([*typed[:-1], *rest]))
    return sorted(found)


def _segments_match(typed: list[str], segments: list[str]) -> bool:
    for have, want in zip(typed[:-1], segments, strict=False):
        if have != want and not want.startswith("{"):
            return False
    last, want = typed[-1], segments[len(typed) - 1]
    return want.startswith(last) or want.startswith("{")
