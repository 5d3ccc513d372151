"""Two item frames compared: what is a change, what is not, and how rows are laid out."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from jama_magic.changes import diff
from jama_magic.changes.compare import compare_frames
from jama_magic.changes.values import classify
from jama_magic.errors import JamaUsageError


def frame(rows: list[dict[str, Any]], labels: dict[str, str] | None = None) -> pd.DataFrame:
    df = pd.DataFrame(rows).set_index("id")
    df.attrs["labels"] = labels or {}
    return df


BEFORE = frame(
    [
        {"id": 1, "documentKey": "P-1", "name": "One", "status": "Draft", "modifiedDate": "a"},
        {"id": 2, "documentKey": "P-2", "name": "Two", "status": "Draft", "modifiedDate": "a"},
        {"id": 3, "documentKey": "P-3", "name": "Three", "status": None, "modifiedDate": "a"},
    ],
    {"status": "Status"},
)
AFTER = frame(
    [
        {"id": 1, "documentKey": "P-1", "name": "One", "status": "Approved", "modifiedDate": "b"},
        {"id": 2, "documentKey": "P-2", "name": "Two", "status": "Draft", "modifiedDate": "b"},
        {"id": 4, "documentKey": "P-4", "name": "Four", "status": "Draft", "modifiedDate": "b"},
    ],
    {"status": "Status"},
)


def test_changed_added_and_removed_rows() -> None:
    """A changed cell, an added and a removed item each give one row; bookkeeping is ignored."""
    rows = diff(BEFORE, AFTER).changes.to_dict("records")
    assert rows == [
        {"id": 1, "documentKey": "P-1", "change": "changed", "field": "Status",
         "before": "Draft", "after": "Approved"},
        {"id": 4, "documentKey": "P-4", "change": "added", "field": None,
         "before": None, "after": "Four"},
        {"id": 3, "documentKey": "P-3", "change": "removed", "field": None,
         "before": "Three", "after": None},
    ]  # fmt: skip


def test_summary_counts_items() -> None:
    """The summary counts changed, added and removed items in one line."""
    assert diff(BEFORE, AFTER).summary == "1 item changed (1 field), 1 added, 1 removed"


def test_identical_frames_have_no_changes() -> None:
    """Two equal frames give an empty, falsy Diff saying 'no changes'."""
    d = diff(BEFORE, BEFORE.copy())
    assert not d
    assert d.summary == "no changes"
    assert list(d.changes.columns) == ["id", "documentKey", "change", "field", "before", "after"]


def test_id_column_works_like_the_index() -> None:
    """Frames with an ``id`` column instead of an ``id`` index are matched the same way."""
    assert diff(BEFORE.reset_index(), AFTER.reset_index()).summary == diff(BEFORE, AFTER).summary


@pytest.mark.parametrize(
    ("before", "after"),
    [(None, ""), (float("nan"), None), (pd.NA, None), ([], None), (1, 1.0),
     (pd.Timestamp("2024-01-01", tz="UTC"), pd.Timestamp("2024-01-01", tz="UTC"))],
)  # fmt: skip
def test_values_a_reader_sees_as_equal(before: Any, after: Any) -> None:
    """Missing, empty and numerically equal values are not changes."""
    assert classify(before, after) is None


def test_rich_text_markup_only_change() -> None:
    """Rich text whose words are the same but whose HTML differs is a markup change."""
    assert classify("<p>Hello <b>big</b> world</p>", "<p>Hello big world</p>") == "markup"
    assert classify("<p>Hello&nbsp;world</p>", "<p>Hello world</p>") == "markup"


def test_rich_text_word_change() -> None:
    """Rich text with a different word is a change."""
    assert classify("<p>Hello big world</p>", "<p>Hello small world</p>") == "changed"


def test_markup_only_counted_apart() -> None:
    """An item with only markup changes is reported as such, not as changed."""
    old = frame([{"id": 1, "documentKey": "P-1", "description": "<p>a <b>b</b></p>"}])
    new = frame([{"id": 1, "documentKey": "P-1", "description": "<p>a b</p>"}])
    d = diff(old, new)
    assert d.changes["change"].tolist() == ["markup"]
    assert d.summary == "1 item with markup-only changes"


def test_column_in_one_frame_only() -> None:
    """A column only one frame has is compared with missing values."""
    old = frame([{"id": 1, "documentKey": "P-1"}])
    new = frame([{"id": 1, "documentKey": "P-1", "risk": "High"}])
    assert diff(old, new).changes[["field", "before", "after"]].values.tolist() == [
        ["risk", None, "High"]
    ]


def test_lists_and_numpy_values_compare_by_content() -> None:
    """Multi-select lists compare by content, whatever container the frame used."""
    old = frame([{"id": 1, "documentKey": "P-1", "tags": ["a", "b"]}])
    new = frame([{"id": 1, "documentKey": "P-1", "tags": ["a", "c"]}])
    same = frame([{"id": 1, "documentKey": "P-1", "tags": ("a", "b")}])
    assert diff(old, same).summary == "no changes"
    assert diff(old, new).changes["after"].tolist() == [["a", "c"]]


def test_fields_limit_by_label_or_column() -> None:
    """``fields=`` keeps only the named columns (by label or column name)."""
    both = dict(fields=["Status"])
    assert diff(BEFORE, AFTER, **both).changes["field"].tolist() == ["Status", None, None]
    assert diff(BEFORE, AFTER, fields=["name"]).changes["change"].tolist() == ["added", "removed"]


def test_unknown_field_is_a_one_line_error() -> None:
    """An unknown name in ``fields=`` is one line listing the columns."""
    with pytest.raises(JamaUsageError, match=r"unknown field\(s\) Colour; the frames have: name"):
        diff(BEFORE, AFTER, fields=["Colour"])


def test_ignore_leaves_out_columns() -> None:
    """``ignore=`` drops columns from the comparison."""
    assert diff(BEFORE, AFTER, ignore=["status"]).summary == "1 item added, 1 removed"


def test_frame_without_ids_is_refused() -> None:
    """A frame without an id index or column is a clear error."""
    with pytest.raises(JamaUsageError, match="the first frame has no 'id' index or column"):
        diff(pd.DataFrame({"name": ["x"]}), AFTER)


@pytest.mark.parametrize("other", [5, None, [1, 2], {"id": 1}])
def test_something_else_than_a_frame_is_a_one_line_error(other: Any) -> None:
    """jm.diff with a value that is not a DataFrame says it expected two DataFrames."""
    with pytest.raises(JamaUsageError, match=r"^expected two DataFrames \(before, after\), got "):
        diff(BEFORE, other)
    with pytest.raises(JamaUsageError, match=r"got \w+ and DataFrame"):
        diff(other, AFTER)


def test_duplicate_ids_are_refused() -> None:
    """A frame with two rows for one item is a clear error naming the id."""
    twice = pd.concat([AFTER, AFTER.loc[[1]]])
    with pytest.raises(JamaUsageError, match=r"the second frame has more than one row .* 1$"):
        compare_frames(BEFORE, twice)


def test_public_names() -> None:
    """``jm.diff``, ``jm.diff_versions``, ``jm.diff_baselines`` and ``jm.Diff`` are exported."""
    import jama_magic as jm
    from jama_magic import changes

    for name in ("Diff", "diff", "diff_baselines", "diff_versions"):
        assert getattr(jm, name) is getattr(changes, name) and name in jm.__all__
