"""Tests of ``{{ expr }}`` cell-body templating (jama_magic.magics.placeholders)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from jama_magic.errors import BodyError
from jama_magic.magics.placeholders import InvalidJSONError, PlaceholderError, load_json, render

NS: dict[str, Any] = {
    "title": 'Req "one"',
    "n": 3,
    "x": 2.5,
    "flag": True,
    "nothing": None,
    "ids": [1, 2, 3],
    "fields": {"name": "A", "priority": {"id": 7}, "tags": ["a", "b"]},
    "when": dt.date(2024, 1, 2),
    "nan": float("nan"),
}


def ev(expr: str) -> Any:
    return eval(expr, {}, dict(NS))


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("title", 'Req "one"'),
        ("n", 3),
        ("x", 2.5),
        ("flag", True),
        ("nothing", None),
        ("ids", [1, 2, 3]),
        ("fields", NS["fields"]),
        ("(1, 2)", [1, 2]),
        ("{'deep': [{'a': [None, False]}]}", {"deep": [{"a": [None, False]}]}),
    ],
)
def test_value_keeps_its_json_type(expr: str, expected: Any) -> None:
    """A placeholder outside a string becomes the JSON encoding of its value, type kept."""
    assert load_json('{"v": {{ ' + expr + " }}}", ev) == {"v": expected}


def test_placeholder_without_spaces() -> None:
    """`{{n}}` works like `{{ n }}`."""
    assert load_json("[{{n}}, {{ n }}]", ev) == [3, 3]


@pytest.mark.parametrize(
    ("expr", "text"),
    [
        ("title", 'Req "one"'),
        ("n", "3"),
        ("x", "2.5"),
        ("flag", "true"),
        ("nothing", "null"),
        ("ids", "[1, 2, 3]"),
    ],
)
def test_inside_a_string_the_text_is_spliced(expr: str, text: str) -> None:
    """Inside a JSON string a str is spliced as is, other values as their JSON text, escaped."""
    assert load_json('{"name": "Req {{ ' + expr + ' }}!"}', ev) == {"name": f"Req {text}!"}


def test_escaped_braces_are_literal() -> None:
    r"""`\{{` writes a literal `{{` inside and outside strings; `}}` needs no escape."""
    assert load_json(r'{"a": "x \{{ n }} y", "b": {"c": {{ n }}}}', ev) == {
        "a": "x {{ n }} y",
        "b": {"c": 3},
    }


def test_escaped_backslash_before_placeholder() -> None:
    r"""`\\{{ n }}` in a string is an escaped backslash followed by a placeholder."""
    assert load_json(r'"\\{{ n }}"', ev) == "\\3"


def test_dict_literal_inside_placeholder() -> None:
    """The expression ends at the first `}}` that closes valid Python."""
    assert load_json('{{ {"a": {"b": 1}} }}', ev) == {"a": {"b": 1}}


def test_render_returns_json_text() -> None:
    """render() gives the JSON text that will be sent."""
    assert render('{"v": {{ ids }}, "s": "{{ n }}"}', ev) == '{"v": [1, 2, 3], "s": "3"}'


def test_undefined_name_is_named_with_position() -> None:
    """An undefined name gives one line naming it and where the placeholder is."""
    with pytest.raises(PlaceholderError) as info:
        load_json('{\n  "a": {{ missing }}\n}', ev)
    assert (
        str(info.value)
        == "undefined name 'missing' in placeholder {{ missing }} at line 2, column 8"
    )


def test_nested_placeholder_is_an_error() -> None:
    """`{{ a {{ b }} }}` is refused with a clear message."""
    with pytest.raises(PlaceholderError, match="nested placeholders are not supported"):
        load_json('{"a": {{ n {{ n }} }}}', ev)


def test_unclosed_placeholder_is_an_error() -> None:
    """A `{{` without `}}` says how to close or escape it."""
    with pytest.raises(PlaceholderError, match=r"unclosed placeholder .* line 1, column 7"):
        load_json('{"a": {{ n', ev)


@pytest.mark.parametrize(
    ("expr", "fragment"),
    [("set()", "type set is not JSON"), ("object()", "type object is not JSON")],
)
def test_unsupported_value_names_the_placeholder(expr: str, fragment: str) -> None:
    """A value JSON cannot hold is an error naming the placeholder and the type."""
    with pytest.raises(PlaceholderError) as info:
        load_json('{"a": {{ ' + expr + " }}}", ev)
    assert f"placeholder {{{{ {expr} }}}}" in str(info.value)
    assert fragment in str(info.value)


def test_expression_error_is_reported() -> None:
    """An exception in the expression is one line with its type and message."""
    with pytest.raises(PlaceholderError, match="raised ZeroDivisionError: division by zero"):
        load_json("{{ 1/0 }}", ev)


def test_empty_placeholder() -> None:
    """`{{ }}` asks for an expression."""
    with pytest.raises(PlaceholderError, match="empty placeholder"):
        load_json('{"a": {{ }}}', ev)


def test_bad_python_in_placeholder() -> None:
    """A syntax error in a placeholder is reported as invalid Python."""
    with pytest.raises(PlaceholderError, match="invalid Python"):
        load_json('{"a": {{ n + }}}', ev)


def test_invalid_json_position_is_as_typed() -> None:
    """JSON errors give the line and column of the body as typed, after placeholders."""
    body = '{"title": {{ title }},\n "n": {{ ids }} "x": 1}'
    with pytest.raises(InvalidJSONError) as info:
        load_json(body, ev)
    assert str(info.value) == (
        "invalid JSON in the cell body at line 2, column 17: Expecting ',' delimiter"
    )


def test_invalid_json_inside_placeholder_position_points_at_it() -> None:
    """An error caused by a placeholder's value points at the placeholder."""
    with pytest.raises(InvalidJSONError, match="line 1, column 10"):
        load_json("[{{ n }} {{ n }}]", ev)


