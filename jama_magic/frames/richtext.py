"""Jama rich text (HTML) as readable plain text, for ``to_dataframe(text=True)``.

Jama stores rich-text fields as HTML with entities (``&nbsp;``, ``&#39;``),
lists, tables and ``<img>`` tags. The HTML is parsed by ``html2text`` (the
``text`` extra), a well-kept converter, configured for plain reading: no line
wrapping, no emphasis markers, link and image text kept without URLs, lists
with ``-`` bullets, tables as ``a | b`` rows. Headings lose their ``#``
markers and non-breaking spaces become plain spaces.

html2text takes about 0.2 ms per fragment, so converted values are cached:
Jama data repeats templates and short fragments a lot.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

__all__ = ["html_to_text", "looks_like_html"]

_HTML_TAG = re.compile(
    r"<(?:p|br|div|span|ul|ol|li|table|tr|td|th|h[1-6]|strong|em|b|i|u|a|img|pre|blockquote)\b",
    re.IGNORECASE,
)
_ENTITY = re.compile(r"&(?:[a-z]+|#\d+|#x[0-9a-f]+);", re.IGNORECASE)
# These patterns tidy html2text's Markdown output; they never parse HTML.
_HEADING_MARK = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)
_BLANK_RUN = re.compile(r"\n{3,}")


def looks_like_html(value: Any) -> bool:
    """True when ``value`` is a string holding HTML tags or entities."""
    return isinstance(value, str) and bool(_HTML_TAG.search(value) or _ENTITY.search(value))


@lru_cache(maxsize=16384)
def html_to_text(html: str) -> str:
    """Convert one HTML fragment to plain text (paragraphs, lists, tables, entities)."""
    markdown = _converter().handle(html)
    text = markdown.replace("\xa0", " ")
    text = _HEADING_MARK.sub("", text)
    text = _TRAILING_SPACE.sub("", text)
    return _BLANK_RUN.sub("\n\n", text).strip()


def _converter() -> Any:
    # A fresh converter per fragment: html2text keeps parser state between calls.
    try:
        import html2text
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise ImportError("text=True needs html2text: pip install 'jama-magic[text]'") from exc
    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.ignore_emphasis = True
    converter.ignore_links = True
    converter.images_to_alt = True
    converter.unicode_snob = True
    converter.ul_item_mark = "-"
    return converter
