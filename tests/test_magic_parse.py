"""Tests of parsing ``%jama`` lines (jama_magic.magics.parse), no IPython involved."""

from __future__ import annotations

from typing import Any

import pytest

from jama_magic.errors import InvalidURLError, JamaUsageError
from jama_magic.magics.options import OPTIONS, SUBCOMMANDS
from jama_magic.magics.parse import (
    MagicParseError,
    RequestSpec,
    Subcommand,
    build_request,
    parse_line,
    usage,
)
from jama_magic.request import NO_BODY


def spec(line: str) -> RequestSpec:
    parsed = parse_line(line)
    assert isinstance(parsed, RequestSpec)
    return parsed


def sub(line: str) -> Subcommand:
    parsed = parse_line(line)
    assert isinstance(parsed, Subcommand)
    return parsed


def error(line: str) -> str:
    with pytest.raises(MagicParseError) as info:
        parse_line(line)
    return str(info.value)


NS: dict[str, Any] = {
    "q": {"project": 20, "include": ["a", "b"]},
    "h": {"X-Trace": "1"},
    "payload": {"name": "x"},
    "title": "T",
    "lst": [1],
}


def ev(expr: str) -> Any:
    return eval(expr, {}, dict(NS))


# --- requests -----------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "get", "Post", "PUT", "patch", "DELETE"])
def test_method_any_case(method: str) -> None:
    """METHOD is accepted in any case and upper-cased."""
    assert spec(f"{method} /items").method == method.upper()


def test_method_defaults_to_get() -> None:
    """Without a method the request is a GET."""
    assert spec("/projects") == RequestSpec(method="GET", url="/projects")


def test_every_request_option() -> None:
    """Every option of SPEC §3 lands in the spec."""
    s = spec(
        "PATCH /items/4?x=1 -c prod -p project=20 -p include=a --param include=b -q q "
        "-H 'X-A: b c' --header X-B:d --headers h -b payload -o out --all --limit 5 --df "
        "--timeout 2.5 --dry-run --no-raise --yes"
    )
    assert s == RequestSpec(
        method="PATCH",
        url="/items/4?x=1",
        connection="prod",
        params=(("project", "20"), ("include", "a"), ("include", "b")),
        query_expr="q",
        headers=(("X-A", "b c"), ("X-B", "d")),
        headers_expr="h",
        body_expr="payload",
        out="out",
        all_pages=True,
        limit=5,
        df=True,
        timeout=2.5,
        dry_run=True,
        no_raise=True,
        yes=True,
    )


def test_options_may_come_first() -> None:
    """Options may precede the method and URL."""
    assert spec("-c prod --all GET /items") == RequestSpec(
        method="GET", url="/items", connection="prod", all_pages=True
    )


def test_long_forms() -> None:
    """Long option names work like the short ones."""
    s = spec("GET /x --connection a --query q --body payload --out r")
    assert (s.connection, s.query_expr, s.body_expr, s.out) == ("a", "q", "payload", "r")


