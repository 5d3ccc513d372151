"""The relative-URL rules and the JamaRequest value object (pure, no I/O)."""

from __future__ import annotations

from typing import Any

import pytest

from jama_magic.errors import BodyError, InvalidURLError, JamaUsageError
from jama_magic.request import (
    NO_BODY,
    JamaRequest,
    check_relative_url,
    encode_body,
    normalize_headers,
    normalize_query,
    split_url,
)


@pytest.mark.parametrize(
    "url",
    ["/items", "/items/42", "/items?project=20", "/projects/20/itemtypes", "/", "/abc@example"],
)
def test_relative_urls_starting_with_slash_pass(url: str) -> None:
    """A relative URL starting with a single '/' is accepted unchanged."""
    assert check_relative_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "items",
        "http://evil.example/items",
        "https://evil.example/rest/latest/items",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "//evil.example/items",
        "///evil.example",
    ],
)
def test_absolute_and_scheme_urls_refused(url: str) -> None:
    """Absolute URLs, schemes and //host are refused so credentials never leave the host."""
    with pytest.raises(InvalidURLError, match="relative URL starting with a single '/'"):
        check_relative_url(url)


@pytest.mark.parametrize("url", ["/items\\..\\x", "/items/%5c..%5cx", "/items/%5C"])
def test_backslashes_refused(url: str) -> None:
    """Backslashes, plain or percent-encoded, are refused."""
    with pytest.raises(InvalidURLError, match="backslash"):
        check_relative_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "/../x",
        "/items/../../x",
        "/items/%2e%2e/%2e%2e/x",
        "/items/%2E%2E/%2e./x",
        "/items/%252e%252e/%252e%252e/x",
        "/a%2f..%2f..%2fx",
        "/items/..;/..;/x",
    ],
)
def test_dot_dot_climbing_out_refused(url: str) -> None:
    """Plain, percent-encoded, double-encoded and ;-parameter '..' that climb out are refused."""
    with pytest.raises(InvalidURLError, match="climbs out"):
        check_relative_url(url)


@pytest.mark.parametrize("url", ["/items/../projects", "/items/./42"])
def test_dot_segments_inside_the_root_refused(url: str) -> None:
    """'.' and '..' that stay inside the root are refused too, with a message saying so."""
    with pytest.raises(InvalidURLError, match=r"remove '\.' and '\.\.'"):
        check_relative_url(url)


@pytest.mark.parametrize(
    ("url", "hint"),
    [
        ("/rest/latest/items/42", "write /items/42"),
        ("/rest/v1/projects", "write /projects"),
        ("/rest/latest", "write /"),
    ],
)
def test_pasted_api_root_gives_a_hint(url: str, hint: str) -> None:
    """A URL that repeats /rest/latest says which relative URL to write instead."""
    with pytest.raises(InvalidURLError, match=hint):
        check_relative_url(url)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("", "give a relative URL"),
        ("/ items", "spaces or control characters"),
        ("/items\n", "spaces or control characters"),
        ("/items#top", "fragment"),
        ("/items//42", "empty path segment"),
    ],
)
def test_other_bad_urls_name_the_problem(url: str, words: str) -> None:
    """Empty, spaced, fragment and '//' URLs are refused with a message naming the problem."""
    with pytest.raises(InvalidURLError, match=words):
        check_relative_url(url)


def test_refusal_is_a_usage_error_and_value_error() -> None:
    """URL refusals are JamaUsageErrors (and ValueErrors) with a one-line message."""
    with pytest.raises(JamaUsageError) as info:
        JamaRequest.build("GET", "https://evil.example/x")
    assert isinstance(info.value, ValueError)
    assert "\n" not in str(info.value)


def test_plus_in_query_stays_plus() -> None:
    """A '+' typed in the query (Jama's +0000 timestamps) stays a plus, not a space."""
    path, pairs = split_url("/activities?date=2016-11-28T23:22:15.999+0000")
    assert path == "/activities"
    assert pairs == (("date", "2016-11-28T23:22:15.999+0000"),)


def test_percent_escapes_in_query_are_decoded_once() -> None:
    """Percent escapes in a typed query are decoded once (%20 is a space, %2B a plus)."""
    assert split_url("/a?q=x%20y&p=%2B1")[1] == (("q", "x y"), ("p", "+1"))


def test_repeated_keys_from_url_and_lists_keep_order() -> None:
    """Repeated keys in the URL and list values in query= all survive, URL ones first."""
    req = JamaRequest.build(
        "get", "/items?include=a&include=b", query={"include": ["c", "d"], "project": 20}
    )
    assert req.method == "GET"
    assert req.url == "/items"
    assert req.query == (
        ("include", "a"),
        ("include", "b"),
        ("include", "c"),
        ("include", "d"),
        ("project", "20"),
    )


