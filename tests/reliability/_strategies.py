"""Hypothesis strategies for hostile input: URLs, request parts, connections, TOML, magic lines."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st

from jama_magic.magics.options import OPTIONS, SUBCOMMANDS
from jama_magic.request import NO_BODY

SECRET = "pw-Sekr3t!x7"  # the password of every fuzzed connection: must never show up
CLIENT_SECRET = "cs-Hush9!q2"

URL_PIECES = [
    "/",
    "//",
    "///",
    "..",
    ".",
    "%2e",
    "%2E",
    "%2e%2e",
    ".%2e",
    "%252e%252e",
    "%2f",
    "%2F",
    "%5c",
    "%5C",
    "\\",
    "@",
    ":",
    "?",
    "#",
    "&",
    "=",
    ";",
    "+",
    "%",
    "%zz",
    "%00",
    "%0d%0a",
    "items",
    "projects",
    "20",
    "rest",
    "latest",
    "v1",
    "labs",
    "oauth",
    "token",
    "http:",
    "https:",
    "HTTP://",
    "javascript:",
    "file:",
    "127.0.0.1",
    "evil.example",
    "localhost:1",
    "[::1]",
    " ",
    "\t",
    "\n",
    "\x00",
    "\x7f",
    "\uff0e",
    "\u2025",
    "\u3002",
    "ä",
    "~",
    "{",
    "}",
    "|",
    "'",
    '"',
    "<",
    ">",
    "^",
    "`",
    "maxResults=50",
    "startAt=0",
    "project=20",
    "include=data.createdBy",
]


def relative_urls(extra: list[str] | None = None) -> st.SearchStrategy[str]:
    """Mostly-hostile relative URLs built from pieces, plus plain random text."""
    pieces = st.sampled_from(URL_PIECES + (extra or []))
    built = st.lists(pieces, min_size=1, max_size=9).map("".join)
    rooted = built.map(lambda s: "/" + s)
    return st.one_of(built, rooted, rooted, st.text(max_size=25), st.just("/items?project=20"))


SCALARS: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)

JSONISH: st.SearchStrategy[Any] = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)

HEADER_NAMES = st.one_of(
    st.sampled_from(
        [
            "X-Trace",
            "Accept",
            "Authorization",
            "authorization ",
            "Host",
            "Cookie",
            "Proxy-Authorization",
            "Content-Type",
            "X Bad",
            "",
            " ",
            "X-\u00e9",
            "X-A\r\nB",
        ]
    ),
    st.text(max_size=10),
)
HEADER_VALUES = st.one_of(
    st.text(max_size=15),
    st.sampled_from(["caf\u00e9", "a\r\nX-Evil: 1", "\x00", "Basic Zm9vOmJhcg==", "  pad  "]),
    SCALARS,
)


def pair_lists(keys: st.SearchStrategy[Any], values: st.SearchStrategy[Any]) -> Any:
    return st.lists(st.tuples(keys, values), max_size=4)


QUERIES = st.one_of(
    st.none(),
    st.dictionaries(st.text(max_size=8), SCALARS | st.lists(SCALARS, max_size=3), max_size=4),
    pair_lists(st.text(max_size=8) | st.integers(), SCALARS),
    st.sampled_from(["project=20", 42, ["a"], [("a", 1, 2)], {"k": {"nested": 1}}, {"": 1}]),
)
HEADERS = st.one_of(
    st.none(),
    st.dictionaries(HEADER_NAMES, HEADER_VALUES, max_size=3),
    pair_lists(HEADER_NAMES, HEADER_VALUES),
    st.sampled_from(["X-A: b", 7, [("X-A",)], {None: "x"}]),
)
BODIES = st.one_of(
    st.just(NO_BODY),
    JSONISH,
    st.just({1, 2}),
    st.just(object()),
    st.just(b"raw"),
    st.just(math.inf),
    st.just({"d": math.nan}),
)
METHODS = st.one_of(
    st.sampled_from(
        [
            "GET",
            "get",
            "Post",
            "PUT",
            "patch",
            "DELETE",
            "HEAD",
            "OPTIONS",
            "TRACE",
            "",
            " GET",
            "G\nET",
            "CONNECT",
        ]
    ),
    st.text(max_size=7),
    st.sampled_from([None, 1, b"GET"]),
)
NUMBERS = st.one_of(
    st.none(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=True),
    st.booleans(),
    st.sampled_from(["10", "", 0, -1]),
)

NICKNAMES = st.one_of(
    st.from_regex(r"[A-Za-z0-9_.-]{1,12}", fullmatch=True),
    st.text(max_size=10),
    st.sampled_from(["", "a b", "prod/1", "x\n", None, 5]),
)
HOSTS = st.sampled_from(
    [
        "127.0.0.1",
        "127.0.0.1:8765",
        "localhost",
        "jama.example.com",
        "[::1]:80",
        "[::1",
        "127.0.0.1:99999",
        "127.0.0.1:-1",
        "127.0.0.1:abc",
        "h\u00e9.example",
        "a b",
        "",
        f"alice:{SECRET}@jama.example.com",
        f"{SECRET}@127.0.0.1",
        "evil.com\\@good.com",
        "good.com#@evil.com",
        "good.com?@evil.com",
        "good.com%2f@evil.com",
        "0x7f.1",
        "%31%32%37.0.0.1",
        "xn--bcher-kva.example",
        "good.com.",
        ":80",
    ]
)
SCHEMES = st.sampled_from(
    [
        "http://",
        "https://",
        "HTTP://",
        "ftp://",
        "http:/",
        "http:",
        "",
        "//",
        "javascript:",
        "htps://",
    ]
)
PATHS = st.sampled_from(
    [
        "",
        "/",
        "/contour",
        "/contour/",
        "/rest/latest",
        "/rest/v1/",
        "/a/../..",
        "/a b",
        "/%2e%2e",
        "?x=1",
        "#frag",
        "/x?y",
        "/\u00e9",
    ]
)
BASE_URLS = st.one_of(st.tuples(SCHEMES, HOSTS, PATHS).map("".join), st.text(max_size=20))
SUBDOMAINS = st.one_of(
    st.from_regex(r"[a-z0-9][a-z0-9-]{0,10}[a-z0-9]", fullmatch=True),
    st.sampled_from(["", "-x", "a.b", "evil.com/", "a@b", "x" * 70, "\u00e9t\u00e9"]),
    st.text(max_size=8),
)
VERIFY = st.one_of(st.booleans(), st.sampled_from(["/no/such/ca.pem", "", "0", None, 1]))


@st.composite
def connection_fields(draw: st.DrawFn) -> dict[str, Any]:
    """Keyword arguments for ``make_connection``: some valid, most hostile."""
    fields: dict[str, Any] = {"nickname": draw(NICKNAMES)}
    where = draw(st.sampled_from(["url", "subdomain", "both", "neither"]))
    if where in ("url", "both"):
        fields["url"] = draw(BASE_URLS)
    if where in ("subdomain", "both"):
        fields["subdomain"] = draw(SUBDOMAINS)
    if draw(st.booleans()):
        fields["username"] = draw(st.sampled_from(["alice", "", "a:b", "\u00e9", None]))
        fields["password"] = SECRET
    else:
        fields["client_id"] = draw(st.sampled_from(["abc123", "", None, "id:x"]))
        fields["client_secret"] = CLIENT_SECRET
    for key, strat in (
        ("api_version", st.sampled_from(["latest", "v1", "labs", "v2", "", None])),
        ("verify", VERIFY),
        ("timeout", NUMBERS),
        ("rate_limit", NUMBERS),
        ("read_only", st.sampled_from([True, False, "yes", None])),
    ):
        if draw(st.booleans()):
            fields[key] = draw(strat)
    return fields


# TOML: connection tables with known, unknown and secret keys, values of every TOML type
TOML_KEYS = st.sampled_from(
    [
        "subdomain",
        "url",
        "username",
        "client_id",
        "api_version",
        "verify",
        "timeout",
        "rate_limit",
        "read_only",
        "confirm_writes",
        "password",
        "client_secret",
        "token",
        "secret",
        "nickname",
        "Url",
        "port",
    ]
)
TOML_VALUES = st.one_of(
    st.text(max_size=12),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True),
    st.booleans(),
    st.sampled_from(
        [
            "http://127.0.0.1:8765",
            "https://j.example/contour",
            "acme",
            "alice",
            "latest",
            SECRET,
            f"http://alice:{SECRET}@j.example",
            f"ftp://u:{SECRET}@x",
        ]
    ),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.datetimes(),
)
TOML_ENTRIES = st.dictionaries(TOML_KEYS, TOML_VALUES, max_size=6)
TOML_TABLES = st.one_of(
    st.dictionaries(
        st.just("connections"),
        st.dictionaries(st.text(max_size=8), TOML_ENTRIES | TOML_VALUES, max_size=3),
        max_size=1,
    ),
    st.dictionaries(st.text(max_size=6), TOML_VALUES, max_size=3),
    st.just({"connections": [1, 2]}),
)
TOML_GARBAGE = st.one_of(
    st.text(max_size=60),
    st.lists(
        st.sampled_from(
            [
                "[connections]",
                "[connections.x]",
                "[connections.x.y]",
                "url = ",
                '"http://a"',
                "'x'",
                "= 1",
                "\n",
                "[[connections]]",
                f'password = "{SECRET}"',
                "username",
                '"""',
                "{",
                "}",
                "true",
                "1979-05-27T07:32:00Z",
                "inf",
                "\x00",
                "\ufeff",
            ]
        ),
        max_size=10,
    ).map(" ".join),
)

