"""Tests of the packaged endpoint catalogue (jama_magic.catalog)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jama_magic import catalog

# the team's reference catalogue: shared/ lies beside the clone (as in CI)
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "jama" / "endpoints.json"
PACKAGED = Path(catalog.__file__).parent / "data" / "endpoints.json"


def test_paths_are_sorted_relative_templates() -> None:
    """endpoint_paths() lists sorted templates relative to /rest/{version}."""
    paths = catalog.endpoint_paths()
    assert paths == sorted(paths)
    assert "/items/{id}/children" in paths
    assert all(p.startswith("/") and not p.startswith("/rest") for p in paths)


def test_methods_for_template_and_concrete_path() -> None:
    """methods_for() accepts a template or a concrete path."""
    assert catalog.methods_for("/items/{id}") == ["DELETE", "GET", "PATCH", "PUT"]
    assert catalog.methods_for("/items/42") == ["DELETE", "GET", "PATCH", "PUT"]
    assert catalog.methods_for("/nothing/here") == []


def test_template_for_prefers_the_matching_template() -> None:
    """A concrete path (with query) maps to its template."""
    assert catalog.template_for("/items/42/children?include=x") == "/items/{id}/children"
    assert catalog.template_for("/items") == "/items"
    assert catalog.template_for("/items/") == "/items"
    assert catalog.template_for("/items/1/2/3/4/5") is None


def test_query_params() -> None:
    """query_params() lists the query parameter names of a method on a path."""
    assert "project" in catalog.query_params("/items")
    assert catalog.query_params("/items/7/children", "get") == ["include", "maxResults", "startAt"]
    assert catalog.query_params("/items", "DELETE") == []
    assert catalog.query_params("/unknown") == []


def test_packaged_file_holds_facts_only() -> None:
    """The packaged file has paths, methods and parameter names, and nothing longer."""
    doc = json.loads(PACKAGED.read_text("utf-8"))
    assert set(doc) == {"about", "paths"}
    for methods in doc["paths"].values():
        assert set(methods) <= {"GET", "POST", "PUT", "PATCH", "DELETE"}
        for names in methods.values():
            assert all(isinstance(n, str) and n.isidentifier() for n in names)
    assert PACKAGED.stat().st_size < 20_000


@pytest.mark.skipif(not REFERENCE.exists(), reason="team reference catalogue not present")
def test_packaged_file_is_derived_from_the_reference() -> None:
    """data/endpoints.json equals derive_catalog() of the reference file."""
    derived = catalog.derive_catalog(json.loads(REFERENCE.read_text("utf-8")))
    assert json.loads(PACKAGED.read_text("utf-8"))["paths"] == derived
    assert len(derived) == 136


def test_derive_catalog_keeps_only_query_names() -> None:
    """derive_catalog() drops path, body and form parameters and everything descriptive."""
    source = {
        "operations": [
            {
                "method": "get",
                "path": "/a/{id}",
                "summary": "x",
                "parameters": [
                    {"name": "id", "in": "path"},
                    {"name": "z", "in": "query"},
                    {"name": "b", "in": "query"},
                    {"name": "body", "in": "body"},
                ],
            },
            {"method": "DELETE", "path": "/a/{id}", "parameters": []},
        ]
    }
    assert catalog.derive_catalog(source) == {"/a/{id}": {"DELETE": [], "GET": ["b", "z"]}}


def test_command_line_writes_the_file(tmp_path: Path) -> None:
    """`python -m jama_magic.catalog SRC DEST` writes a loadable catalogue."""
    src = tmp_path / "src.json"
    src.write_text(
        json.dumps(
            {
                "operations": [
                    {"method": "GET", "path": "/x", "parameters": [{"name": "q", "in": "query"}]}
                ]
            }
        )
    )
    dest = tmp_path / "out.json"
    assert catalog._main([str(src), str(dest)]) == 0
    assert json.loads(dest.read_text())["paths"] == {"/x": {"GET": ["q"]}}
    assert catalog._main([]) == 2
