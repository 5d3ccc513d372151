"""Text a server sent, made safe to show: one line, no control characters, bounded.

A server's ``meta.message``, reason phrase, error page or header can carry
terminal escape sequences (OSC 52 writes the clipboard, ``ESC[2J`` clears the
screen), carriage returns and bidi overrides that rewrite what the user sees.
Everything jama_magic shows from a server goes through ``clean_line`` first.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

__all__ = ["clean_line", "html_title"]

# whole escape sequences (CSI, OSC, DCS/SOS/PM/APC strings, two-byte ESC x), 7- and 8-bit forms
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[@-Z\\-~]?"
)
_TITLE = re.compile(r"<title[^>]*>(.*?)(?:</title|$)", re.IGNORECASE | re.DOTALL)
_HEADING = re.compile(r"<h1[^>]*>(.*?)</h1", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def clean_line(text: Any, limit: int = 300) -> str:
    """``text`` as one printable line of at most ``limit`` characters (``…`` when cut)."""
    words = _ESCAPES.sub(" ", str(text))
    shown = "".join(ch if _printable(ch) else " " for ch in words)
    line = " ".join(shown.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _printable(ch: str) -> bool:
    # Cc: C0/C1 controls (ESC, BEL, CR, BS, CSI); Cf: format characters (bidi overrides);
    # Cs/Co/Cn: surrogates, private use, unassigned
    return unicodedata.category(ch)[0] != "C"


def html_title(page: str, limit: int = 120) -> str | None:
    """The ``<title>`` (else the first ``<h1>``) of an HTML page, as a clean line."""
    found = _TITLE.search(page[:65536]) or _HEADING.search(page[:65536])
    if found is None:
        return None
    title = clean_line(html.unescape(_TAG.sub(" ", found[1])), limit)
    return title or None
