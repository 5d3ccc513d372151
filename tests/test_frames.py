"""The DataFrame view of list bodies (jama_magic.frames) on real 2016 items and hand-made ones."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from jama_magic.frames import NotAListError, to_dataframe
from jama_magic.frames.richtext import html_to_text
from jama_magic.frames.tables import IDENTITY

SAMPLES = Path(__file__).resolve().parents[0] / "data" / "restclient_2016_responses.json"
LOCAL_SAMPLES = Path(__file__).parent / "data" / "restclient_2016_responses.json"


def _samples() -> dict[str, Any]:
    path = LOCAL_SAMPLES if LOCAL_SAMPLES.exists() else SAMPLES
    if not path.exists():
        pytest.skip("the 2016 Jama samples are not available")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def samples() -> dict[str, Any]:
    return _samples()


@pytest.fixture
def page(samples: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(samples["GET test/rest/v1/items?project=20183&rootOnly=true"]["response"])


@pytest.fixture
def all_fields(samples: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(samples["GET test/rest/v1/items/2210690"]["response"])


@pytest.fixture
def item_types(samples: dict[str, Any]) -> dict[str, Any]:
    types = samples["GET test/rest/v1/projects/20183/itemtypes"]["response"]["data"]
    types = [*types, samples["GET test/rest/v1/itemtypes/89070"]["response"]["data"]]
    return {str(t["id"]): copy.deepcopy(t) for t in types}


def _is_utc(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.DatetimeTZDtype) and str(series.dtype.tz) == "UTC"


def _is_text(series: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(series.dtype) or series.dtype == object


# layout ---------------------------------------------------------------------------------------


def test_items_one_row_each_with_id_index(page: dict[str, Any]) -> None:
    """Each item becomes one row, indexed by its id in server order."""
    df = to_dataframe(page["data"])
    assert df.index.name == "id"
    assert list(df.index) == [item["id"] for item in page["data"]]


def test_identity_columns_come_first(page: dict[str, Any]) -> None:
    """documentKey, globalId, itemType, project, parent, sequence lead the columns."""
    df = to_dataframe(page["data"])
    assert tuple(df.columns[:6]) == IDENTITY


def test_parent_is_the_item_or_the_project(page: dict[str, Any]) -> None:
    """parent holds location.parent.item, or location.parent.project for root items."""
    df = to_dataframe(page["data"])
    assert df.loc[1972330, "parent"] == 20183
    assert df.loc[1972323, "parent"] == 1972330
    assert df.loc[1972337, "sequence"] == "2.1.1"


def test_lock_and_audit_columns(page: dict[str, Any]) -> None:
    """lock.* become locked/lockedBy/lastLockedDate; resources are dropped; type is last."""
    df = to_dataframe(page["data"])
    assert df["locked"].dtype == bool
    assert df.loc[1972337, "lockedBy"] == 18362
    assert pd.isna(df.loc[1972330, "lockedBy"])
    assert not any(column.startswith("resources") for column in df.columns)
    assert df.columns[-1] == "type"


def test_repeated_identity_fields_are_merged(page: dict[str, Any]) -> None:
    """fields.documentKey, fields.globalId and an equal fields.id do not become extra columns."""
    df = to_dataframe(page["data"])
    assert "fields.documentKey" not in df.columns
    assert "fields.id" not in df.columns
    assert list(df.columns).count("documentKey") == 1


def test_disagreeing_field_keeps_its_path() -> None:
    """A field that repeats a top-level key with other values stays as fields.<key>."""
    rows = [{"id": 1, "documentKey": "A-1", "fields": {"id": 99, "documentKey": "X-9"}}]
    df = to_dataframe(rows)
    assert df.loc[1, "fields.id"] == 99
    assert df.loc[1, "fields.documentKey"] == "X-9"
    assert df.loc[1, "documentKey"] == "A-1"


# suffixes -------------------------------------------------------------------------------------


def test_suffix_dropped_when_unambiguous(page: dict[str, Any]) -> None:
    """story_points$89014 becomes story_points when no other key has that base name."""
    df = to_dataframe(page["data"])
    assert "story_points" in df.columns
    assert "story_points$89014" not in df.columns
    assert df.attrs["field_keys"]["story_points"] == "story_points$89014"


def test_suffix_kept_on_collision_between_types() -> None:
    """status$1 and status$2 both keep their raw keys, and no plain status column appears."""
    rows = [
        {"id": 10, "itemType": 1, "fields": {"name": "a", "status$1": 5}},
        {"id": 11, "itemType": 2, "fields": {"name": "b", "status$2": 7}},
    ]
    df = to_dataframe(rows)
    assert {"status$1", "status$2"} <= set(df.columns)
    assert "status" not in df.columns
    assert df.loc[11, "status$2"] == 7


def test_suffix_kept_on_collision_with_system_field() -> None:
    """priority and priority$3 in the same data keep their raw keys."""
    rows = [
        {"id": 1, "itemType": 2, "fields": {"priority": 4}},
        {"id": 2, "itemType": 3, "fields": {"priority$3": 8}},
    ]
    df = to_dataframe(rows)
    assert {"priority", "priority$3"} <= set(df.columns)


# dtypes ---------------------------------------------------------------------------------------

EXPECTED_DTYPES = {
    "flag": "bool",
    "integer": "int",
    "date": "datetime",
    "url": "text",
    "richtext": "text",
    "textbox": "text",
    "rollup": "text",
    "calculated": "text",
    "picklist": "int",
    "assignedTo": "int",
    "release": "int",
    "item_of_type": "int",
}


def _kind(series: pd.Series) -> str:
    if _is_utc(series):
        return "datetime"
    if pd.api.types.is_bool_dtype(series.dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(series.dtype):
        return "int"
    return "text" if _is_text(series) else str(series.dtype)


@pytest.mark.parametrize("with_types", [True, False], ids=["item-types", "inferred"])
def test_every_field_type_lands_in_its_dtype(
    all_fields: dict[str, Any], item_types: dict[str, Any], with_types: bool
) -> None:
    """Each AllFieldsDemo field (one per common fieldType) gets the dtype of its type."""
    linked = {"itemtypes": item_types} if with_types else None
    df = to_dataframe([all_fields["data"]], linked=linked)
    assert {col: _kind(df[col]) for col in EXPECTED_DTYPES} == EXPECTED_DTYPES
    assert df.loc[2210690, "multiselect"] == [156395, 156396, 156397, 156398]
    assert df.loc[2210690, "date"] == pd.Timestamp("2016-11-08", tz="UTC")


def test_timestamps_are_utc_datetimes(page: dict[str, Any]) -> None:
    """createdDate and friends (yyyy-MM-ddTHH:mm:ss.SSS+0000) become tz-aware UTC datetimes."""
    df = to_dataframe(page["data"])
    for column in ("createdDate", "modifiedDate", "lastActivityDate", "lastLockedDate"):
        assert _is_utc(df[column]), column
    assert df.loc[1972330, "createdDate"] == pd.Timestamp("2012-07-13T14:26:50Z")


def test_integers_with_gaps_are_nullable(page: dict[str, Any]) -> None:
    """An integer field missing on some rows is Int64 with <NA>, not float."""
    df = to_dataframe(page["data"])
    assert str(df["story_points"].dtype) == "Int64"
    assert df.loc[1972337, "story_points"] == 45
    assert str(df["itemType"].dtype) == "int64"


def test_declared_type_wins_over_values() -> None:
    """A STRING field holding date-like text stays text when the item type says STRING."""
    item_type = {"id": 7, "fields": [{"name": "code$7", "label": "Code", "fieldType": "STRING"}]}
    rows = [{"id": 1, "itemType": 7, "fields": {"code$7": "2020-01-01"}}]
    df = to_dataframe(rows, linked={"itemtypes": {"7": item_type}})
    assert _is_text(df["code"])
    inferred = to_dataframe(rows)
    assert _is_utc(inferred["code"])


def test_boxed_integers_are_unboxed() -> None:
    """A numeric value boxed in a one-element array is unboxed for INTEGER fields."""
    item_type = {"id": 7, "fields": [{"name": "n$7", "label": "N", "fieldType": "INTEGER"}]}
    rows = [
        {"id": 1, "itemType": 7, "fields": {"n$7": [3]}},
        {"id": 2, "itemType": 7, "fields": {}},
    ]
    df = to_dataframe(rows, linked={"itemtypes": {"7": item_type}})
    assert str(df["n"].dtype) == "Int64"
    assert df.loc[1, "n"] == 3


def test_test_case_steps_stay_lists_of_dicts() -> None:
    """testCaseSteps keeps its list of {action, expectedResult, notes} dicts."""
    steps = [{"action": "<p>Open</p>", "expectedResult": "<p>Opens</p>", "notes": ""}]
    df = to_dataframe([{"id": 1, "itemType": 2, "fields": {"testCaseSteps": steps}}])
    assert df.loc[1, "testCaseSteps"] == steps


def test_labels_from_item_types(page: dict[str, Any], item_types: dict[str, Any]) -> None:
    """df.attrs['labels'] maps columns to field labels of the item type definitions."""
    df = to_dataframe(page["data"], linked={"itemtypes": item_types})
    assert df.attrs["labels"]["story_points"] == "Story Points"
    assert df.attrs["labels"]["name"] == "Name"
    assert "labels" in df.attrs and to_dataframe(page["data"]).attrs["labels"] == {}


# names ----------------------------------------------------------------------------------------


def _linked() -> dict[str, dict[str, Any]]:
    return {
        "itemtypes": {"89014": {"id": 89014, "display": "User Story", "fields": []}},
        "users": {"18362": {"id": 18362, "firstName": "Jane", "lastName": "Doe"}},
        "picklistoptions": {"156405": {"id": 156405, "name": "High"}},
        "projects": {"20183": {"id": 20183, "fields": {"name": "CoveragePlus - Agile"}}},
    }


def test_resolve_from_linked(page: dict[str, Any]) -> None:
    """With resolve=True, ids found in linked are shown by name (links say which are options)."""
    df = to_dataframe(page["data"], linked=_linked(), links=page["links"], resolve=True)
    row = df.loc[1972337]
    assert row["itemType"] == "User Story"
    assert row["lockedBy"] == "Jane Doe"
    assert row["story_priority"] == "High"
    assert row["project"] == "CoveragePlus - Agile"


def test_unresolved_ids_become_text_in_resolved_columns(page: dict[str, Any]) -> None:
    """An id missing from every source shows as its number in text, so the column stays text."""
    df = to_dataframe(page["data"], linked=_linked(), links=page["links"], resolve=True)
    assert df.loc[1972334, "story_priority"] == "156406"


def test_without_resolve_ids_stay(page: dict[str, Any]) -> None:
    """resolve=False leaves ids as integers even when linked has names."""
    df = to_dataframe(page["data"], linked=_linked(), links=page["links"])
    assert df.loc[1972337, "story_priority"] == 156405


class FakeNames:
    """A NameSource that records what it was asked."""

    def __init__(self, item_types: dict[str, Any]) -> None:
        self.calls: list[tuple[str, list[int]]] = []
        self.types = {int(key): value for key, value in item_types.items()}

    def names(self, kind: str, ids: Iterable[int]) -> dict[int, str]:
        ids = list(ids)
        self.calls.append((kind, ids))
        return {i: f"{kind}-{i}" for i in ids if i % 2 == 0 or kind != "users"}

    def item_types(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        ids = list(ids)
        self.calls.append(("item_types", ids))
        return {i: self.types[i] for i in ids if i in self.types}


def test_resolve_through_name_source(
    all_fields: dict[str, Any], item_types: dict[str, Any]
) -> None:
    """Ids not in linked are asked from the NameSource, once per kind, with field types from it."""
    names = FakeNames(item_types)
    df = to_dataframe([all_fields["data"]], names=names, resolve=True)
    row = df.loc[2210690]
    assert row["picklist"] == "picklistoptions-156397"
    assert row["multiselect"] == [f"picklistoptions-{i}" for i in (156395, 156396, 156397, 156398)]
    assert row["release"] == "releases-48205"
    assert row["createdBy"] == "users-18362"
    kinds = [kind for kind, _ in names.calls]
    assert sorted(kinds) == sorted(set(kinds))
    assert ("item_types", [89070]) in names.calls


def test_linked_first_then_name_source(page: dict[str, Any]) -> None:
    """The NameSource is asked only for ids linked does not have."""
    names = FakeNames({})
    to_dataframe(page["data"], linked=_linked(), links=page["links"], names=names, resolve=True)
    asked = dict(names.calls)
    assert 18362 not in asked["users"]
    assert 16218 in asked["users"]
    assert 156405 not in asked["picklistoptions"]


# rich text ------------------------------------------------------------------------------------

REAL_LOOKING_HTML = (
    "<p>The&nbsp;system <strong>shall</strong> log in &amp; out &lt;fast&gt;. "
    "It isn&#39;t slow.</p>\n<ul><li>first</li><li>second</li></ul>\n"
    "<ol><li>one</li><li>two</li></ol>\n"
    "<table><tr><th>Key</th><th>Value</th></tr><tr><td>A</td><td>1&nbsp;ms</td></tr></table>\n"
    '<p><img src="https://x.invalid/a.png" alt="diagram"> see <a href="https://x.invalid">spec</a></p>'
)


def test_html_to_text_reads_like_text() -> None:
    """Entities decode, lists get bullets/numbers, tables keep cells, no tags or &nbsp; remain."""
    text = html_to_text(REAL_LOOKING_HTML)
    assert "The system shall log in & out <fast>. It isn't slow." in text
    assert "- first\n" in text and "- second" in text
    assert "1. one" in text and "2. two" in text
    assert "Key" in text and "1 ms" in text
    assert "diagram" in text and "spec" in text and "https://" not in text
    assert "<p>" not in text and "&nbsp;" not in text and "\xa0" not in text


def test_text_option_converts_rich_text_fields(
    all_fields: dict[str, Any], item_types: dict[str, Any]
) -> None:
    """text=True turns RICHTEXT fields into plain text and leaves TEXTAREA and STRING alone."""
    linked = {"itemtypes": item_types}
    df = to_dataframe([all_fields["data"]], linked=linked, text=True)
    row = df.loc[2210690]
    assert row["richtext"] == "rich text test"
    assert row["description"] == "Description"
    assert row["textbox"] == "multi\nline\nstuff"
    assert "Story" in row["richtexttemplate"] and "<h2>" not in row["richtexttemplate"]
    kept = to_dataframe([all_fields["data"]], linked=linked)
    assert kept.loc[2210690, "richtext"].startswith("<p>rich&nbsp;")


def test_text_option_converts_steps_and_sniffed_html() -> None:
    """Without item types, HTML-looking field text and test steps are converted too."""
    steps = [{"action": "<p>Press&nbsp;<b>OK</b></p>", "expectedResult": "<p>Done</p>"}]
    rows = [{"id": 1, "fields": {"notes$5": "<p>a &amp; b</p>", "testCaseSteps": steps}}]
    df = to_dataframe(rows, text=True)
    assert df.loc[1, "notes"] == "a & b"
    assert df.loc[1, "testCaseSteps"] == [{"action": "Press OK", "expectedResult": "Done"}]


# other lists, empty and non-list bodies -------------------------------------------------------


def test_relationships_generic() -> None:
    """Relationships become one row each with typed columns and the id index."""
    rows = [
        {
            "id": 1184,
            "fromItem": 66999,
            "toItem": 66998,
            "relationshipType": 4,
            "suspect": False,
            "type": "relationships",
        },
        {
            "id": 1185,
            "fromItem": 66999,
            "toItem": 67000,
            "relationshipType": 4,
            "suspect": True,
            "type": "relationships",
        },
    ]
    df = to_dataframe(rows)
    assert list(df.columns) == ["fromItem", "toItem", "relationshipType", "suspect", "type"]
    assert df["suspect"].dtype == bool and str(df["toItem"].dtype) == "int64"
    linked = {"items": {"66999": {"id": 66999, "documentKey": "REQ-1"}}}
    assert to_dataframe(rows, linked=linked, resolve=True).loc[1184, "fromItem"] == "REQ-1"


def test_users_and_nested_objects_generic() -> None:
    """Users keep their columns; nested objects become dotted columns; lists stay lists."""
    rows = [
        {
            "id": 5,
            "username": "sample",
            "firstName": "Sample",
            "active": True,
            "licenseType": "NAMED",
            "location": "",
            "prefs": {"lang": "en"},
            "groups": [1, 2],
        },
        {"id": 6, "username": "other", "active": False, "prefs": {"lang": "de"}, "groups": []},
    ]
    df = to_dataframe(rows)
    assert df.loc[6, "prefs.lang"] == "de"
    assert df.loc[5, "groups"] == [1, 2]
    assert df["active"].dtype == bool


def test_projects_lift_their_fields(samples: dict[str, Any]) -> None:
    """Projects (objects with fields) get their fields lifted and dates typed."""
    project = samples["GET test/rest/v1/projects/20183"]["response"]["data"]
    df = to_dataframe([project])
    assert df.loc[20183, "name"] == "CoveragePlus - Agile"
    assert _is_utc(df["date1"]) and df["isFolder"].dtype == bool


def test_item_types_list_generic(samples: dict[str, Any]) -> None:
    """A list of item types (no fields map) is normalised generically, fields kept as lists."""
    response = samples["GET test/rest/v1/projects/20183/itemtypes"]["response"]
    df = to_dataframe(response["data"])
    assert len(df) == 15 and df.loc[89014, "display"] == "User Story"
    assert isinstance(df.loc[89014, "fields"], list)


def test_rows_without_ids_get_a_range_index() -> None:
    """Without an id on every row the index is a plain range and id stays a column."""
    df = to_dataframe([{"id": 1, "name": "a"}, {"name": "b"}])
    assert list(df.index) == [0, 1] and "id" in df.columns


def test_list_of_scalars() -> None:
    """A list of plain values gives one value column."""
    df = to_dataframe([3, 4, 5])
    assert list(df["value"]) == [3, 4, 5]


def test_empty_list_gives_identity_columns() -> None:
    """An empty list is an empty frame with the identity columns and an id index."""
    df = to_dataframe([])
    assert df.empty and tuple(df.columns) == IDENTITY and df.index.name == "id"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (None, ["no body"]),
        ("hello", ["text (5 characters)"]),
        (b"\x00\x01", ["binary (2 bytes)"]),
        (42, ["int"]),
    ],
)
def test_non_list_body_raises_clear_error(body: Any, words: list[str]) -> None:
    """A body that is neither a list nor an object raises NotAListError, on one line."""
    with pytest.raises(NotAListError) as caught:
        to_dataframe(body)
    message = str(caught.value)
    assert all(word in message for word in words) and "\n" not in message
    assert isinstance(caught.value, ValueError)


def test_single_object_is_a_one_row_frame() -> None:
    """One object (an item, a user) is a one-row frame laid out like a list of one."""
    item = {"id": 7, "documentKey": "P-7", "itemType": 33, "fields": {"name": "Seven"}}
    df = to_dataframe(item)
    assert list(df.index) == [7] and df.loc[7, "name"] == "Seven"
    assert df.equals(to_dataframe([item]))
    assert list(to_dataframe({"a": 1, "b": {"c": 2}}).columns) == ["a", "b.c"]


# the sandbox's data -----------------------------------------------------------------------------

KIND_BY_FIELD_TYPE = {
    "INTEGER": "int",
    "BOOLEAN": "bool",
    "DATE": "datetime",
    "LOOKUP": "int",
    "USER": "int",
    "RELEASE": "int",
    "DOCUMENT_TYPE_ITEM_LOOKUP": "int",
    "MULTI_LOOKUP": "list",
    "STEPS": "list",
}


@pytest.fixture(scope="module")
def dataset() -> Any:
    generate = pytest.importorskip("jama_magic.sandbox.dataset").generate
    return generate(items=400, seed=3)


def _sandbox_rows(dataset: Any) -> list[dict[str, Any]]:
    extras = [*dataset.testplans.values(), *dataset.testcycles.values(), *dataset.testruns.values()]
    return [*dataset.items.values(), *extras]


def _column_kind(series: pd.Series) -> str:
    present = series.dropna()
    if len(present) and all(isinstance(value, list) for value in present):
        return "list"
    return _kind(series)


def test_every_sandbox_field_type_lands_in_its_dtype(dataset: Any) -> None:
    """Every field of every sandbox item type present in the data gets its fieldType's dtype."""
    rows = _sandbox_rows(dataset)
    linked = {"itemtypes": {str(k): v for k, v in dataset.itemtypes.items()}}
    df = to_dataframe(rows, linked=linked)
    column_of = {key: column for column, key in df.attrs["field_keys"].items()}
    present = {row["itemType"] for row in rows}
    checked = set()
    for type_id in present:
        for field in dataset.itemtypes[type_id]["fields"]:
            column = column_of.get(field["name"], field["name"])
            if column not in df.columns or df[column].isna().all():
                continue
            expected = KIND_BY_FIELD_TYPE.get(field["fieldType"], "text")
            assert _column_kind(df[column]) == expected, (column, field["fieldType"])
            checked.add(field["fieldType"])
    assert set(KIND_BY_FIELD_TYPE) <= checked
    assert {"STRING", "TEXT", "URL_STRING", "ROLLUP", "CALCULATED"} <= checked


