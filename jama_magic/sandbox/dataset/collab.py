"""Generates what people add around items: comments with replies, URL links,
user groups, synced items (shared global ids), relationship rule sets and CORS
domains.

It draws from its own random stream, so adding it left every item, relationship
and test run of a seed exactly as before.
"""

from __future__ import annotations

import random

from jama_magic.sandbox.dataset import schema as s
from jama_magic.sandbox.dataset.context import ItemContext
from jama_magic.sandbox.dataset.extras import Extras
from jama_magic.sandbox.wire import JsonDict

COMMENT_IDS, LINK_IDS, USERGROUP_IDS = 70_001, 80_001, 601
_COMMENTS = (
    ("QUESTION", "Is this still in scope for R1.5?"),
    ("GENERAL", "Reviewed with the safety team; no concerns."),
    ("ISSUE", "The tolerance here conflicts with the parent requirement."),
    ("PROPOSED_CHANGE", "Suggest splitting this into two requirements."),
)
_REPLIES = ("Yes, confirmed in the last review.", "Agreed, updating now.")
_LINKS = (
    ("https://standards.example.com/iso-26262", "Standard clause"),
    ("https://wiki.example.com/design/telemetry", "Design notes"),
    ("https://tracker.example.com/browse/DRN-142", "Tracker ticket"),
)
_GROUPS = (
    ("Engineering", "Systems and software engineers", (52, 55, 57)),
    ("Test Team", "Verification engineers and the test lead", (53, 58)),
    ("Reviewers", "People who approve requirements", (54, 56, 59)),
)


def build_collab(ctx: ItemContext, seed: int, out: Extras) -> None:
    """Everything in this module, from a random stream of its own."""
    rng = random.Random(seed * 1_000_003 + 71)
    _comments(ctx, rng, out)
    _links(ctx, rng, out)
    _usergroups(out)
    _synced(ctx, rng)
    _rulesets(out)
    out.cors_domains.extend(["https://dashboards.example.com"])


def _comments(ctx: ItemContext, rng: random.Random, out: Extras) -> None:
    for item in ctx.items.values():
        if item["itemType"] in (s.SET, s.FOLDER) or rng.random() >= 0.02:
            continue
        kind, text = _COMMENTS[int(rng.random() * len(_COMMENTS))]
        root = _comment(out, item, kind, text, author=ctx.user(), reply_to=None)
        if rng.random() < 0.5:
            reply = _REPLIES[int(rng.random() * len(_REPLIES))]
            _comment(out, item, "GENERAL", reply, author=ctx.user(), reply_to=root)


def _comment(
    out: Extras, item: JsonDict, kind: str, text: str, *, author: int, reply_to: int | None
) -> int:
    comment_id = COMMENT_IDS + len(out.comments)
    body: JsonDict = {"id": comment_id}
    if reply_to is not None:
        body["inReplyTo"] = reply_to
    body.update(
        {
            "createdDate": item.get("lastActivityDate") or item["createdDate"],
            "createdBy": author,
            "deleted": False,
            "status": "OPEN" if kind in ("QUESTION", "ISSUE") else "COMPLETED",
            "body": {"text": f"<p>{text}</p>"},
            "commentType": kind,
            "location": {"item": item["id"], "project": item["project"]},
            "type": "comments",
        }
    )
    out.comments[comment_id] = body
    return comment_id


def _links(ctx: ItemContext, rng: random.Random, out: Extras) -> None:
    for item in ctx.items.values():
        if item["itemType"] not in (s.REQUIREMENT, s.HAZARD) or rng.random() >= 0.05:
            continue
        url, description = _LINKS[int(rng.random() * len(_LINKS))]
        link_id = LINK_IDS + len(out.links)
        out.links[link_id] = {
            "id": link_id,
            "url": url,
            "description": description,
            "type": "links",
        }
        out.item_links.setdefault(item["id"], []).append(link_id)


def _usergroups(out: Extras) -> None:
    for offset, (name, description, members) in enumerate(_GROUPS):
        group_id = USERGROUP_IDS + offset
        out.usergroups[group_id] = {
            "id": group_id,
            "name": name,
            "description": description,
            "type": "usergroups",
        }
        out.usergroup_users[group_id] = list(members)


def _synced(ctx: ItemContext, rng: random.Random) -> None:
    """Some Mobile App requirements are synced copies of Demo Project ones."""
    sources = ctx.by_type.get((s.LARGE_PROJECT_ID, s.REQUIREMENT), [])
    copies = ctx.by_type.get((22, s.REQUIREMENT), [])
    for copy_id in copies[: max(2, len(copies) // 10)]:
        if not sources:
            return
        source = ctx.items[sources[int(rng.random() * len(sources))]]
        copy = ctx.items[copy_id]
        copy["globalId"] = source["globalId"]
        copy["fields"]["globalId"] = source["globalId"]


def _rulesets(out: Extras) -> None:
    pairs = (
        (s.REQUIREMENT, s.TEST_CASE, s.VERIFIED_BY),
        (s.REQUIREMENT, s.STORY, s.DERIVED_FROM),
        (s.HAZARD, s.REQUIREMENT, s.MITIGATED_BY),
        (s.TEST_CASE, s.DEFECT, s.RELATED),
    )
    rules = [
        {"fromItemType": source, "toItemType": target, "relationshipType": kind}
        for source, target, kind in pairs
    ]
    out.relationshiprulesets[1] = {
        "id": 1,
        "name": "Standard traceability",
        "description": "Needs and requirements to tests, stories, hazards and defects",
        "rules": rules,
        "type": "relationshiprulesets",
    }
    out.ruleset_projects[1] = list(range(20, 25))
