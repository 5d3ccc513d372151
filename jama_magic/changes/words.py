"""Changed words highlighted, for the side-by-side HTML view.

Both texts are split into words and the whitespace between them, matched
with :class:`difflib.SequenceMatcher`, and returned as HTML: words only in the
first text wrapped in ``<del>``, words only in the second in ``<ins>``,
everything escaped. Whitespace-only differences are not highlighted.
"""

from __future__ import annotations

import difflib
import html
import re

__all__ = ["highlight"]

_TOKENS = re.compile(r"\s+|[^\s]+")


def highlight(before: str, after: str) -> tuple[str, str]:
    """``(before_html, after_html)`` with the words that differ marked."""
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    left: list[str] = []
    right: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            left.append(_plain(old[i1:i2]))
            right.append(_plain(new[j1:j2]))
            continue
        left.append(_marked("del", old[i1:i2]))
        right.append(_marked("ins", new[j1:j2]))
    return "".join(left), "".join(right)


def _plain(tokens: list[str]) -> str:
    return html.escape("".join(tokens))


def _marked(tag: str, tokens: list[str]) -> str:
    text = "".join(tokens)
    if not text.strip():
        return html.escape(text)
    return f"<{tag}>{html.escape(text)}</{tag}>"
