"""Field values of generated requirements, stories, test cases, defects,
hazards and text items."""

from __future__ import annotations

from collections.abc import Callable

from jama_magic.sandbox.dataset import schema as s
from jama_magic.sandbox.dataset import textpool as tp
from jama_magic.sandbox.dataset.context import ItemContext
from jama_magic.sandbox.wire import JsonDict


def _maybe(ctx: ItemContext, fields: JsonDict, key: str, value: object, chance: float) -> None:
    if ctx.rng.random() < chance:
        fields[key] = value


def _workflow(ctx: ItemContext, project: int, fields: JsonDict, status_list: int) -> None:
    fields["status"] = ctx.option(status_list)
    fields["priority"] = ctx.option(s.PRIORITY)
    _maybe(ctx, fields, "assignedTo", ctx.user(), 0.8)
    releases = ctx.releases[project]
    _maybe(ctx, fields, "release", releases[int(ctx.rng.random() * len(releases))], 0.7)


def requirement_fields(ctx: ItemContext, project: int) -> JsonDict:
    """Fields of a Requirement (type 33)."""
    rng, t = ctx.rng, s.REQUIREMENT
    name = tp.requirement_name(rng)
    fields: JsonDict = {"name": name, "description": tp.rich_text(rng, name)}
    _workflow(ctx, project, fields, s.STATUS)
    fields[f"verification_method${t}"] = sorted(
        {ctx.option(s.VERIFICATION) for _ in range(1 + int(rng.random() * 2))}
    )
    fields[f"risk${t}"] = ctx.option(s.RISK_LEVEL)
    fields[f"safety_critical${t}"] = rng.random() < 0.3
    fields[f"effort${t}"] = 1 + int(rng.random() * 13)
    _maybe(ctx, fields, f"due_date${t}", ctx.clock.day(int(rng.random() * 500)), 0.6)
    _maybe(ctx, fields, f"rationale${t}", "Needed for certification.\nAgreed in review.", 0.4)
    _maybe(ctx, fields, f"source${t}", "https://standards.example.com/doc/1234", 0.2)
    _maybe(ctx, fields, f"reviewer${t}", ctx.user(), 0.5)
    return fields


def story_fields(ctx: ItemContext, project: int) -> JsonDict:
    """Fields of a User Story (type 34)."""
    rng, t = ctx.rng, s.STORY
    name = tp.story_name(rng)
    fields: JsonDict = {"name": name, "description": tp.rich_text(rng, name)}
    _workflow(ctx, project, fields, s.STATUS)
    fields[f"story_points${t}"] = (1, 2, 3, 5, 8, 13)[int(rng.random() * 6)]
    fields[f"acceptance_criteria${t}"] = "<ul>\n\t<li>Given a&nbsp;logged-in user</li>\n</ul>\n"
    reqs = ctx.by_type.get((project, s.REQUIREMENT))
    if reqs and rng.random() < 0.5:
        fields[f"requirement${t}"] = reqs[int(rng.random() * len(reqs))]
    return fields


def test_case_fields(ctx: ItemContext, project: int) -> JsonDict:
    """Fields of a Test Case (type 35), including ``testCaseSteps``."""
    rng, t = ctx.rng, s.TEST_CASE
    name = tp.test_case_name(rng)
    fields: JsonDict = {"name": name, "description": tp.rich_text(rng, name)}
    # The real status follows the case's runs (set in testing_gen once runs exist); the
    # draw stays so the random stream, and so every later value, is as it always was.
    rng.random()
    fields["testCaseStatus"] = "NOT_RUN"
    fields["testCaseSteps"] = tp.steps(rng)
    fields["priority"] = ctx.option(s.PRIORITY)
    _maybe(ctx, fields, "assignedTo", ctx.user(), 0.7)
    fields[f"test_level${t}"] = ctx.option(s.TEST_LEVEL)
    fields[f"automated${t}"] = rng.random() < 0.4
    _maybe(ctx, fields, f"preconditions${t}", "Drone on the bench.\nBattery charged.", 0.5)
    fields[f"estimated_minutes${t}"] = 5 * (1 + int(rng.random() * 12))
    return fields


def defect_fields(ctx: ItemContext, project: int) -> JsonDict:
    """Fields of a Defect (type 36)."""
    rng, t = ctx.rng, s.DEFECT
    name = tp.defect_name(rng)
    fields: JsonDict = {"name": name, "description": tp.rich_text(rng, name)}
    _workflow(ctx, project, fields, s.DEFECT_STATUS)
    fields[f"severity${t}"] = ctx.option(s.SEVERITY)
    fields[f"reported_date${t}"] = ctx.clock.day(int(ctx.position * 400))
    fields[f"steps_to_reproduce${t}"] = "1. Power on\n2. Start a mission\n3. Watch the map"
    return fields


def hazard_fields(ctx: ItemContext, project: int) -> JsonDict:
    """Fields of a Hazard (type 43), with rollup and calculated values."""
    rng, t = ctx.rng, s.HAZARD
    name = tp.pick(rng, tp.HAZARDS)
    fields: JsonDict = {"name": name, "description": tp.rich_text(rng, name)}
    fields["status"] = ctx.option(s.STATUS)
    fields[f"severity${t}"] = ctx.option(s.SEVERITY)
    fields[f"likelihood${t}"] = ctx.option(s.LIKELIHOOD)
    fields[f"mitigation${t}"] = "<p>Redundant&nbsp;<strong>monitoring</strong>.</p>\n"
    fields[f"residual_risk${t}"] = ctx.option(s.RISK_LEVEL)
    fields[f"review_date${t}"] = ctx.clock.day(int(rng.random() * 400))
    fields[f"coverage${t}"] = f"{25 * int(rng.random() * 5)}%"
    fields[f"risk_score${t}"] = str(1 + int(rng.random() * 25))
    return fields


def text_fields(ctx: ItemContext, project: int) -> JsonDict:
    """Fields of a Text item (type 37)."""
    name = f"{tp.pick(ctx.rng, tp.TOPICS)} overview"
    return {"name": name, "description": tp.rich_text(ctx.rng, name)}


FIELD_BUILDERS: dict[int, Callable[[ItemContext, int], JsonDict]] = {
    s.REQUIREMENT: requirement_fields,
    s.STORY: story_fields,
    s.TEST_CASE: test_case_fields,
    s.DEFECT: defect_fields,
    s.HAZARD: hazard_fields,
    s.TEXT: text_fields,
}
