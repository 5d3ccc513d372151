"""What the columns of a Jama list mean: field definitions, reference kinds and column names.

Field definitions come from item type objects (``fields: [{name, label,
fieldType, textType, pickList...}]``). A column's reference kind (the kind of
object its ids point to) is taken, in this order, from the envelope's
``links`` map (``"data.fields.status$89012": {"type": "picklistoptions"}``),
from the field's ``fieldType``, then from well-known Jama names
(``createdBy`` -> users, ``itemType`` -> itemtypes...).

Column names of lifted fields: ``status$89012`` loses its ``$<itemTypeId>``
suffix when exactly one key of the data has the base name ``status``; when
two keys share it (``status$89012`` and ``status$89014``, or ``priority`` and
``priority$89014``), every one of them keeps its raw key as the column name.
Raw keys stay exact PATCH paths (``/fields/status$89012``) and never merge
values of different pick lists into one column.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "FieldDef",
    "field_defs",
    "ref_kind",
    "strip_suffix",
    "stripped_names",
]

FIELD_TYPE_REFS = {
    "LOOKUP": "picklistoptions",
    "MULTI_LOOKUP": "picklistoptions",
    "USER": "users",
    "RELEASE": "releases",
    "PROJECT": "projects",
    "DOCUMENT_TYPE_ITEM_LOOKUP": "items",
    "DOCUMENT_TYPE_CATEGORY_ITEM_LOOKUP": "items",
}

# Paths whose meaning is fixed by Jama, for data without `links` or item types.
KNOWN_REFS = {
    "itemType": "itemtypes",
    "childItemType": "itemtypes",
    "project": "projects",
    "createdBy": "users",
    "modifiedBy": "users",
    "lock.lockedBy": "users",
    "user": "users",
    "fromItem": "items",
    "toItem": "items",
    "item": "items",
    "relationshipType": "relationshiptypes",
    "fields.assignedTo": "users",
    "fields.release": "releases",
    "fields.testCase": "items",
    "fields.testCycle": "testcycles",
    "fields.testPlan": "testplans",
}

KNOWN_FIELDS: dict[str, tuple[str, str | None]] = {
    "name": ("STRING", None),
    "description": ("TEXT", "RICHTEXT"),
    "assignedTo": ("USER", None),
    "release": ("RELEASE", None),
    "testCaseSteps": ("STEPS", "RICHTEXT"),
    "testRunSteps": ("STEPS", "RICHTEXT"),
}


@dataclass(frozen=True, kw_only=True)
class FieldDef:
    """The definition of one field key, as an item type declares it."""

    key: str
    label: str | None
    field_type: str | None
    text_type: str | None = None
    pick_list: int | None = None


def field_defs(item_types: Iterable[Mapping[str, Any]]) -> dict[str, FieldDef]:
    """Map every field key to its definition; item types by ascending id decide shared keys."""
    defs: dict[str, FieldDef] = {}
    for item_type in sorted(item_types, key=lambda t: t.get("id") or 0):
        for field in item_type.get("fields") or ():
            key = field.get("name")
            if isinstance(key, str) and key not in defs:
                defs[key] = _field_def(key, field)
    return defs


def _field_def(key: str, field: Mapping[str, Any]) -> FieldDef:
    return FieldDef(
        key=key,
        label=field.get("label"),
        field_type=field.get("fieldType"),
        text_type=field.get("textType"),
        pick_list=field.get("pickList"),
    )


def known_field(key: str) -> FieldDef | None:
    """A definition for a system field when no item type definition is at hand."""
    known = KNOWN_FIELDS.get(key)
    if known is None:
        return None
    return FieldDef(key=key, label=None, field_type=known[0], text_type=known[1])


def ref_kind(path: str, *, field_type: str | None, links: Mapping[str, Any] | None) -> str | None:
    """The kind of object the ids at ``path`` refer to, or None for plain values."""
    link = (links or {}).get(f"data.{path}")
    if isinstance(link, Mapping) and isinstance(link.get("type"), str):
        return str(link["type"])
    if field_type in FIELD_TYPE_REFS:
        return FIELD_TYPE_REFS[field_type]
    return KNOWN_REFS.get(path)


def strip_suffix(key: str) -> str:
    """``status$89012`` -> ``status``; keys without a numeric suffix are returned unchanged."""
    base, dollar, suffix = key.rpartition("$")
    return base if dollar and base and suffix.isdigit() else key


def stripped_names(keys: Iterable[str]) -> dict[str, str]:
    """Column name per field key: the base name when no other key shares it, else the raw key."""
    keys = list(keys)
    bases = {key: strip_suffix(key) for key in keys}
    counts = Counter(bases.values())
    return {key: base if counts[base] == 1 else key for key, base in bases.items()}
