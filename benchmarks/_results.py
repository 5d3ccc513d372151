"""Write a benchmark's results into its own section of ``benchmarks/RESULTS.md``.

Each benchmark owns the text between ``<!-- begin:NAME -->`` and
``<!-- end:NAME -->``; running it again replaces only that section.
"""

from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def record(name: str, markdown: str, path: Path = RESULTS) -> None:
    """Put ``markdown`` into section ``name`` of ``path`` (appended when new)."""
    begin, end = f"<!-- begin:{name} -->", f"<!-- end:{name} -->"
    block = f"{begin}\n{markdown.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