def test_sandbox_collisions_keep_raw_keys(dataset: Any) -> None:
    """severity$36 (defects) and severity$43 (hazards) share a base name, so both stay raw."""
    df = to_dataframe(list(dataset.items.values()))
    assert {"severity$36", "severity$43"} <= set(df.columns)
    assert "severity" not in df.columns
    assert "story_points" in df.columns


def test_sandbox_mixed_test_objects(dataset: Any) -> None:
    """Test plans, cycles and runs in one list share a frame with their own identity columns."""
    rows = _sandbox_rows(dataset)[len(dataset.items) :]
    df = to_dataframe(rows)
    assert set(df["type"]) == {"testplans", "testcycles", "testruns"}
    assert _is_utc(df["startDate"]) and isinstance(df["testRunSteps"].dropna().iloc[0], list)


# through the real sandbox -----------------------------------------------------------------------


def test_all_pages_give_one_row_per_item(sandbox: Any, sandbox_conn: Any) -> None:
    """A merged --all response of a project converts to exactly its items, in order."""
    from jama_magic.client import client_for

    resp = client_for(sandbox_conn).request("GET", "/items", query={"project": 20}, all_pages=True)
    df = to_dataframe(resp.data, links=resp.links, linked=resp.linked)
    expected = [i for i, item in sandbox.dataset.items.items() if item["project"] == 20]
    assert resp.pages > 1
    assert sorted(df.index) == sorted(expected) and df.index.is_unique
    assert list(df.index) == [item["id"] for item in resp.data]
    assert _is_utc(df["modifiedDate"])


