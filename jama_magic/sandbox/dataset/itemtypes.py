"""Item type definitions of the sandbox, with real-looking field lists.

Custom fields are named ``<name>$<itemTypeId>`` as in Jama; system fields
(``name``, ``description``, ``status``, ``priority``, ``assignedTo``,
``release``) keep plain names. Type 33 "Requirement" only requires ``name``.
"""

from __future__ import annotations

from jama_magic.sandbox.dataset import schema as s
from jama_magic.sandbox.dataset.schema import field
from jama_magic.sandbox.wire import JsonDict

_WIDGETS = ("RELATIONSHIPS", "ATTACHMENTS", "TAGS", "ACTIVITIES", "HISTORY", "SYNCHRONIZED_ITEMS")


class _Ids:
    """Hands out field ids so every field of every type has a unique id."""

    def __init__(self) -> None:
        self.next = 1001

    def take(self) -> int:
        value = self.next
        self.next += 1
        return value


def _system_fields(ids: _Ids) -> list[JsonDict]:
    return [
        field(
            ids.take(),
            "documentKey",
            "Unique ID",
            "STRING",
            readOnly=True,
            textType="KEY",
            triggerSuspect=False,
        ),
        field(
            ids.take(),
            "globalId",
            "Global ID",
            "STRING",
            readOnly=True,
            required=True,
            triggerSuspect=False,
        ),
        field(ids.take(), "name", "Name", "STRING", required=True),
        field(ids.take(), "description", "Description", "TEXT", textType="RICHTEXT"),
    ]


def _workflow_fields(ids: _Ids, status_list: int = s.STATUS) -> list[JsonDict]:
    return [
        field(ids.take(), "status", "Status", "LOOKUP", pickList=status_list),
        field(ids.take(), "priority", "Priority", "LOOKUP", pickList=s.PRIORITY),
        field(ids.take(), "assignedTo", "Assigned To", "USER"),
        field(ids.take(), "release", "Release", "RELEASE"),
    ]


def _requirement_fields(ids: _Ids) -> list[JsonDict]:
    t = s.REQUIREMENT
    return [
        field(
            ids.take(),
            f"verification_method${t}",
            "Verification Method",
            "MULTI_LOOKUP",
            pickList=s.VERIFICATION,
        ),
        field(ids.take(), f"risk${t}", "Risk", "LOOKUP", pickList=s.RISK_LEVEL),
        field(ids.take(), f"safety_critical${t}", "Safety Critical", "BOOLEAN"),
        field(ids.take(), f"effort${t}", "Effort (points)", "INTEGER"),
        field(ids.take(), f"due_date${t}", "Due Date", "DATE"),
        field(ids.take(), f"rationale${t}", "Rationale", "TEXT", textType="TEXTAREA"),
        field(ids.take(), f"source${t}", "Source", "URL_STRING"),
        field(ids.take(), f"reviewer${t}", "Reviewer", "USER"),
    ]


def _story_fields(ids: _Ids) -> list[JsonDict]:
    t = s.STORY
    return [
        field(ids.take(), f"story_points${t}", "Story Points", "INTEGER"),
        field(
            ids.take(),
            f"acceptance_criteria${t}",
            "Acceptance Criteria",
            "TEXT",
            textType="RICHTEXT",
        ),
        field(
            ids.take(),
            f"requirement${t}",
            "Parent Requirement",
            "DOCUMENT_TYPE_ITEM_LOOKUP",
            itemType=s.REQUIREMENT,
        ),
    ]


def _test_case_fields(ids: _Ids) -> list[JsonDict]:
    t = s.TEST_CASE
    return [
        field(ids.take(), "testCaseStatus", "Test Case Status", "TEST_CASE_STATUS", readOnly=True),
        field(ids.take(), "testCaseSteps", "Steps", "STEPS", textType="RICHTEXT"),
        field(ids.take(), "priority", "Priority", "LOOKUP", pickList=s.PRIORITY),
        field(ids.take(), "assignedTo", "Assigned To", "USER"),
        field(ids.take(), f"test_level${t}", "Test Level", "LOOKUP", pickList=s.TEST_LEVEL),
        field(ids.take(), f"automated${t}", "Automated", "BOOLEAN"),
        field(ids.take(), f"preconditions${t}", "Preconditions", "TEXT", textType="TEXTAREA"),
        field(ids.take(), f"estimated_minutes${t}", "Estimated Minutes", "INTEGER"),
    ]


def _defect_fields(ids: _Ids) -> list[JsonDict]:
    t = s.DEFECT
    return [
        field(ids.take(), f"severity${t}", "Severity", "LOOKUP", pickList=s.SEVERITY),
        field(ids.take(), f"reported_date${t}", "Reported", "DATE"),
        field(
            ids.take(), f"steps_to_reproduce${t}", "Steps to Reproduce", "TEXT", textType="TEXTAREA"
        ),
        field(ids.take(), f"found_in${t}", "Found In", "RELEASE"),
    ]


