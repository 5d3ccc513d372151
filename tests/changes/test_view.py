"""The Diff's views (HTML side by side, text), word highlights and relationship rows."""

from __future__ import annotations

import pytest

from jama_magic.changes import Diff, RelationshipChange
from jama_magic.changes.compare import Change
from jama_magic.changes.relations import compare_relationships
from jama_magic.changes.render import MAX_ROWS
from jama_magic.changes.versions import pick_versions
from jama_magic.changes.words import highlight
from jama_magic.errors import JamaUsageError


def test_highlight_marks_only_changed_words() -> None:
    """Only the differing words are wrapped, in <del> before and <ins> after."""
    old, new = highlight("the quick brown fox", "the slow brown fox")
    assert old == "the <del>quick</del> brown fox"
    assert new == "the <ins>slow</ins> brown fox"


def test_highlight_escapes_html() -> None:
    """Text that looks like HTML is escaped, never rendered."""
    old, new = highlight("a <script>x</script>", "a b")
    assert "<script>" not in old and "&lt;script&gt;" in old
    assert new == "a <ins>b</ins>"


def test_html_view_is_side_by_side_with_highlights() -> None:
    """The HTML view has Item/Field/Before/After columns and marks the changed words."""
    d = Diff.of([Change(7, "P-7", "changed", "Name", "<p>Old title</p>", "<p>New title</p>")])
    page = d._repr_html_()
    assert "<th" in page and ">Before</th>" in page and ">After</th>" in page
    assert ">Old</del> title" in page and ">New</ins> title" in page
    assert "&lt;p&gt;" not in page and "<p>" not in page  # rich text shown as text


def test_html_view_notes_markup_only_changes() -> None:
    """A markup change is shown with its text and a 'markup only' note, unhighlighted."""
    d = Diff.of([Change(7, "P-7", "markup", "Description", "<p>a <b>b</b></p>", "<p>a b</p>")])
    page = d._repr_html_()
    assert "(markup only)" in page and "<del" not in page and "<ins" not in page


def test_html_view_shows_at_most_max_rows() -> None:
    """A long diff shows MAX_ROWS rows and says how many more are in .changes."""
    rows = [Change(n, f"P-{n}", "changed", "Name", "a", "b") for n in range(MAX_ROWS + 5)]
    page = Diff.of(rows)._repr_html_()
    assert page.count("<tr>") == MAX_ROWS + 1  # plus the header row
    assert "5 more rows in .changes" in page


def test_html_view_escapes_titles_and_values() -> None:
    """Titles, keys and field names are escaped."""
    d = Diff.of([Change(1, "<K>", "changed", "<F>", "x", "y")], title="<T>")
    page = d._repr_html_()
    assert "&lt;T&gt;" in page and "&lt;K&gt;" in page and "&lt;F&gt;" in page


def test_text_repr_is_compact() -> None:
    """The terminal form is the summary line then one line per change."""
    d = Diff.of([Change(1, "P-1", "changed", "Status", "Draft", "Approved")], title="t")
    assert repr(d) == "t: 1 item changed (1 field)\n  P-1 Status: Draft → Approved"


def test_text_view_shows_where_long_values_differ() -> None:
    """A long value whose change is at its end shows that end, not the same first words."""
    common = "Rationale: operators asked for the geofence to be configurable per site."
    before = common + " TBD: confirm the limits with the safety team."
    d = Diff.of([Change(1, "P-1", "changed", "Description", before, common)])
    line = repr(d).splitlines()[1]
    assert line == "  P-1 Description: …le per site. TBD: confirm the limits wi… → …le per site."


def test_text_view_marks_a_change_in_the_middle() -> None:
    """A word changed mid-text is shown with context and ellipses on both sides."""
    text = "The quick brown fox jumps over the lazy {} and runs away quickly into the woods"
    d = Diff.of([Change(1, "P-1", "changed", "Name", text.format("dog"), text.format("cat"))])
    assert repr(d).splitlines()[1] == (
        "  P-1 Name: …er the lazy dog and runs aw… → …er the lazy cat and runs aw…"
    )