# magic lines: words every part of the parser knows, and hostile values
_FLAGS = sorted({flag for opts in OPTIONS.values() for opt in opts for flag in opt.flags})
MAGIC_WORDS = st.one_of(
    st.sampled_from(
        [
            *SUBCOMMANDS,
            "GET",
            "get",
            "POST",
            "Put",
            "PATCH",
            "DELETE",
            "HEAD",
            "/projects",
            "/items",
            "/items/{n}",
            "$path",
            "{evil_url}",
            "{evil_path}",
            "//127.0.0.1:1/x",
            "http://127.0.0.1:1/",
            "/..",
            "/items/%2e%2e/..",
            "project=20",
            "include=a",
            "'X-A: b'",
            "'Authorization: Basic eA=='",
            "Host:evil",
            "q",
            "h",
            "b",
            "bad",
            "undefined_name",
            "1/0",
            "'{\"a\": 1}'",
            "nope",
            "sb",
            "fz",
            "-1",
            "0",
            "2.5",
            "nan",
            "inf",
            "1e999",
            "x y",
            "'",
            '"',
            "--",
            "-",
            "=",
            "--password=hunter2",
            "--token",
            "--secret",
            "--all",
            "--limit",
            "--timeout",
            "--no-raise",
            "--dry-run",
            "--yes",
            "\\",
            "%",
            "#",
            "{",
            "}",
            "$",
            "!",
            "é",
            "\t",
        ]
    ),
    st.sampled_from(_FLAGS),
    st.text(max_size=6),
)
_RANDOM_LINES = st.lists(MAGIC_WORDS, max_size=7).map(" ".join)
_OPTION_VALUES = {  # flag: (good values, bad values)
    "-c": (["sb"], ["fz", "nope"]),
    "-p": (["project=20", "include=data.createdBy", "maxResults=5"], ["x", "=1", "'a=b c'"]),
    "-q": (["q"], ["h", "undefined_name", "1/0", "bad"]),
    "-H": (["'X-A: b'", "'X-B:'"], ["'Authorization: x'", "'bad name: x'", "'X-C: caf\u00e9'"]),
    "--headers": (["h"], ["q", "bad"]),
    "-b": (["b", "items"], ["bad", "a_set", "nan"]),
    "-o": (["out1", "_ok"], ["1x", "class"]),
    "--limit": (["5", "30"], ["0", "-1", "x"]),
    "--timeout": (["5", "20"], ["0", "nan", "inf", "1e999", "-2"]),
}
_FLAG_WORDS = ["--all", "--df", "--dry-run", "--no-raise", "--yes"]
_SAFE_URLS = [
    "/projects",
    "/items?project=20",
    "/items/1001",
    "$path",
    "/users/current",
    "/items/1001/children",
    "/items/{n}",
    "/projects/20",
]
_BAD_URLS = ["{evil_url}", "{evil_path}", "/nope", "/items/../..", "//x"]


