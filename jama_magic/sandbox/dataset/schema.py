"""The fixed part of the sandbox dataset: users, pick lists, item types, projects.

These objects do not scale with ``items=``; they are the "configuration" of the
simulated Jama instance. Ids sit in distinct ranges so a mixed-up id is easy to
spot in a test failure: projects 20-24, users 51+, pick lists 81+, options 301+,
item types 31-43, relationship types 1-5, releases 201+, tags 401+.
"""

from __future__ import annotations

from typing import Any

from jama_magic.sandbox.wire import JsonDict, TimestampMaker

LARGE_PROJECT_ID = 20

FOLDER, SET, REQUIREMENT, STORY, TEST_CASE, DEFECT, TEXT = 31, 32, 33, 34, 35, 36, 37
COMPONENT, TEST_PLAN, TEST_CYCLE, TEST_RUN, ATTACHMENT, HAZARD = 38, 39, 40, 41, 42, 43

# (id, username, first, last, title, license, active)
_USERS: tuple[tuple[int, str, str, str, str, str, bool], ...] = (
    (51, "sandbox", "Sandbox", "User", "API user", "NAMED", True),
    (52, "alice", "Alice", "Smith", "Systems Engineer", "NAMED", True),
    (53, "bob", "Bob", "Jones", "Test Lead", "NAMED", True),
    (54, "carol", "Carol", "Nguyen", "Product Owner", "NAMED", True),
    (55, "dave", "Dave", "Patel", "Software Engineer", "FLOATING", True),
    (56, "erin", "Erin", "García", "Quality Manager", "NAMED", True),
    (57, "frank", "Frank", "Müller", "Safety Engineer", "NAMED", True),
    (58, "grace", "Grace", "Kim", "Verification Engineer", "TEST_RUNNER", True),
    (59, "heidi", "Heidi", "Schmidt", "Reviewer", "STAKEHOLDER", True),
    (60, "ivan", "Ivan", "Petrov", "Former Engineer", "NAMED", False),
)
CURRENT_USER_ID = 51
ACTIVE_AUTHORS: tuple[int, ...] = (52, 53, 54, 55, 56, 57, 58)

# (pick list id, name, [(option name, color)])
_PICKLISTS: tuple[tuple[int, str, tuple[tuple[str, str], ...]], ...] = (
    (
        81,
        "Status",
        (
            ("Draft", "C0C0C0"),
            ("In Review", "FFCC00"),
            ("Approved", "33CC33"),
            ("Rejected", "FF0000"),
            ("Completed", "3366FF"),
        ),
    ),
    (82, "Priority", (("High", "FF0000"), ("Medium", "FFCC00"), ("Low", "33CC33"))),
    (
        83,
        "Verification Method",
        (
            ("Test", "3366FF"),
            ("Inspection", "9966CC"),
            ("Analysis", "FF9900"),
            ("Demonstration", "33CC33"),
        ),
    ),
    (
        84,
        "Severity",
        (("Critical", "FF0000"), ("Major", "FF9900"), ("Minor", "FFCC00"), ("Cosmetic", "C0C0C0")),
    ),
    (
        85,
        "Defect Status",
        (
            ("Open", "FF0000"),
            ("In Progress", "FFCC00"),
            ("Resolved", "33CC33"),
            ("Closed", "3366FF"),
            ("Won't Fix", "C0C0C0"),
        ),
    ),
    (86, "Risk Level", (("High", "FF0000"), ("Medium", "FFCC00"), ("Low", "33CC33"))),
    (
        87,
        "Likelihood",
        (
            ("Frequent", "FF0000"),
            ("Probable", "FF9900"),
            ("Occasional", "FFCC00"),
            ("Remote", "33CC33"),
            ("Improbable", "3366FF"),
        ),
    ),
    (
        88,
        "Test Level",
        (
            ("Unit", "C0C0C0"),
            ("Integration", "FFCC00"),
            ("System", "3366FF"),
            ("Acceptance", "33CC33"),
        ),
    ),
    (89, "Project Status", (("Active", "33CC33"), ("On Hold", "FFCC00"), ("Closed", "C0C0C0"))),
    (90, "Project Group", (("Products", "3366FF"), ("Internal", "C0C0C0"))),
)
STATUS, PRIORITY, VERIFICATION, SEVERITY, DEFECT_STATUS = 81, 82, 83, 84, 85
RISK_LEVEL, LIKELIHOOD, TEST_LEVEL, PROJECT_STATUS, PROJECT_GROUP = 86, 87, 88, 89, 90

# (id, key, name, description)
_PROJECTS: tuple[tuple[int, str, str, str], ...] = (
    (
        20,
        "DEMO",
        "Demo Project",
        "A delivery-drone platform: needs, system requirements, "
        "stories, hazards, test cases and defects.",
    ),
    (21, "PUMP", "Infusion Pump", "Firmware requirements for a small-volume infusion pump."),
    (22, "APP", "Mobile App", "Companion app for the drone platform."),
    (23, "GATE", "Ground Station", "Ground control station software."),
    (24, "PILOT", "Pilot Study", "A finished pilot project kept for reference."),
)