def test_param_value_may_contain_equals() -> None:
    """-p splits at the first '=' only."""
    assert spec("GET /x -p contains=a=b").params == (("contains", "a=b"),)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("GTE /x", "unknown subcommand or method 'GTE'; did you mean GET?"),
        ("conect prod", "did you mean connect"),
        ("frobnicate", "choose from connect, connections"),
        ("projects", "did you mean: %jama GET /projects?"),
        ("HEAD /x", "unsupported method HEAD: use one of GET, POST, PUT, PATCH, DELETE"),
        (
            "GET /x --lmit 3",
            "unknown option '--lmit' for %jama [METHOD] URL; did you mean --limit?",
        ),
        ("GET", "GET needs a relative URL, e.g. %jama GET /projects"),
        ("GET /x POST", "unexpected argument 'POST' after the URL; the method goes first"),
        ("GET /x -p nokey", "argument -p/--param: expected KEY=VALUE, got 'nokey'"),
        ("GET /x -H nocolon", "expected 'Name: value', got 'nocolon'"),
        ("GET /x --limit 0", "argument --limit: expected a whole number >= 1, got '0'"),
        ("GET /x --limit many", "expected a whole number >= 1, got 'many'"),
        ("GET /x --timeout -1", "argument --timeout: expected seconds > 0"),
        ("GET /x -o 1bad", "'1bad' is not a valid Python variable name"),
        ("GET /x -o class", "'class' is not a valid Python variable name"),
        ("GET /x --limit", "argument --limit: expected one argument"),
        ("GET '/x", "cannot split the line (No closing quotation): check the quotes"),
        ("GET /items/{id}/children", "replace {id} in /items/{id}/children with a value"),
        ("GET /items/<built-in function id>/children", "IPython expanded {id} in the URL"),
    ],
)
def test_request_errors(line: str, message: str) -> None:
    """Every mistake in a request line is one clear line."""
    text = error(line)
    assert message in text
    assert "\n" not in text


def test_parse_errors_are_usage_errors() -> None:
    """MagicParseError is a JamaUsageError, so front doors handle it like core errors."""
    assert issubclass(MagicParseError, JamaUsageError)


def test_option_abbreviations_are_not_guessed() -> None:
    """`--lim` is not silently taken as `--limit`."""
    assert "did you mean --limit?" in error("GET /x --lim 3")


# --- subcommands --------------------------------------------------------------


def test_empty_line_is_help() -> None:
    """`%jama` alone shows the help."""
    assert sub("") == Subcommand(name="help")


def test_connect_all_options() -> None:
    """Every connect option becomes a keyword for jama_magic.connect."""
    s = sub(
        "connect prod --subdomain acme --username alice --client-id cid --api-version v1 "
        "--no-verify --timeout 9 --rate-limit 2.5 --read-only --confirm-writes --save --default "
        "--no-check"
    )
    assert s.name == "connect"
    assert s.args == {
        "nickname": "prod",
        "subdomain": "acme",
        "username": "alice",
        "client_id": "cid",
        "api_version": "v1",
        "verify": False,
        "timeout": 9.0,
        "rate_limit": 2.5,
        "read_only": True,
        "confirm_writes": True,
        "save": True,
        "default": True,
        "check": False,
    }


def test_connect_url_and_ca_bundle() -> None:
    """--url and --ca-bundle map to url= and verify=PATH; unset options are left out."""
    assert sub("connect op --url https://j.example/c --ca-bundle /ca.pem").args == {
        "nickname": "op",
        "url": "https://j.example/c",
        "verify": "/ca.pem",
        "read_only": False,
        "confirm_writes": False,
        "save": False,
        "default": False,
        "check": True,
    }


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("connect x --password hunter2", "--password is not an option: secrets never go"),
        ("connect x --client-secret s", "--client-secret is not an option"),
        ("connect", "%jama connect: the following arguments are required: NICKNAME"),
        ("connect x --no-verify --ca-bundle /c", "give --no-verify or --ca-bundle PATH, not both"),
        ("connect x --api-version v9", "invalid choice: 'v9'"),
        (
            "connect x --usrname a",
            "unknown option '--usrname' for %jama connect; did you mean --username?",
        ),
        ("connect x --rate-limit 0", "expected requests/s > 0"),
        ("use", "%jama use: the following arguments are required: NICKNAME"),
        ("use a b", "unexpected argument 'b'"),
        ("disconnect", "required: NICKNAME"),
        ("whoami --conection p", "did you mean --connection?"),
        ("sandbox --prot 3", "did you mean --port?"),
        ("sandbox --items 0", "expected a whole number >= 1"),
        ("sandbox --latency -5", "expected milliseconds >= 0"),
        ("help nothing", "unknown help topic 'nothing'"),
        ("panel --x", "unknown option '--x' for %jama panel"),
        ("connections extra", "unexpected argument 'extra'"),
    ],
)
def test_subcommand_errors(line: str, message: str) -> None:
    """Mistakes in subcommands are one line with a suggestion where there is one."""
    text = error(line)
    assert message in text
    assert "\n" not in text


