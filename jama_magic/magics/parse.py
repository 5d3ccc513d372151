"""Parse a ``%jama`` line into a subcommand or a request spec (pure, no IPython).

``parse_line("GET /items -p project=20 --all")`` gives a ``RequestSpec``;
``build_request(spec, cell=..., evaluate=...)`` turns it into a ``JamaRequest``
by evaluating ``-q``/``--headers``/``-b`` and the cell's ``{{ }}`` placeholders.
Mistakes raise ``MagicParseError`` (one line, with a close-match suggestion).
"""

from __future__ import annotations

import argparse
import difflib
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from .. import catalog
from ..errors import MagicParseError
from ..request import NO_BODY, JamaRequest
from .options import METHODS, NOTES, OPTIONS, POSITIONALS, REQUEST, SUBCOMMANDS, flags_for
from .placeholders import load_json

__all__ = [
    "MagicParseError",
    "RequestSpec",
    "Subcommand",
    "build_request",
    "parse_line",
    "usage",
]

Evaluate = Callable[[str], Any]
Pairs = tuple[tuple[str, str], ...]
_OTHER_HTTP_METHODS = ("HEAD", "OPTIONS", "TRACE")
_SECRET_FLAGS = ("--password", "--passwd", "--pass", "--secret", "--client-secret", "--token")


@dataclass(frozen=True, kw_only=True)
class Subcommand:
    """``%jama connect|connections|use|disconnect|whoami|sandbox|panel|help ...``."""

    name: str
    args: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class RequestSpec:
    """``%jama [METHOD] URL [options]`` before the namespace is consulted."""

    method: str = "GET"
    url: str
    connection: str | None = None
    params: Pairs = ()
    query_expr: str | None = None
    headers: Pairs = ()
    headers_expr: str | None = None
    body_expr: str | None = None
    out: str | None = None
    all_pages: bool = False
    limit: int | None = None
    df: bool = False
    timeout: float | None = None
    dry_run: bool = False
    no_raise: bool = False
    yes: bool = False


def parse_line(line: str) -> Subcommand | RequestSpec:
    """The subcommand or request that ``line`` (already IPython-expanded) asks for."""
    tokens = _split(line)
    if not tokens:
        return Subcommand(name="help")
    head = tokens[0]
    if head.lower() in SUBCOMMANDS:
        return _parse_subcommand(head.lower(), tokens[1:])
    if head.upper() in _OTHER_HTTP_METHODS:
        _fail(f"unsupported method {head.upper()}: use one of {', '.join(METHODS)}")
    if head.upper() in METHODS or head.startswith("-") or "/" in head or ":" in head:
        return _parse_request(tokens)
    _unknown_word(head)


def usage(context: str) -> str:
    """The argparse help of a subcommand (or ``"request"``)."""
    return _percent(_parser(context).format_help())


def build_request(spec: RequestSpec, *, cell: str, evaluate: Evaluate) -> JamaRequest:
    """The ``JamaRequest`` for ``spec``; ``evaluate`` runs an expression in the user namespace."""
    query = [*_mapping_items("-q", spec.query_expr, evaluate), *spec.params]
    headers = [*_mapping_items("--headers", spec.headers_expr, evaluate), *spec.headers]
    return JamaRequest.build(
        spec.method,
        spec.url,
        query=query,
        headers=headers,
        body=_body(spec, cell, evaluate),
        all_pages=spec.all_pages,
        limit=spec.limit,
        timeout=spec.timeout,
    )


def _split(line: str) -> list[str]:
    try:
        return shlex.split(strip_comment(line))
    except ValueError as exc:  # an unclosed quote
        _fail(f"cannot split the line ({exc}): check the quotes")


def strip_comment(line: str) -> str:
    """``line`` without a trailing ``# comment``, which IPython passes on to a line magic.

    As in a shell, a comment starts at an unquoted ``#`` that begins a word: a ``#``
    in quotes or inside a word (``/items#top``, ``-p q=#1``) is kept.
    """
    quote, escaped = "", False
    for at, char in enumerate(line):
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (at == 0 or line[at - 1].isspace()):
            return line[:at]
    return line


