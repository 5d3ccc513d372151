"""The generated dataset: determinism, scale and realism."""

from __future__ import annotations

import re

import pytest

from jama_magic.sandbox.dataset import Dataset, generate


def test_same_seed_same_data_other_seed_other_data() -> None:
    """A seed fully determines the dataset."""
    one, two, other = generate(seed=3), generate(seed=3), generate(seed=4)
    assert one.items == two.items
    assert one.relationships == two.relationships
    assert one.testruns == two.testruns
    assert one.items != other.items


def test_item_count_and_projects() -> None:
    """items= is the exact number of /items objects; project 20 holds most of them."""
    ds = generate(items=500)
    assert len(ds.items) == 500
    assert ds.large_project_id == 20
    assert set(ds.small_project_ids) == {21, 22, 23, 24}
    in_large = sum(1 for i in ds.items.values() if i["project"] == 20)
    assert in_large > 250


@pytest.mark.slow
def test_generate_100k_items() -> None:
    """100,000 items generate with unique ids and consistent parents."""
    ds = generate(items=100_000)
    assert len(ds.items) == 100_000
    for item in list(ds.items.values())[::997]:
        parent = item["location"]["parent"]
        if "item" in parent:
            assert ds.items[parent["item"]]["project"] == item["project"]


def test_too_few_items_is_a_clear_error() -> None:
    """Fewer than 30 items is refused with the allowed range."""
    with pytest.raises(ValueError, match="between 30"):
        generate(items=10)


def test_realistic_fields() -> None:
    """Items carry custom fields, lookups, users, dates, rich text and test steps."""
    ds = generate()
    reqs = [i for i in ds.items.values() if i["itemType"] == 33]
    keys = set().union(*(r["fields"] for r in reqs))
    assert {
        "verification_method$33",
        "safety_critical$33",
        "effort$33",
        "due_date$33",
        "status",
        "priority",
        "assignedTo",
    } <= keys
    assert all(r["fields"]["status"] in ds.picklistoptions for r in reqs)
    dates = [r["fields"]["due_date$33"] for r in reqs if "due_date$33" in r["fields"]]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", d) for d in dates)
    html = " ".join(i["fields"]["description"] for i in ds.items.values())
    assert "&nbsp;" in html and "<table" in html and "<li>" in html
    cases = [i for i in ds.items.values() if i["itemType"] == 35]
    assert all(c["fields"]["testCaseSteps"] for c in cases)


def test_item_type_33_only_requires_name() -> None:
    """Requirement (33) requires no writable field but name."""
    ds = generate()
    required = [
        f["name"] for f in ds.itemtypes[33]["fields"] if f["required"] and not f["readOnly"]
    ]
    assert required == ["name"]


def test_test_results_improve_over_cycles() -> None:
    """Later cycles of the first plan pass more often than the first one."""
    ds = generate()
    plan = next(iter(ds.testplans))
    cycles = [c for c in ds.testcycles.values() if c["fields"]["testPlan"] == plan]

    def pass_rate(cycle_id: int) -> float:
        runs = [r for r in ds.testruns.values() if r["fields"]["testCycle"] == cycle_id]
        return sum(r["fields"]["testRunStatus"] == "PASSED" for r in runs) / len(runs)

    assert pass_rate(cycles[-1]["id"]) > pass_rate(cycles[0]["id"])


def _latest_run_status(ds: Dataset) -> dict[int, str]:
    latest: dict[int, tuple[str, int, str]] = {}
    for run in ds.testruns.values():
        key = (run["modifiedDate"], run["id"], run["fields"]["testRunStatus"])
        latest[run["fields"]["testCase"]] = max(key, latest.get(run["fields"]["testCase"], key))
    return {case: key[2] for case, key in latest.items()}


def test_test_case_status_follows_latest_run() -> None:
    """Each test case's testCaseStatus is its latest run's status, NOT_RUN without runs."""
    ds = generate(items=6000)
    latest = _latest_run_status(ds)
    cases = [i for i in ds.items.values() if i["itemType"] == 35]
    assert any(c["id"] not in latest for c in cases)
    assert {latest[c["id"]] for c in cases if c["id"] in latest} >= {"PASSED", "FAILED"}
    for case in cases:
        assert case["fields"]["testCaseStatus"] == latest.get(case["id"], "NOT_RUN"), case["id"]