_RELATIONSHIP_TYPES: tuple[tuple[int, str, bool], ...] = (
    (1, "Related to", True),
    (2, "Verified by", False),
    (3, "Derived from", False),
    (4, "Mitigated by", False),
    (5, "Caused by", False),
)
RELATED, VERIFIED_BY, DERIVED_FROM, MITIGATED_BY, CAUSED_BY = 1, 2, 3, 4, 5


def build_users(username: str) -> dict[int, JsonDict]:
    """Users keyed by id; user 51 is the sandbox's own login."""
    users: dict[int, JsonDict] = {}
    for uid, login, first, last, title, license_type, active in _USERS:
        login = username if uid == CURRENT_USER_ID else login
        users[uid] = {
            "id": uid,
            "username": login,
            "firstName": first,
            "lastName": last,
            "email": f"{login}@example.com",
            "phone": "",
            "title": title,
            "location": "Portland, OR",
            "licenseType": license_type,
            "avatarUrl": f"https://avatars.example.com/{login}.png",
            "active": active,
            "type": "users",
        }
    return users


def build_picklists() -> tuple[dict[int, JsonDict], dict[int, JsonDict], dict[int, list[int]]]:
    """Pick lists, their options, and option ids per pick list (in sort order)."""
    lists: dict[int, JsonDict] = {}
    options: dict[int, JsonDict] = {}
    by_list: dict[int, list[int]] = {}
    next_id = 301
    for list_id, name, choices in _PICKLISTS:
        lists[list_id] = {
            "id": list_id,
            "name": name,
            "description": f"{name} values",
            "type": "picklists",
        }
        by_list[list_id] = []
        for order, (label, color) in enumerate(choices):
            options[next_id] = {
                "id": next_id,
                "name": label,
                "description": "",
                "value": label.upper(),
                "active": True,
                "color": color,
                "default": order == 0,
                "sortOrder": order,
                "pickList": list_id,
                "type": "picklistoptions",
            }
            by_list[list_id].append(next_id)
            next_id += 1
    return lists, options, by_list


def build_relationship_types() -> dict[int, JsonDict]:
    """Relationship types keyed by id; "Related to" is the default."""
    return {
        rid: {"id": rid, "name": name, "isDefault": default, "type": "relationshiptypes"}
        for rid, name, default in _RELATIONSHIP_TYPES
    }


def build_projects(clock: TimestampMaker, status_options: list[int]) -> dict[int, JsonDict]:
    """The five projects; 20 is the large one."""
    projects: dict[int, JsonDict] = {}
    for index, (pid, key, name, description) in enumerate(_PROJECTS):
        created = clock.stamp(index * 1440 - 90 * 1440)
        status = status_options[2] if key == "PILOT" else status_options[0]
        projects[pid] = {
            "id": pid,
            "projectKey": key,
            "isFolder": False,
            "createdDate": created,
            "modifiedDate": clock.stamp(index * 977),
            "createdBy": 52 + index % 3,
            "modifiedBy": 52,
            "fields": {
                "projectKey": key,
                "name": name,
                "description": description,
                "statusId": status,
                "projectManager": 54,
                "startDate": clock.day(index * 7 - 90),
            },
            "type": "projects",
        }
    return projects


def build_releases(clock: TimestampMaker, project_ids: list[int]) -> dict[int, JsonDict]:
    """Three releases per project."""
    releases: dict[int, JsonDict] = {}
    next_id = 201
    for pid in project_ids:
        for index, name in enumerate(("R1.0", "R1.5", "R2.0")):
            releases[next_id] = {
                "id": next_id,
                "name": name,
                "description": f"Release {name}",
                "project": pid,
                "releaseDate": clock.stamp((index + 1) * 120 * 1440),
                "active": index > 0,
                "archived": False,
                "itemCount": 0,
                "type": "releases",
            }
            next_id += 1
    return releases


TAG_NAMES: tuple[str, ...] = (
    "safety",
    "regulatory",
    "performance",
    "security",
    "customer-request",
    "ui",
    "needs-review",
    "v2.0",
)


def build_tags(project_ids: list[int]) -> dict[int, JsonDict]:
    """The same handful of tag names in every project."""
    tags: dict[int, JsonDict] = {}
    next_id = 401
    for pid in project_ids:
        for name in TAG_NAMES:
            tags[next_id] = {"id": next_id, "name": name, "project": pid, "type": "tags"}
            next_id += 1
    return tags


def field(fid: int, name: str, label: str, field_type: str, **extra: Any) -> JsonDict:
    """One item-type field definition in Jama's shape."""
    spec: JsonDict = {
        "id": fid,
        "name": name,
        "label": label,
        "fieldType": field_type,
        "readOnly": extra.pop("readOnly", False),
        "required": extra.pop("required", False),
        "triggerSuspect": extra.pop("triggerSuspect", True),
        "synchronize": False,
    }
    spec.update(extra)
    return spec
