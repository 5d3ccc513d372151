"""``{{ expr }}`` templating of ``%%jama`` cell bodies into JSON (pure, no IPython).

The rules, also in the ``%jama?`` help:

* Outside a JSON string, ``{{ expr }}`` becomes the JSON encoding of the value:
  ``"name": {{ title }}`` with ``title = "Req"`` gives ``"name": "Req"``; numbers,
  booleans, ``None`` (``null``), lists, tuples and dicts keep their JSON types.
* Inside a JSON string, ``"name": "Req {{ n }}"``, the value's *text* is spliced in,
  escaped for JSON: a ``str`` as it is, anything else as its JSON text
  (``3``, ``true``, ``null``, ``[1, 2]``).
* What a DataFrame holds is converted: ``Timestamp``/``datetime`` to Jama's
  ``yyyy-MM-dd'T'HH:mm:ss.SSS+0000`` (in UTC; naive means UTC), a ``date`` or a
  datetime at midnight to ``yyyy-MM-dd`` (what DATE fields take), ``pd.NA``,
  ``NaT`` and NaN to ``null``, numpy scalars and arrays with ``.item()`` /
  ``.tolist()``. Other values JSON cannot hold (set, custom objects) are an error
  naming the placeholder.
* Nested placeholders are not supported: ``{{`` inside a placeholder is an error.
* A literal ``{{`` is written ``\\{{`` (anywhere: ``"a \\{{ b"`` sends ``"a {{ b"``).
  ``}}`` needs no escape; JSON bodies are full of it.
* The expression ends at the first ``}}`` that closes a valid Python expression,
  so ``{{ {"a": {"b": 1}} }}`` works.
* Errors (undefined name, bad expression, unsupported value, invalid JSON) are one
  line with the line and column of the cell body as typed.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import InvalidJSONError, PlaceholderError
from ..frames.missing import is_missing
from ..safetext import clean_line

__all__ = ["InvalidJSONError", "PlaceholderError", "load_json", "render"]

Evaluate = Callable[[str], Any]

# A literal-brace escape, an opening placeholder, a string escape, or a quote.
_SPECIAL = re.compile(r'\\\{\{|\{\{|\\.|"', re.DOTALL)


@dataclass
class _Output:
    """The rendered text plus a map from output offsets back to input offsets."""

    parts: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)  # output offset of each part
    origins: list[tuple[int, bool]] = field(default_factory=list)  # (input offset, literal?)
    size: int = 0

    def add(self, text: str, *, at: int, literal: bool = True) -> None:
        if text:
            self.parts.append(text)
            self.starts.append(self.size)
            self.origins.append((at, literal))
            self.size += len(text)

    def source_offset(self, pos: int) -> int:
        """The input offset that produced output offset ``pos``."""
        index = bisect.bisect_right(self.starts, pos) - 1
        if index < 0:
            return 0
        at, literal = self.origins[index]
        return at + (pos - self.starts[index]) if literal else at

    def text(self) -> str:
        return "".join(self.parts)


def render(template: str, evaluate: Evaluate) -> str:
    """``template`` with every placeholder replaced (see the module docstring)."""
    return _render(template, evaluate).text()


def load_json(template: str, evaluate: Evaluate) -> Any:
    """The JSON value of ``template`` after rendering; errors point into ``template``."""
    out = _render(template, evaluate)
    try:
        return json.loads(out.text(), parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        where = _where(template, out.source_offset(exc.pos))
        raise InvalidJSONError(f"invalid JSON in the cell body at {where}: {exc.msg}") from None
    except ValueError as exc:
        raise InvalidJSONError(f"invalid JSON in the cell body: {exc}") from None
    except RecursionError:
        raise InvalidJSONError(
            "the cell body is nested too deeply to read as JSON (more than ~1000 levels)"
        ) from None


def _render(template: str, evaluate: Evaluate) -> _Output:
    out = _Output()
    pos, in_string = 0, False
    while match := _SPECIAL.search(template, pos):
        out.add(template[pos : match.start()], at=pos)
        token, start = match.group(), match.start()
        if token == "{{":
            end, expr = _placeholder_end(template, start)
            out.add(_fill(expr, template, start, evaluate, in_string), at=start, literal=False)
            pos = end
            continue
        if token == "\\{{":
            out.add("{{", at=start + 1)
        else:
            in_string ^= token == '"'
            out.add(token, at=start)
        pos = match.end()
    out.add(template[pos:], at=pos)
    return out


def _placeholder_end(template: str, start: int) -> tuple[int, str]:
    """(offset after the closing ``}}``, expression) of the placeholder opening at ``start``."""
    candidates = [m.start() for m in re.finditer(r"(?=\}\})", template[start + 2 :])]
    if not candidates:
        raise PlaceholderError(
            f"unclosed placeholder '{{{{' at {_where(template, start)}: "
            r"close it with }} (write \{{ for a literal {{)"
        )
    for offset in candidates:
        expr = template[start + 2 : start + 2 + offset]
        if "{{" in expr:
            raise PlaceholderError(
                f"nested placeholders are not supported (at {_where(template, start)}): "
                r"use one {{ expr }} per value (write \{{ for a literal {{)"
            )
        if _compiles(expr):
            return start + 2 + offset + 2, expr.strip()
    first = template[start + 2 : start + 2 + candidates[0]]
    return start + 2 + candidates[0] + 2, first.strip()


def _compiles(expr: str) -> bool:
    try:
        compile(expr.strip(), "<placeholder>", "eval")
    except SyntaxError:
        return False
    return True


def _fill(expr: str, template: str, start: int, evaluate: Evaluate, in_string: bool) -> str:
    label = f"placeholder {{{{ {clean_line(expr, 80)} }}}} at {_where(template, start)}"
    if not expr:
        raise PlaceholderError(f"empty {label}: put a Python expression between the braces")
    value = _evaluate(expr, label, evaluate)
    text = _encode(value, label)
    if not in_string:
        return text
    # Inside a JSON string: splice the value's text, escaped for JSON.
    raw = value if isinstance(value, str) else text
    return json.dumps(raw)[1:-1]


def _evaluate(expr: str, label: str, evaluate: Evaluate) -> Any:
    try:
        return evaluate(expr)
    except NameError as exc:
        name = getattr(exc, "name", None) or str(exc)
        raise PlaceholderError(f"undefined name '{name}' in {label}") from None
    except SyntaxError as exc:
        raise PlaceholderError(f"invalid Python in {label}: {clean_line(exc.msg)}") from None
    except Exception as exc:
        raise PlaceholderError(
            f"{label} raised {type(exc).__name__}: {clean_line(exc, 200)}"
        ) from None


class _Unsupported(TypeError):
    def __init__(self, value: Any) -> None:
        super().__init__(type(value).__name__)


def _encode(value: Any, label: str) -> str:
    try:
        return json.dumps(_frame_value(value), allow_nan=False, default=_numpy_default)
    except _Unsupported as exc:
        raise PlaceholderError(
            f"{label}: a value of type {exc} is not JSON; convert it, e.g. str(...) or list(...)"
        ) from None
    except (TypeError, ValueError) as exc:
        raise PlaceholderError(f"{label}: not JSON ({clean_line(exc, 200)})") from None


def _frame_value(value: Any) -> Any:
    """Missing values, dates and times as JSON-ready values, also inside lists and dicts."""
    if isinstance(value, list | tuple):
        return [_frame_value(part) for part in value]
    if isinstance(value, dict):
        return {key: _frame_value(part) for key, part in value.items()}
    if is_missing(value):
        return None
    if isinstance(value, dt.datetime):
        return _jama_time(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if type(value).__name__ == "datetime64":  # numpy: through its datetime
        return _frame_value(value.astype("datetime64[us]").item())
    return value


def _jama_time(moment: dt.datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc)
    if (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0):
        return moment.date().isoformat()  # a day, as Jama's DATE fields take it
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}+0000"


def _numpy_default(value: Any) -> Any:
    # numpy/pandas scalars and arrays are common in notebooks and have exact JSON forms.
    if type(value).__module__.split(".")[0] in {"numpy", "pandas"}:
        for method in ("tolist", "item"):
            if callable(getattr(value, method, None)):
                return getattr(value, method)()
    raise _Unsupported(value)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON (use null or a number)")


def _where(text: str, offset: int) -> str:
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"