def _hazard_fields(ids: _Ids) -> list[JsonDict]:
    t = s.HAZARD
    return [
        field(ids.take(), f"severity${t}", "Severity", "LOOKUP", pickList=s.SEVERITY),
        field(ids.take(), f"likelihood${t}", "Likelihood", "LOOKUP", pickList=s.LIKELIHOOD),
        field(ids.take(), f"mitigation${t}", "Mitigation", "TEXT", textType="RICHTEXT"),
        field(ids.take(), f"residual_risk${t}", "Residual Risk", "LOOKUP", pickList=s.RISK_LEVEL),
        field(ids.take(), f"review_date${t}", "Review Date", "DATE"),
        field(ids.take(), f"coverage${t}", "Coverage", "ROLLUP", readOnly=True),
        field(ids.take(), f"risk_score${t}", "Risk Score", "CALCULATED", readOnly=True),
    ]


def _test_run_fields(ids: _Ids) -> list[JsonDict]:
    return [
        field(ids.take(), "testRunStatus", "Status", "TEST_RUN_STATUS", readOnly=True),
        field(ids.take(), "testRunSteps", "Steps", "STEPS", textType="RICHTEXT"),
        field(
            ids.take(),
            "testCase",
            "Test Case",
            "DOCUMENT_TYPE_ITEM_LOOKUP",
            itemType=s.TEST_CASE,
            readOnly=True,
        ),
        field(ids.take(), "executionDate", "Execution Date", "DATE", readOnly=True),
        field(ids.take(), "assignedTo", "Assigned To", "USER"),
        field(ids.take(), "actualResults", "Actual Results", "TEXT", textType="RICHTEXT"),
    ]


def _date_range_fields(ids: _Ids) -> list[JsonDict]:
    return [
        field(ids.take(), "startDate", "Start Date", "DATE"),
        field(ids.take(), "endDate", "End Date", "DATE"),
    ]


# (id, key, display, plural, category or None, image, builder of extra fields)
def build_itemtypes() -> dict[int, JsonDict]:
    """All item types keyed by id."""
    ids = _Ids()
    specs: tuple[tuple[int, str, str, str, str | None, str, list[JsonDict]], ...] = (
        (s.FOLDER, "FLD", "Folder", "Folders", "SECTION", "section", []),
        (
            s.SET,
            "SET",
            "Set",
            "Sets",
            "SET",
            "set",
            [field(ids.take(), "setKey", "Set Key", "STRING", readOnly=True)],
        ),
        (
            s.REQUIREMENT,
            "REQ",
            "Requirement",
            "Requirements",
            None,
            "requirement",
            _workflow_fields(ids) + _requirement_fields(ids),
        ),
        (
            s.STORY,
            "STY",
            "User Story",
            "User Stories",
            None,
            "story",
            _workflow_fields(ids) + _story_fields(ids),
        ),
        (
            s.TEST_CASE,
            "TC",
            "Test Case",
            "Test Cases",
            "TEST_CASE",
            "test_case",
            _test_case_fields(ids),
        ),
        (
            s.DEFECT,
            "BUG",
            "Defect",
            "Defects",
            "DEFECT",
            "defect",
            _workflow_fields(ids, s.DEFECT_STATUS) + _defect_fields(ids),
        ),
        (s.TEXT, "TXT", "Text", "Texts", "TEXT", "text", []),
        (s.COMPONENT, "CMP", "Component", "Components", "COMPONENT", "component", []),
        (
            s.TEST_PLAN,
            "TSTPL",
            "Test Plan",
            "Test Plans",
            "TEST_PLAN",
            "test_plan",
            _date_range_fields(ids),
        ),
        (
            s.TEST_CYCLE,
            "TSTCY",
            "Test Cycle",
            "Test Cycles",
            "TEST_CYCLE",
            "test_cycle",
            _date_range_fields(ids),
        ),
        (
            s.TEST_RUN,
            "TSTRN",
            "Test Run",
            "Test Runs",
            "TEST_RUN",
            "test_run",
            _test_run_fields(ids),
        ),
        (s.ATTACHMENT, "ATT", "Attachment", "Attachments", "ATTACHMENT", "attachment", []),
        (
            s.HAZARD,
            "HAZ",
            "Hazard",
            "Hazards",
            None,
            "hazard",
            [*_workflow_fields(ids)[:1], *_hazard_fields(ids)],
        ),
    )
    types: dict[int, JsonDict] = {}
    for tid, key, display, plural, category, image, extra in specs:
        body: JsonDict = {
            "id": tid,
            "typeKey": key,
            "display": display,
            "displayPlural": plural,
            "description": f"{display} item type",
            "image": f"/img/tree/{image}.png",
        }
        if category is not None:
            body["category"] = category
        body["widgets"] = [{"name": name, "synchronize": False} for name in _WIDGETS]
        body["fields"] = _system_fields(ids) + extra
        body["system"] = tid in (s.FOLDER, s.SET, s.TEST_PLAN, s.TEST_CYCLE, s.TEST_RUN)
        body["type"] = "itemtypes"
        types[tid] = body
    return types
