"""Tests of the pure completion logic (jama_magic.magics.completer)."""

from __future__ import annotations

import pytest

from jama_magic.magics.completer import Completions, complete, magic_tail
from jama_magic.magics.options import flags_for

NICKS = ["prod", "sandbox", "staging"]


def matches(line: str) -> tuple[str, ...]:
    return complete(line, connections=NICKS).matches


def test_first_word_offers_subcommands_and_methods() -> None:
    """After `%jama ` every subcommand and method is offered."""
    assert matches("%jama ") == (
        "connect",
        "connections",
        "use",
        "disconnect",
        "whoami",
        "sandbox",
        "panel",
        "diff",
        "trace",
        "help",
        "sync",
        "mirror",
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("%jama co", ("connect", "connections")),
        ("%jama ge", ("GET",)),
        ("%jama P", ("POST", "PUT", "PATCH")),
        ("%jama sa", ("sandbox",)),
        ("%%jama PO", ("POST",)),
    ],
)
def test_first_word_prefix(line: str, expected: tuple[str, ...]) -> None:
    """Subcommands and methods complete by prefix; methods case-insensitively."""
    assert matches(line) == expected


def test_fragment_is_the_word_before_the_cursor() -> None:
    """The completed fragment is the last word (empty after a space)."""
    assert complete("%jama GET /ite") == Completions("/ite", complete("%jama GET /ite").matches)
    assert complete("%jama GET /items ").fragment == ""


@pytest.mark.parametrize(
    "line",
    [
        "%jama GET /items -c ",
        "%jama GET /items --connection ",
        "%jama use ",
        "%jama disconnect ",
        "%jama whoami -c ",
        "%%jama POST /items -c ",
    ],
)
def test_connection_nicknames(line: str) -> None:
    """Nicknames complete after -c/--connection, use, disconnect and whoami -c."""
    assert matches(line) == tuple(NICKS)


def test_connection_prefix() -> None:
    """Nicknames filter by prefix."""
    assert matches("%jama use s") == ("sandbox", "staging")


def test_request_options() -> None:
    """Option names complete for requests."""
    assert matches("%jama GET /items --d") == ("--df", "--dry-run")
    assert matches("%jama GET /items ") == tuple(flags_for("request"))
    assert "--no-raise" in matches("%jama DELETE /items/4 --")


def test_subcommand_options() -> None:
    """Option names complete for subcommands."""
    assert matches("%jama connect prod --c") == ("--client-id", "--ca-bundle", "--confirm-writes")
    assert matches("%jama sandbox --") == (
        "--port",
        "--latency",
        "--rate-limit",
        "--items",
        "--seed",
        "--stop",
    )
    assert matches("%jama disconnect prod ") == ("--forget",)


def test_urls_by_prefix() -> None:
    """Relative URLs complete from the catalogue by prefix."""
    assert matches("%jama GET /proj") == (
        "/projects",
        "/projects/{projectId}",
        "/projects/{projectId}/itemtypes",
        "/projects/{projectId}/tags",
    )


def test_url_templates_match_concrete_ids() -> None:
    """A typed id fills the template's {placeholder}."""
    assert matches("%jama GET /items/42/ch") == ("/items/42/children",)
    assert "/items/42/children" in matches("%jama GET /items/42")
    assert "/items/42" not in matches("%jama GET /items/42")


def test_urls_filtered_by_method() -> None:
    """Only paths that support the typed method are offered."""
    assert "/items/{id}/children" not in matches("%jama DELETE /items/")
    assert "/items/{id}" in matches("%jama DELETE /items/")
    assert "/items/{id}/children" in matches("%jama GET /items/")


def test_url_as_first_word() -> None:
    """Without a method, a URL still completes (GET is implied)."""
    assert "/users/current" in matches("%jama /users/c")


def test_query_parameter_names_after_p() -> None:
    """After -p the query parameter names of the URL's endpoint are offered."""
    assert matches("%jama GET /items/5/children -p ") == ("include=", "maxResults=", "startAt=")
    assert matches("%jama GET /items -p pro") == ("project=",)


def test_help_topics() -> None:
    """`%jama help ` offers the topics."""
    assert "request" in matches("%jama help ")
    assert matches("%jama help sa") == ("sandbox",)


def test_nothing_after_a_value_option() -> None:
    """A free-form option value (e.g. -o NAME) has no candidates."""
    assert matches("%jama GET /x -o ") == ()


def test_assignment_form() -> None:
    """`r = %jama ...` completes like `%jama ...`."""
    assert matches("r = %jama GET /users/cu") == (
        "/users/current",
        "/users/current/favoritefilters",
    )


def test_magic_tail() -> None:
    """magic_tail() finds the text after %jama/%%jama, or None elsewhere."""
    assert magic_tail("%jama GET /x") == "GET /x"
    assert magic_tail("%%jama POST /x") == "POST /x"
    assert magic_tail("x = %jama ") == ""
    assert magic_tail("print(1)") is None
    assert magic_tail("%jamaX") is None
