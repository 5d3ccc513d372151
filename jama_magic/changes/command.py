"""The words after ``%jama diff``, checked and turned into a diff (no IPython here).

``item ITEM [V1 [V2]]`` compares two versions of an item (an id or a
document key); ``baselines A [B]`` two baselines (ids or names), or baseline
A and the project now when B is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..errors import JamaUsageError
from .baselines import diff_baselines
from .result import Diff
from .versions import diff_versions

if TYPE_CHECKING:
    from ..paging import Progress

__all__ = ["USAGE", "diff_from_words"]

USAGE = "%jama diff item ITEM [V1 [V2]] or %jama diff baselines A [B]"


def diff_from_words(
    words: Sequence[str],
    *,
    connection: str | None = None,
    relationships: bool = True,
    progress: Progress | None = None,
) -> Diff:
    """The diff ``words`` ask for; a one-line error with the usage when they make no sense."""
    kind, rest = (words[0].lower(), list(words[1:])) if words else ("", [])
    if kind == "item" and 1 <= len(rest) <= 3:
        v1, v2 = (_number(word, "a version") for word in (rest + [""] * 2)[1:3])
        return diff_versions(rest[0], v1, v2, connection=connection)
    if kind == "baselines" and 1 <= len(rest) <= 2:
        return diff_baselines(
            rest[0],
            rest[1] if len(rest) > 1 else None,  # ids or names
            connection=connection,
            relationships=relationships,
            progress=progress,
        )
    raise JamaUsageError(f"expected {USAGE}; got %jama diff {' '.join(words)}".rstrip())


def _number(word: str, what: str) -> int | None:
    if not word:
        return None
    if not word.isdigit():
        raise JamaUsageError(f"expected {what} (a whole number), got {word!r}; usage: {USAGE}")
    return int(word)