def _parse_subcommand(name: str, tokens: list[str]) -> Subcommand:
    args = _parse(name, tokens)
    if name == "connect":
        args = _connect_args(args)
    if name == "help" and args.get("topic") is not None:
        args["topic"] = _help_topic(str(args["topic"]))
    return Subcommand(name=name, args=args)


def _help_topic(topic: str) -> str:
    if topic.upper() in METHODS:
        return REQUEST
    if topic.lower() not in (*SUBCOMMANDS, REQUEST):
        _suggest("help topic", topic, [*SUBCOMMANDS, REQUEST])
    return topic.lower()


def _connect_args(args: dict[str, Any]) -> dict[str, Any]:
    """``connect`` options as keyword arguments for ``jama_magic.connect`` (unset ones left out)."""
    no_verify, ca_bundle = args.pop("no_verify"), args.pop("ca_bundle")
    args["check"] = not args.pop("no_check")
    if no_verify and ca_bundle:
        _fail("connect: give --no-verify or --ca-bundle PATH, not both")
    if no_verify or ca_bundle:
        args["verify"] = ca_bundle or False
    return {key: value for key, value in args.items() if value is not None}


def _parse_request(tokens: list[str]) -> RequestSpec:
    args = _parse(REQUEST, tokens)
    words: list[str] = args.pop("words")
    method = "GET"
    if words and words[0].upper() in METHODS:
        method = words.pop(0).upper()
    if not words:
        _fail(f"{method} needs a relative URL, e.g. %jama {method} /projects")
    _check_template_filled(words)
    if len(words) > 1:
        extra = words[1]
        hint = "; the method goes first" if extra.upper() in METHODS else ""
        _fail(f"unexpected argument {extra!r} after the URL{hint} (quote values with spaces)")
    params, headers = args.pop("param") or [], args.pop("header") or []
    return RequestSpec(
        method=method, url=words[0], params=tuple(params), headers=tuple(headers), **args
    )


def _check_template_filled(words: list[str]) -> None:
    """Catch a path template pasted from completion, e.g. /items/{id}/children."""
    if "<built-in" in " ".join(words):
        _fail("IPython expanded {id} in the URL to the built-in id(): put the item id there")
    left = re.search(r"\{(\w+)\}", words[0])
    if left:
        _fail(f"replace {{{left[1]}}} in {words[0]} with a value (it is a path template's field)")


def _parse(context: str, tokens: list[str]) -> dict[str, Any]:
    parser = _parser(context)
    try:
        namespace, extras = parser.parse_known_intermixed_args(tokens)
    except MagicParseError:
        _check_flags(context, tokens)  # a mistyped option explains "--from is required"
        raise
    for extra in extras:
        _unknown_option(context, extra)
    values = vars(namespace)
    if "body" in values:  # argparse dest names -> RequestSpec fields
        values["query_expr"] = values.pop("query")
        values["headers_expr"] = values.pop("headers")
        values["body_expr"] = values.pop("body")
    return values