def test_password_error_never_echoes_the_value() -> None:
    """A password typed as an option is not repeated in the error."""
    assert "hunter2" not in error("connect x --password hunter2")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("connections", Subcommand(name="connections", args={})),
        ("use prod", Subcommand(name="use", args={"nickname": "prod"})),
        (
            "disconnect prod",
            Subcommand(name="disconnect", args={"nickname": "prod", "forget": False}),
        ),
        (
            "disconnect prod --forget",
            Subcommand(name="disconnect", args={"nickname": "prod", "forget": True}),
        ),
        ("whoami", Subcommand(name="whoami", args={"connection": None})),
        ("whoami -c prod", Subcommand(name="whoami", args={"connection": "prod"})),
        ("panel", Subcommand(name="panel", args={})),
        ("help", Subcommand(name="help", args={"topic": None})),
        ("help connect", Subcommand(name="help", args={"topic": "connect"})),
        ("Connections", Subcommand(name="connections", args={})),
        (
            "sandbox --port 8765 --latency 50 --rate-limit 5 --items 300 --seed 7",
            Subcommand(
                name="sandbox",
                args={
                    "port": 8765,
                    "latency": 50.0,
                    "rate_limit": 5.0,
                    "items": 300,
                    "seed": 7,
                    "stop": False,
                },
            ),
        ),
        (
            "sandbox --stop",
            Subcommand(
                name="sandbox",
                args={
                    "port": None,
                    "latency": None,
                    "rate_limit": None,
                    "items": None,
                    "seed": None,
                    "stop": True,
                },
            ),
        ),
        (
            "sandbox",
            Subcommand(
                name="sandbox",
                args={
                    "port": None,
                    "latency": None,
                    "rate_limit": None,
                    "items": None,
                    "seed": None,
                    "stop": False,
                },
            ),
        ),
    ],
)
def test_subcommands(line: str, expected: Subcommand) -> None:
    """Each subcommand parses to its name and arguments."""
    assert parse_line(line) == expected


@pytest.mark.parametrize("topic", [*SUBCOMMANDS, "request"])
def test_usage_lists_every_option(topic: str) -> None:
    """`%jama help TOPIC` shows every flag of that topic."""
    text = usage(topic)
    assert text.startswith("usage: %jama")
    for option in OPTIONS[topic]:
        assert option.flags[-1] in text


# --- building the JamaRequest --------------------------------------------------


def test_build_query_from_params_and_dict() -> None:
    """-q dict and -p pairs merge; list values and repeated keys repeat."""
    req = build_request(spec("GET /items -q q -p include=c"), cell="", evaluate=ev)
    assert req.query == (("project", "20"), ("include", "a"), ("include", "b"), ("include", "c"))


def test_build_headers_from_option_and_dict() -> None:
    """--headers dict and -H pairs merge into the request headers."""
    req = build_request(spec("GET /x --headers h -H 'X-A: 1'"), cell="", evaluate=ev)
    assert req.headers == (("X-Trace", "1"), ("X-A", "1"))


def test_build_body_from_cell_with_placeholders() -> None:
    """The cell body is JSON with placeholders filled from the namespace."""
    req = build_request(spec("POST /items"), cell='{"name": {{ title }}}', evaluate=ev)
    assert req.body == {"name": "T"}


def test_build_body_from_expression() -> None:
    """-b takes the body from a Python object."""
    assert build_request(spec("PUT /x -b payload"), cell="", evaluate=ev).body == {"name": "x"}


def test_blank_cell_means_no_body() -> None:
    """An empty or blank cell sends no body."""
    assert build_request(spec("POST /x"), cell="  \n ", evaluate=ev).body is NO_BODY