def test_query_as_pairs_and_values_converted() -> None:
    """Query pairs may be a list; bools become true/false, numbers text, None is dropped."""
    pairs = normalize_query([("a", True), ("b", 1.5), ("c", None), ("a", False)])
    assert pairs == (("a", "true"), ("b", "1.5"), ("a", "false"))


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"a": {"x": 1}}, "must be a string, number or bool"),
        ("project=20", "must be a dict"),
        ([("a",)], "list of \\(key, value\\) pairs"),
        ({"": 1}, "non-empty strings"),
    ],
)
def test_bad_query_refused(query: Any, words: str) -> None:
    """A query that is not key/value text is refused with a message saying what is expected."""
    with pytest.raises(JamaUsageError, match=words):
        normalize_query(query)


def test_with_query_replaces_keys_and_query_value_reads_last() -> None:
    """with_query replaces earlier values of a key; query_value returns the last one."""
    req = JamaRequest.build("GET", "/items?startAt=0&project=20")
    paged = req.with_query(startAt=50, maxResults=50)
    assert paged.query_value("startAt") == "50"
    assert paged.query_value("project") == "20"
    assert paged.query_value("missing") is None
    assert req.query_value("startAt") == "0"  # frozen: the original is unchanged


def test_body_on_get_refused() -> None:
    """A body on GET is refused with a message saying how to fix it."""
    with pytest.raises(BodyError, match="GET request takes no body"):
        JamaRequest.build("GET", "/items", body={"a": 1})


def test_json_null_body_differs_from_no_body() -> None:
    """None is the JSON body null; NO_BODY means nothing is sent."""
    assert encode_body(NO_BODY) is None
    assert encode_body(None) == b"null"
    assert JamaRequest.build("POST", "/items", body=None).body is None
    assert JamaRequest.build("POST", "/items").body is NO_BODY


def test_body_json_encoded_and_bytes_passed_through() -> None:
    """Bodies are JSON-encoded as UTF-8; bytes are sent as given."""
    assert encode_body({"name": "Größe"}) == '{"name": "Größe"}'.encode()
    assert encode_body(b"raw") == b"raw"


@pytest.mark.parametrize("body", [{"a": object()}, {"a": float("nan")}])
def test_unencodable_body_refused(body: Any) -> None:
    """A body that is not JSON (objects, NaN) is refused before sending."""
    with pytest.raises(BodyError, match="cannot be sent as JSON"):
        encode_body(body)


@pytest.mark.parametrize("method", ["FETCH", "", "get it"])
def test_unknown_method_refused(method: str) -> None:
    """An unknown method is refused and the message lists the allowed ones."""
    with pytest.raises(JamaUsageError, match="GET, POST, PUT, PATCH, DELETE"):
        JamaRequest.build(method, "/items")


def test_is_write() -> None:
    """POST/PUT/PATCH/DELETE are writes, GET is not."""
    assert not JamaRequest.build("GET", "/items").is_write
    assert all(JamaRequest.build(m, "/items").is_write for m in ("POST", "PUT", "PATCH", "DELETE"))


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        ({"Authorization": "Basic abc"}, "set by the connection"),
        ({"cookie": "a=b"}, "set by the connection"),
        ({"X-Bad": "a\r\nInjected: 1"}, "line break"),
        ({"bad name": "x"}, "invalid header name"),
        ({"X-Note": "café"}, "must be ASCII text"),
    ],
)
def test_bad_headers_refused(headers: dict[str, str], words: str) -> None:
    """Credential headers, line breaks and bad header names are refused."""
    with pytest.raises(JamaUsageError, match=words):
        normalize_headers(headers)


def test_headers_normalised() -> None:
    """Header names and values are stripped; values become text."""
    assert normalize_headers({" X-Count ": 3}) == (("X-Count", "3"),)


@pytest.mark.parametrize(
    ("kw", "words"),
    [
        ({"limit": 0}, "limit must be a whole number"),
        ({"limit": True}, "limit must be a whole number"),
        ({"timeout": 0}, "timeout must be a number of seconds"),
        ({"timeout": -1.0}, "timeout must be a number of seconds"),
    ],
)
def test_bad_limit_and_timeout_refused(kw: dict[str, Any], words: str) -> None:
    """limit and timeout must be positive."""
    with pytest.raises(JamaUsageError, match=words):
        JamaRequest.build("GET", "/items", **kw)


def test_request_is_frozen() -> None:
    """A JamaRequest cannot be changed after it is built."""
    req = JamaRequest.build("GET", "/items")
    with pytest.raises(AttributeError):
        req.url = "/other"  # type: ignore[misc]
