"""``GET /abstractitems`` filtering and ``sortBy`` ordering.

Results are cached per query until the next write, so paging through a search
over 100,000 items costs one scan, not one per page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from starlette.requests import Request

from jama_magic.sandbox import query
from jama_magic.sandbox.responses import ApiError
from jama_magic.sandbox.store import Store
from jama_magic.sandbox.wire import JsonDict

_PAGING = {"startAt", "maxResults", "include"}
_DATES = ("createdDate", "modifiedDate", "lastActivityDate")
_DEFAULT_SORT = ["sequence.asc", "documentKey.asc"]
Predicate = Callable[[JsonDict], bool]


def search(store: Store, request: Request) -> list[JsonDict]:
    """All abstract items matching the query, in ``sortBy`` order (cached until a write)."""
    params = tuple(
        sorted((k, v) for k, v in request.query_params.multi_items() if k not in _PAGING)
    )
    key = (store.revision, params)
    cached = store.search_cache.get(key)
    if cached is None:
        tests = _predicates(request)
        rows = [obj for obj in _pool(store) if all(test(obj) for test in tests)]
        cached = sort_rows(rows, request.query_params.getlist("sortBy") or _DEFAULT_SORT)
        store.search_cache[key] = cached
    return cached


def _pool(store: Store) -> Iterable[JsonDict]:
    ds = store.ds
    for table in (ds.items, ds.testplans, ds.testcycles, ds.testruns, ds.attachments):
        yield from table.values()


def _predicates(request: Request) -> list[Predicate]:
    tests: list[Predicate] = []
    for name in ("project", "itemType"):
        wanted = set(query.ints(request, name))
        if wanted:
            tests.append(lambda o, n=name, w=wanted: o.get(n) in w)  # type: ignore[misc]
    releases = set(query.ints(request, "release"))
    if releases:
        tests.append(lambda o: o["fields"].get("release") in releases)
    keys = set(request.query_params.getlist("documentKey"))
    if keys:
        tests.append(lambda o: o.get("documentKey") in keys)
    words = [w.lower() for w in request.query_params.getlist("contains") if w]
    if words:
        tests.append(lambda o: any(w in _text(o) for w in words))
    tests.extend(_date_test(request, name) for name in _DATES if request.query_params.getlist(name))
    return tests


def _text(obj: JsonDict) -> str:
    fields = obj.get("fields", {})
    return (
        f"{fields.get('name', '')} {fields.get('description', '')} {obj.get('documentKey')}".lower()
    )


def _date_test(request: Request, name: str) -> Predicate:
    """One value: on or after; two: a range with both ends included."""
    lenient = request.app.state.store.config.lenient
    raws = request.query_params.getlist(name)[:2]
    values = [query.datetime_value(name, raw, lenient=lenient) for raw in raws]
    low, high = values[0], values[1] if len(values) > 1 else None
    return lambda o: low <= o.get(name, "") and (high is None or o.get(name, "") <= high)


def _sort_value(obj: JsonDict, field: str) -> Any:
    if field == "sequence":
        text = obj.get("location", {}).get("sequence", "")
        return tuple(int(part) for part in text.split(".") if part.isdigit())
    value = obj.get(field, obj.get("fields", {}).get(field))
    return (value is None, "" if value is None else value)


def sort_rows(rows: list[JsonDict], sort_by: list[str]) -> list[JsonDict]:
    """Stable multi-key sort by ``field.asc``/``field.desc`` values."""
    for spec in reversed(sort_by):
        field, _, direction = spec.rpartition(".") if "." in spec else (spec, "", "asc")
        if direction not in ("asc", "desc") or not field:
            raise ApiError(
                400, f"sortBy must look like name.asc or createdDate.desc, got {spec!r}."
            )
        try:
            rows = sorted(
                rows,
                key=lambda o, f=field: _sort_value(o, f),  # type: ignore[misc]
                reverse=direction == "desc",
            )
        except TypeError:
            rows = sorted(
                rows,
                key=lambda o, f=field: str(_sort_value(o, f)),  # type: ignore[misc]
                reverse=direction == "desc",
            )
    return rows