@st.composite
def _structured_line(draw: st.DrawFn) -> str:
    words = []
    if draw(st.booleans()):
        words.append(draw(st.sampled_from(["GET", "get", "Get", "POST", "PATCH", "DELETE"])))
    words.append(draw(st.sampled_from(_BAD_URLS if draw(st.integers(0, 5)) == 0 else _SAFE_URLS)))
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.integers(0, 3)) == 0:
            words.append(draw(st.sampled_from(_FLAG_WORDS)))
        else:
            flag = draw(st.sampled_from(sorted(_OPTION_VALUES)))
            good, bad = _OPTION_VALUES[flag]
            words += [flag, draw(st.sampled_from(bad if draw(st.integers(0, 4)) == 0 else good))]
    if draw(st.integers(0, 4)) == 0:  # one hostile word somewhere
        words.insert(draw(st.integers(0, len(words))), draw(MAGIC_WORDS))
    return " ".join(words)


MAGIC_LINES = st.one_of(_RANDOM_LINES, _structured_line(), _structured_line())

EXPRESSIONS = [
    "title",
    "n",
    "items",
    "nested",
    "none",
    "flag",
    "ratio",
    "undefined_name",
    "1/0",
    "bad_obj",
    "a_set",
    "nan",
    "when",
    "title +",
    "{'a': {'b': 1}}",
    "[1, 2]",
    "''",
    "q[",
    "__name__",
    "text_with_quotes",
    "big",
]
TEMPLATE_PIECES = [
    "{",
    "}",
    "[",
    "]",
    '"',
    ":",
    ",",
    " ",
    "\n",
    "\\",
    "\\{{",
    "{{",
    "}}",
    "null",
    "true",
    "1",
    "-2.5e3",
    '"name"',
    '"a {{ n }} b"',
    "{{ title }}",
    "{{ n }}",
    "{{ items }}",
    "{{ undefined_name }}",
    "{{ 1/0 }}",
    "{{ bad_obj }}",
    "{{ a_set }}",
    "{{ nan }}",
    "{{ when }}",
    "{{ }}",
    "{{ {{ n }} }}",
    "{{ {'a': {'b': 1}} }}",
    "{{ title +",
    "NaN",
    "Infinity",
    "{{ text_with_quotes }}",
    "{{ big }}",
]