def test_summary_counts_fields_and_leaves_out_zeros() -> None:
    """Two fields of one item: '1 item changed (2 fields)', no zero counts."""
    rows = [Change(1, "P-1", "changed", f, "a", "b") for f in ("Name", "Status")]
    rows += [
        Change(2, "P-2", "changed", "Name", "a", "b"),
        Change(3, "P-3", "removed", None, "x", None),
    ]
    assert Diff.of(rows[:2]).summary == "1 item changed (2 fields)"
    assert Diff.of(rows).summary == "2 items changed (3 fields), 1 removed"
    assert Diff.of(rows[3:]).summary == "1 item removed"


REL = {"id": 9, "fromItem": 1, "toItem": 2, "relationshipType": 4}


def test_relationships_added_and_removed() -> None:
    """Relationships only after are added, only before removed; names and keys are filled in."""
    after = [REL, {"id": 10, "fromItem": 1, "toItem": 3, "relationshipType": 4}]
    before = [REL, {"id": 11, "fromItem": 2, "toItem": 3, "relationshipType": None}]
    found = compare_relationships(
        before, after, keys={1: "P-1", 3: "P-3"}, type_names={4: "Verified By"}
    )
    assert found == [
        RelationshipChange("added", 10, 1, "P-1", 3, "P-3", "Verified By"),
        RelationshipChange("removed", 11, 2, None, 3, "P-3", None),
    ]


def test_relationship_ends_in_any_shape() -> None:
    """Ends given as ids, [id, version] or {"id": id} are the same relationship."""
    shapes = [{"fromItem": [1, 3], "toItem": {"id": 2}, "relationshipType": [4]}]
    assert compare_relationships([REL], shapes, keys={}, type_names={}) == []


def test_changed_relationship_type_is_removed_plus_added() -> None:
    """A relationship whose type changed shows as one removed and one added."""
    found = compare_relationships([REL], [{**REL, "relationshipType": 5}], keys={}, type_names={})
    assert [(c.change, c.relationshipType) for c in found] == [("added", "5"), ("removed", "4")]


def test_relationship_rows_join_changes_under_their_item() -> None:
    """Relationship changes appear in .changes under their from-item and in the summary."""
    rel = RelationshipChange("added", 10, 1, "P-1", 3, "P-3", "Verified By")
    d = Diff.of(
        [Change(1, "P-1", "changed", "Name", "a", "b"), Change(5, "P-5", "added", None, None, "n")],
        [rel],
    )
    assert d.changes["id"].tolist() == [1, 1, 5]
    assert d.changes.iloc[1].to_dict() == {
        "id": 1, "documentKey": "P-1", "change": "added", "field": "relationship",
        "before": None, "after": "Verified By → P-3",
    }  # fmt: skip
    assert d.summary == "1 item changed (1 field), 1 added; 1 relationship added"
    assert d.relationships["toKey"].tolist() == ["P-3"]


def test_relationship_summary_plural_and_both_kinds() -> None:
    """The relationship part counts both kinds: '2 relationships added, 1 removed'."""
    rels = [RelationshipChange(kind, n, 1, None, n, None, None) for n, kind in
            ((2, "added"), (3, "added"), (4, "removed"))]  # fmt: skip
    assert Diff.of([], rels).summary == "2 relationships added, 1 removed"


@pytest.mark.parametrize(
    ("v1", "v2", "expected"),
    [(None, None, (4, 5)), (2, None, (2, 5)), (None, 3, (2, 3)), (5, 1, (5, 1))],
)
def test_pick_versions_defaults(v1: int | None, v2: int | None, expected: tuple[int, int]) -> None:
    """v2 defaults to the latest version and v1 to the one before v2."""
    assert pick_versions(7, [1, 2, 3, 4, 5], v1, v2) == expected


def test_pick_versions_errors() -> None:
    """An unknown version or a first version alone is a one-line error saying what exists."""
    with pytest.raises(JamaUsageError, match="item 7 has no version 9; its versions are 1 to 5"):
        pick_versions(7, [1, 2, 3, 4, 5], 9, None)
    with pytest.raises(JamaUsageError, match="no version before 1, so there is nothing"):
        pick_versions(7, [1], None, None)
