"""Keeps a test case's ``testCaseStatus`` in step with its test runs.

Jama calculates the field from the test case's runs (by default unexecuted runs
count too): the status of the most recently edited run, ``NOT_RUN`` when the
case has no run. The sandbox applies that single-plan rule everywhere; Jama's
"most urgent status across several active plans" rule and plan archiving are
not modelled. "Most recently edited" is the run with the latest
``modifiedDate``, ties broken by the higher id.
"""

from __future__ import annotations

from collections.abc import Iterable

from jama_magic.sandbox.dataset.schema import TEST_CASE
from jama_magic.sandbox.wire import JsonDict

NO_RUN = "NOT_RUN"


def latest_statuses(runs: Iterable[JsonDict], cases: set[int] | None = None) -> dict[int, str]:
    """``{test case id: status of its latest run}`` for the cases that have runs.

    With ``cases``, only runs of those test cases are looked at.
    """
    latest: dict[int, tuple[str, int, str]] = {}
    for run in runs:
        case = run["fields"]["testCase"]
        if cases is not None and case not in cases:
            continue
        key = (run["modifiedDate"], run["id"], run["fields"]["testRunStatus"])
        if case not in latest or key > latest[case]:
            latest[case] = key
    return {case: key[2] for case, key in latest.items()}


def refresh(items: dict[int, JsonDict], runs: Iterable[JsonDict], cases: set[int]) -> None:
    """Recompute ``testCaseStatus`` of ``cases`` (ids that are not test cases are skipped).

    A changed case gets a new dict swapped in (readers may hold the old one); its
    ``modifiedDate`` stays, since the field is system-calculated, not an edit.
    """
    statuses = latest_statuses(runs, cases)
    for case_id in cases:
        case = items.get(case_id)
        status = statuses.get(case_id, NO_RUN)
        if case is None or case["itemType"] != TEST_CASE:
            continue
        if case["fields"].get("testCaseStatus") != status:
            items[case_id] = {**case, "fields": {**case["fields"], "testCaseStatus": status}}
