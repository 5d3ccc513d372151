"""The packaged catalogue of Jama REST endpoints: paths, methods, query parameter names.

``data/endpoints.json`` holds facts only (no descriptions), derived from the
team's reference catalogue with :func:`derive_catalog`::

    python -m jama_magic.catalog /work/shared/jama/endpoints.json jama_magic/data/endpoints.json

Paths are templates relative to ``/rest/{api_version}``, such as
``/items/{id}/children``. The completer and the panel suggest URLs from here.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = [
    "derive_catalog",
    "endpoint_paths",
    "load_catalog",
    "methods_for",
    "query_params",
    "template_for",
]

Catalog = dict[str, dict[str, list[str]]]  # path -> method -> query parameter names


def derive_catalog(source: Mapping[str, Any]) -> Catalog:
    """The facts-only catalogue (path -> method -> query names) from the full reference file."""
    catalog: Catalog = {}
    for op in source["operations"]:
        names = sorted(p["name"] for p in op["parameters"] if p["in"] == "query")
        catalog.setdefault(op["path"], {})[op["method"].upper()] = names
    return {path: dict(sorted(catalog[path].items())) for path in sorted(catalog)}


@cache
def load_catalog() -> Catalog:
    """The packaged catalogue (read once)."""
    text = resources.files("jama_magic").joinpath("data/endpoints.json").read_text("utf-8")
    data: Catalog = json.loads(text)["paths"]
    return data


def endpoint_paths() -> list[str]:
    """Every path template, sorted, e.g. ``/items/{id}/children``."""
    return list(load_catalog())


def methods_for(path: str) -> list[str]:
    """The methods Jama offers on ``path`` (a template or a concrete path); [] when unknown."""
    template = template_for(path)
    return list(load_catalog()[template]) if template else []


def query_params(path: str, method: str = "GET") -> list[str]:
    """Query parameter names for ``method`` on ``path`` (template or concrete); [] when unknown."""
    template = template_for(path)
    if template is None:
        return []
    return list(load_catalog()[template].get(method.upper(), []))


def template_for(path: str) -> str | None:
    """The catalogue template matching a concrete path (``/items/42`` -> ``/items/{id}``)."""
    path = path.split("?", 1)[0].rstrip("/") or "/"
    if path in load_catalog():
        return path
    for template, pattern in _patterns():
        if pattern.fullmatch(path):
            return template
    return None


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    # Literal segments first: /items/{id}/versions beats /items/{id}/{anything} were there one.
    out = []
    for template in sorted(endpoint_paths(), key=lambda t: t.count("{")):
        parts = (r"[^/]+" if seg.startswith("{") else re.escape(seg) for seg in template.split("/"))
        out.append((template, re.compile("/".join(parts))))
    return out


def _main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m jama_magic.catalog SOURCE.json DEST.json", file=sys.stderr)
        return 2
    source = json.loads(Path(argv[0]).read_text("utf-8"))
    doc = {
        "about": "Facts only: Jama REST paths (relative to /rest/{version}), methods and "
        "query parameter names, derived by jama_magic.catalog.derive_catalog.",
        "paths": derive_catalog(source),
    }
    Path(argv[1]).write_text(_dump(doc), "utf-8")
    return 0


def _dump(doc: dict[str, Any]) -> str:
    # One path per line: small, and diffs stay readable when the catalogue is re-derived.
    lines = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in doc["paths"].items()]
    body = ",\n  ".join(lines)
    return f'{{"about": {json.dumps(doc["about"])},\n "paths": {{\n  {body}\n}}}}\n'


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