def test_nan_literal_is_refused() -> None:
    """NaN is not JSON even though Python's json accepts it."""
    with pytest.raises(InvalidJSONError, match="NaN is not valid JSON"):
        load_json("[NaN]", ev)


def test_errors_are_body_errors() -> None:
    """Placeholder and JSON errors belong to the core's BodyError family."""
    assert issubclass(PlaceholderError, BodyError)
    assert issubclass(InvalidJSONError, BodyError)


def test_numpy_values_are_converted() -> None:
    """numpy scalars and arrays become plain JSON."""
    np = pytest.importorskip("numpy")
    values = {"a": np.int64(4), "b": np.array([1.5, 2.0])}
    assert json.loads(render("[{{ a }}, {{ b }}]", lambda e: values[e])) == [4, [1.5, 2.0]]


def test_frame_values_become_jama_json() -> None:
    """Timestamps in Jama's format, midnight and dates as days, NA/NaT/NaN as null, numpy plain."""
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    values = {
        "ts": pd.Timestamp("2024-03-16 10:20:30.123456", tz="Europe/Berlin"),
        "naive": dt.datetime(2024, 3, 16, 10, 20, 30, 5000),
        "day": pd.Timestamp("2024-03-16", tz="UTC"),
        "date": dt.date(2024, 3, 16),
        "na": pd.NA,
        "nat": pd.NaT,
        "nan": float("nan"),
        "npnan": np.float64("nan"),
        "n": np.int64(7),
        "b": np.bool_(True),
        "d64": np.datetime64("2024-03-16T10:20:30.5"),
        "mixed": [pd.NA, pd.Timestamp("2024-01-02", tz="UTC"), {"x": np.nan}],
    }
    body = load_json('{"v": [' + ", ".join(f"{{{{ {k} }}}}" for k in values) + "]}", values.get)
    assert body["v"] == [
        "2024-03-16T09:20:30.123+0000",
        "2024-03-16T10:20:30.005+0000",
        "2024-03-16",
        "2024-03-16",
        None,
        None,
        None,
        None,
        7,
        True,
        "2024-03-16T10:20:30.500+0000",
        [None, "2024-01-02", {"x": None}],
    ]


def test_frame_cell_placeholder_from_the_issue() -> None:
    """`{{ df.due_date.iloc[0] }}` of a frame fills in the day (it used to fail)."""
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"due_date": pd.to_datetime(["2024-03-16"], utc=True), "n": [pd.NA]})
    scope = {"df": df}
    body = load_json(
        '{"due": {{ df.due_date.iloc[0] }}, "n": {{ df.n.iloc[0] }}}',
        lambda expr: eval(expr, {}, scope),
    )
    assert body == {"due": "2024-03-16", "n": None}


@pytest.mark.parametrize("cell", ["{{{\n{}}", "{{ (1,\n2 +) }}", '{{ "a\\nb".nope }}'])
def test_placeholder_errors_are_one_line_even_for_multiline_expressions(cell: str) -> None:
    """An expression spanning lines is shown on one line in the error (no line break leaks)."""
    with pytest.raises(PlaceholderError) as info:
        load_json(cell, ev)
    assert "\n" not in str(info.value) and str(info.value).strip()