def _check_flags(context: str, tokens: list[str]) -> None:
    """Fail on the first ``--option`` that ``context`` does not have."""
    known = flags_for(context)
    for token in tokens:
        if token.startswith("--") and token.split("=", 1)[0] not in known:
            _unknown_option(context, token)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that raises ``MagicParseError`` instead of exiting."""

    def error(self, message: str) -> NoReturn:
        topic = "request" if "URL" in self.prog else self.prog.split()[-1]
        _fail(f"%{self.prog}: {message} (see %jama help {topic})")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        _fail(message or f"%{self.prog}: invalid arguments")


def _parser(context: str) -> _Parser:
    # argparse %-formats prog, so the leading % of "%jama" is added when shown (_percent).
    prog = "jama [METHOD] URL" if context == REQUEST else f"jama {context}"
    parser = _Parser(prog=prog, add_help=False, allow_abbrev=False, epilog=NOTES.get(context))
    if context == REQUEST:
        parser.add_argument("words", nargs="*", help=argparse.SUPPRESS)
    if context in POSITIONALS:
        name, nargs, _ = POSITIONALS[context]
        parser.add_argument(name, nargs=nargs, metavar=name.upper())
    for option in OPTIONS[context]:
        parser.add_argument(*option.flags, help=option.help, **option.kwargs)
    return parser


def _percent(text: str) -> str:
    return text.replace("usage: jama", "usage: %jama")


def _unknown_option(context: str, token: str) -> NoReturn:
    where = "%jama [METHOD] URL" if context == REQUEST else f"%jama {context}"
    flag = token.split("=", 1)[0]
    if flag in _SECRET_FLAGS:
        _fail(
            f"{flag} is not an option: secrets never go in a notebook line. Set the env "
            "variable JAMA_<NICKNAME>_PASSWORD, store it in the keyring (service jama_magic), "
            "or answer the prompt"
        )
    if not token.startswith("-"):
        _fail(f"{where}: unexpected argument {token!r} (quote values with spaces)")
    _suggest("option", flag, flags_for(context), topic=context, where=f" for {where}")


def _unknown_word(word: str) -> NoReturn:
    if f"/{word}" in catalog.endpoint_paths():
        _fail(f"unknown subcommand or method {word!r}; did you mean: %jama GET /{word}?")
    choices = [*SUBCOMMANDS, *METHODS]
    _suggest("subcommand or method", word, choices, known=True)


def _suggest(
    what: str,
    word: str,
    choices: Sequence[str],
    *,
    known: bool = False,
    topic: str = "",
    where: str = "",
) -> NoReturn:
    lowered = {c.lower(): c for c in choices}
    close = _closest(word.lower(), list(lowered))
    message = f"unknown {what} {word!r}{where}"
    if close:
        message += "; did you mean " + " or ".join(lowered[c] for c in close) + "?"
    elif known or len(choices) <= 16:
        message += f"; choose from {', '.join(choices) or '(none)'}"
    _fail(f"{message} (see %jama help{' ' + topic if topic else ''})")


def _closest(word: str, choices: list[str]) -> list[str]:
    """The best close matches: those nearly as similar as the best one."""
    scored = [(difflib.SequenceMatcher(None, word, c).ratio(), c) for c in choices]
    best = max((score for score, _ in scored), default=0.0)
    if best < 0.6:
        return []
    return [c for score, c in sorted(scored, reverse=True) if score >= best - 0.05][:3]


def _mapping_items(option: str, expr: str | None, evaluate: Evaluate) -> list[tuple[str, Any]]:
    if expr is None:
        return []
    value = _evaluate(option, expr, evaluate)
    if not isinstance(value, Mapping):
        _fail(f"{option} {expr} must name a dict, not a {type(value).__name__}")
    return list(value.items())


def _body(spec: RequestSpec, cell: str, evaluate: Evaluate) -> Any:
    if spec.body_expr is not None:
        if cell.strip():
            _fail("give the body either with -b or in the cell, not both")
        return _evaluate("-b", spec.body_expr, evaluate)
    return load_json(cell, evaluate) if cell.strip() else NO_BODY


def _evaluate(option: str, expr: str, evaluate: Evaluate) -> Any:
    try:
        return evaluate(expr)
    except NameError as exc:
        name = getattr(exc, "name", None) or str(exc)
        hint = ""
        if any(ch in expr for ch in "[{:"):  # looks like a literal whose quotes the line lost
            hint = f"; {option} takes a variable or a quoted expression: {option} '<python>'"
        _fail(f"undefined name {name!r} in {option} {expr}{hint}")
    except Exception as exc:
        _fail(f"{option} {expr} raised {type(exc).__name__}: {exc}")


def _fail(message: str) -> NoReturn:
    raise MagicParseError(message)