def test_include_resolves_from_linked_without_lookups(sandbox: Any, sandbox_conn: Any) -> None:
    """With include=, names come from the response's linked map and no other request is made."""
    from jama_magic.client import client_for

    query = [("project", 20), ("include", "data.itemType"), ("include", "data.fields.status")]
    resp = client_for(sandbox_conn).request("GET", "/items", query=query)
    before = sandbox.stats.requests
    df = to_dataframe(resp.data, links=resp.links, linked=resp.linked, resolve=True)
    assert sandbox.stats.requests == before
    requirements = df[df["itemType"] == "Requirement"]
    assert len(requirements) and requirements["status"].isin(["Draft", "Approved"]).any()
    assert df.attrs["labels"]["status"] == "Status"


def test_missing_values_are_na_everywhere(dataset: Any) -> None:
    """Every gap in the sandbox frame is <NA> (NaT in datetimes): no NaN, no None."""
    rows = _sandbox_rows(dataset)
    linked = {"itemtypes": {str(k): v for k, v in dataset.itemtypes.items()}}
    for resolve in (False, True):
        df = to_dataframe(rows, linked=linked, resolve=resolve, text=True)
        gaps = {
            type(value).__name__ for column in df.columns for value in df[column][df[column].isna()]
        }
        assert gaps <= {"NAType", "NaTType"}, gaps
        assert "NAType" in gaps
        text = df.head(50).to_string()
        assert "NaN" not in text and "None" not in text