def test_build_passes_paging_options() -> None:
    """--all, --limit and --timeout reach the JamaRequest."""
    req = build_request(spec("GET /items --all --limit 7 --timeout 3"), cell="", evaluate=ev)
    assert (req.all_pages, req.limit, req.timeout) == (True, 7, 3.0)


@pytest.mark.parametrize(
    ("line", "cell", "message"),
    [
        ("POST /x -b payload", "{}", "give the body either with -b or in the cell, not both"),
        ("GET /x -q nope", "", "undefined name 'nope' in -q nope"),
        ("GET /x -q lst", "", "-q lst must name a dict, not a list"),
        ("GET /x --headers 1/0", "", "--headers 1/0 raised ZeroDivisionError"),
        ("POST /x -b missing", "", "undefined name 'missing' in -b missing"),
    ],
)
def test_build_errors(line: str, cell: str, message: str) -> None:
    """Namespace mistakes are one clear line."""
    with pytest.raises(MagicParseError, match=message.replace("(", r"\(").replace(")", r"\)")):
        build_request(spec(line), cell=cell, evaluate=ev)


@pytest.mark.parametrize("url", ["https://evil.example/x", "//evil.example/x", "/../x"])
def test_refused_urls_come_from_the_core(url: str) -> None:
    """Absolute or climbing URLs are refused by the core's URL check."""
    with pytest.raises(InvalidURLError):
        build_request(spec(f"GET {url}"), cell="", evaluate=ev)


def test_body_on_get_is_refused() -> None:
    """A GET with a body is refused before sending."""
    with pytest.raises(JamaUsageError, match="GET request takes no body"):
        build_request(spec("GET /x"), cell="{}", evaluate=ev)


# --- trailing comments (IPython passes `%jama ... # note` on to the magic) ----------


@pytest.mark.parametrize(
    "line",
    [
        "GET /items/7/children --df   # show the DataFrame view",
        "GET /items/7/children --df #no space after the hash",
        "GET /items/7/children --df\t# a tab before it",
        'GET /items/7/children --df  # Jama\'s "quotes" in a comment',
    ],
)
def test_trailing_comment_is_dropped(line: str) -> None:
    """An unquoted `#` starting a word ends the line, whatever the comment holds."""
    assert spec(line) == spec("GET /items/7/children --df")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("sandbox   # a local server", sub("sandbox")),
        ("whoami   # shows: me is Jama's user dict", sub("whoami")),
        ("connections  # nickname, base URL", sub("connections")),
        ("disconnect prod --forget # and forget", sub("disconnect prod --forget")),
        ("# only a comment", Subcommand(name="help")),
    ],
)
def test_trailing_comment_on_subcommands(line: str, expected: Subcommand) -> None:
    """Every subcommand ignores a trailing comment, an apostrophe in it included."""
    assert sub(line) == expected


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ('GET /items -p "contains=a #b"', "a #b"),
        ("GET /items -p 'contains=# x' # note", "# x"),
        ("GET /items -p contains=#tag", "#tag"),
        (r"GET /items -p contains=\#x", "#x"),
    ],
)
def test_hash_in_a_value_is_kept(line: str, value: str) -> None:
    """A `#` in quotes, escaped, or inside a word is part of the value, not a comment."""
    assert spec(line).params == (("contains", value),)


def test_hash_inside_the_url_is_kept() -> None:
    """A URL fragment written without a space before `#` stays in the URL."""
    assert spec("GET /items/7#fields").url == "/items/7#fields"


def test_mistyped_option_beats_a_missing_required_one() -> None:
    """`--frm` is reported as a typo of --from, not as `--from is required`."""
    message = error('trace 20 --frm Requirement --to "Test Case"')
    assert "unknown option '--frm' for %jama trace; did you mean --from?" in message
    assert "required" not in message


def test_missing_required_option_is_still_reported() -> None:
    """Without a typo, a missing --from is still named."""
    assert "--from" in error('trace 20 --to "Test Case"')