# "mostly valid" requests: one or two parts hostile, the rest fine, so deep checks get reached
VALID = {
    "method": st.sampled_from(["GET", "get", "POST", "Put", "patch", "DELETE"]),
    "url": st.sampled_from(
        [
            "/items",
            "/items/1001",
            "/projects?x=1",
            "/items/1001/children",
            "/abstractitems?contains=a+b",
        ]
    ),
    "query": st.none()
    | st.dictionaries(
        st.from_regex(r"[A-Za-z][A-Za-z0-9_.]{0,8}", fullmatch=True),
        st.text(max_size=10) | st.integers() | st.lists(st.integers(), max_size=3),
        max_size=3,
    ),
    "headers": st.none()
    | st.dictionaries(
        st.from_regex(r"X-[A-Za-z0-9-]{1,8}", fullmatch=True),
        st.from_regex(r"[ -~]{0,12}", fullmatch=True),
        max_size=2,
    ),
    "body": JSONISH.filter(lambda v: not isinstance(v, float) or math.isfinite(v)),
    "limit": st.none() | st.integers(1, 1000),
    "timeout": st.none() | st.floats(0.1, 100),
}
HOSTILE = {
    "method": METHODS,
    "url": relative_urls(),
    "query": QUERIES,
    "headers": HEADERS,
    "body": BODIES,
    "limit": NUMBERS,
    "timeout": NUMBERS,
}


@st.composite
def request_parts(draw: st.DrawFn) -> dict[str, Any]:
    """Keyword arguments for ``JamaRequest.build``: one or two parts hostile."""
    bad = draw(st.sets(st.sampled_from(sorted(HOSTILE)), min_size=0, max_size=2))
    parts = {name: draw(HOSTILE[name] if name in bad else VALID[name]) for name in VALID}
    method = parts["method"]
    if "body" not in bad and isinstance(method, str) and method.upper() == "GET":
        parts["body"] = NO_BODY
    return parts


CELLS = st.one_of(
    st.none(),
    st.none(),
    st.sampled_from(
        [
            '{"project": 20, "itemType": 33, "childItemType": 0, '
            '"location": {"parent": {"project": 20}}, "fields": {"name": {{ title }}}}',
            '[{"op": "replace", "path": "/fields/name", "value": "n={{ n }}"}]',
            '{"fields": {"name": {{ title }}, "tags": {{ items }}}}',
            "  ",
        ]
    ),
    st.lists(st.sampled_from(TEMPLATE_PIECES), min_size=1, max_size=5).map("".join),
)