# typed columns (the mirror's path) -------------------------------------------------------------


def _typed_tree(rows: list[dict[str, Any]]) -> Any:
    """``flatten_rows(rows)`` plus a typed array for every int, bool or text column, and the
    dates of a column whose every text parsed (``parse_dates``), as the mirror reads them."""
    from jama_magic.frames.columns import flatten_rows
    from jama_magic.frames.dtypes import parse_dates

    tree = flatten_rows(rows)
    for path, values in tree.flat():
        kinds = {type(v) for v in values} - {type(None)} or {str}  # empty: a VARCHAR column
        dtype = {int: "Int64", bool: "boolean", str: "string"}.get(next(iter(kinds)))
        if len(kinds) == 1 and dtype is not None:
            array = pd.array(values, dtype=dtype)
            tree.typed[path] = (
                array if array.isna().any() or dtype == "string" else array.to_numpy()
            )
        dates = parse_dates(values) if kinds == {str} else None
        if dates is not None and dates.notna().sum() == len(values) - values.count(None):
            tree.typed[path] = dates.array
    return tree


def test_typed_columns_give_the_same_frame(
    page: dict[str, Any], all_fields: dict[str, Any], item_types: dict[str, Any]
) -> None:
    """frame_from_tree over typed columns equals to_dataframe, resolved or not."""
    from jama_magic.frames import frame_from_tree

    rows = [*page["data"], all_fields["data"]]
    for index, row in enumerate(rows):  # ints (one missing) where STRING is declared
        row["fields"]["name"] = index or None
        row["fields"]["when"] = f"2024-01-{index + 1:02d}"  # dates of a field without a type
    rows[1]["fields"]["empty"] = None  # a column with no value at all
    for resolve in (False, True):
        kw: dict[str, Any] = {"linked": _linked(), "links": page["links"], "resolve": resolve}
        expected = to_dataframe(copy.deepcopy(rows), names=FakeNames(item_types), **kw)
        tree = _typed_tree(rows)
        assert {tree.typed[p].dtype.kind for p in ("createdDate", "fields.when")} == {"M"}
        found = frame_from_tree(tree, names=FakeNames(item_types), **kw)
        pd.testing.assert_frame_equal(found, expected)
        assert found.attrs == expected.attrs


def test_parse_dates_reads_dates_as_the_view_does() -> None:
    """parse_dates reads each date as to_datetime reads a column of them, NaT for a value that is
    no date, no real day or finer than microseconds; None when the first value is no date."""
    from jama_magic.frames.dtypes import parse_dates

    good = [
        "2024-01-15",
        "2024-01-15T10:00:00.000+0000",
        "2024-01-15 10:00:00+02:00",
        "2024-01-15T10:00Z",
        "2024-01-15T10:00:00.123456-0530",
        None,
    ]
    expected = pd.to_datetime(good, format="ISO8601", utc=True)
    pd.testing.assert_index_equal(parse_dates(good), expected)
    odd = parse_dates(["2024-01-15", "2024-02-30", "2024-01-15T10:00:00.1234567Z", "soon", 2024])
    assert list(odd.isna()) == [False, True, True, True, True]
    assert parse_dates(["soon", "2024-01-15"]) is None
    assert parse_dates([None, None]) is None
