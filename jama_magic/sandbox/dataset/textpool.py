"""Words and HTML snippets for generated item names and rich-text fields.

Rich text is HTML as Jama stores it: ``&nbsp;``, entities, lists, ``<strong>``
and the odd table, so clients that strip or render HTML have real work to do.
The pools are small and reused because the generator must stay fast at
100,000 items.
"""

from __future__ import annotations

import random

SUBSYSTEMS = (
    "flight controller",
    "battery manager",
    "navigation unit",
    "payload bay",
    "ground link",
    "obstacle sensor",
    "motor driver",
    "mobile app",
    "dispatch service",
    "telemetry logger",
    "parachute module",
    "charging dock",
)
VERBS = (
    "report",
    "limit",
    "detect",
    "log",
    "display",
    "encrypt",
    "validate",
    "recover",
    "calibrate",
    "schedule",
    "store",
    "transmit",
)
OBJECTS = (
    "battery temperature",
    "GPS position",
    "wind speed",
    "payload weight",
    "link quality",
    "motor current",
    "flight plan",
    "delivery status",
    "firmware version",
    "error codes",
    "altitude",
    "geofence breaches",
)
QUALIFIERS = (
    " within 200 ms",
    " at 10 Hz",
    " with an accuracy of ±2 %",
    " after a power loss",
    " for at least 30 days",
    " to the operator",
    "",
    " under 40 °C ambient",
    " in flight",
    " without user action",
)
ROLES = ("operator", "dispatcher", "customer", "maintenance technician", "safety officer")
HAZARDS = (
    "Loss of propulsion over a crowd",
    "Battery thermal runaway",
    "Collision with a building",
    "Payload release at the wrong location",
    "Loss of command link",
    "GPS spoofing",
    "Rotor strike during handling",
    "Unexpected motor start",
)
TOPICS = (
    "Flight Control",
    "Navigation",
    "Power Management",
    "Communications",
    "Payload",
    "Safety",
    "User Interface",
    "Maintenance",
    "Logging",
    "Security",
    "Charging",
    "Dispatch",
)
DEFECT_SYMPTOMS = (
    "is not updated",
    "shows a wrong value",
    "crashes the app",
    "is logged twice",
    "times out",
    "is lost",
    "drifts by several metres",
)

_RICH_TEMPLATES = (
    "<p>{name}.</p>\n",
    "<p>The {sub} shall {verb} the {obj}{qual}.</p>\n\n<p>&nbsp;</p>\n",
    "<p><strong>Intent:</strong> {name}.</p>\n<ul>\n\t<li>applies to the {sub}</li>\n"
    "\t<li>covers the {obj}</li>\n</ul>\n",
    "<p>{name}&nbsp;&ndash; see the <em>{sub}</em> interface control document.</p>\n",
    "<p>Rationale:&nbsp;operators asked for the {obj} in field trials.</p>\n<ol>\n"
    "\t<li>measure</li>\n\t<li>compare with the limit</li>\n\t<li>report</li>\n</ol>\n",
    '<table border="1" cellpadding="1" cellspacing="1">\n<tbody>\n<tr><th>Parameter</th>'
    "<th>Value</th></tr>\n<tr><td>{obj}</td><td>{num}</td></tr>\n"
    "<tr><td>Owner</td><td>{sub}</td></tr>\n</tbody>\n</table>\n<p>{name}.</p>\n",
    "<p>It&#39;s required that the {sub} can {verb} the {obj}.</p>\n",
    "",
)


def rich_text(rng: random.Random, name: str) -> str:
    """An HTML description for an item called ``name``."""
    template = _RICH_TEMPLATES[int(rng.random() * len(_RICH_TEMPLATES))]
    if not template:
        return ""
    return template.format(
        name=name,
        sub=pick(rng, SUBSYSTEMS),
        verb=pick(rng, VERBS),
        obj=pick(rng, OBJECTS),
        qual=pick(rng, QUALIFIERS),
        num=int(rng.random() * 500),
    )


def pick(rng: random.Random, values: tuple[str, ...]) -> str:
    """A random element, faster than ``rng.choice`` for tuples."""
    return values[int(rng.random() * len(values))]


def requirement_name(rng: random.Random) -> str:
    """A "shall" statement."""
    return (
        f"The {pick(rng, SUBSYSTEMS)} shall {pick(rng, VERBS)} the "
        f"{pick(rng, OBJECTS)}{pick(rng, QUALIFIERS)}"
    )


def story_name(rng: random.Random) -> str:
    """A user story title."""
    return f"As a {pick(rng, ROLES)}, I want to see the {pick(rng, OBJECTS)}"


def test_case_name(rng: random.Random) -> str:
    """A test case title."""
    return (
        f"Verify that the {pick(rng, SUBSYSTEMS)} can {pick(rng, VERBS)} the {pick(rng, OBJECTS)}"
    )


def defect_name(rng: random.Random) -> str:
    """A defect title."""
    return f"{pick(rng, OBJECTS).capitalize()} {pick(rng, DEFECT_SYMPTOMS)}"


def steps(rng: random.Random) -> list[dict[str, str]]:
    """Test case steps: ``{action, expectedResult, notes}``."""
    count = 1 + int(rng.random() * 4)
    return [
        {
            "action": f"<p>{pick(rng, VERBS).capitalize()} the {pick(rng, OBJECTS)}</p>",
            "expectedResult": f"<p>The {pick(rng, OBJECTS)} is shown</p>",
            "notes": "" if rng.random() < 0.7 else "Use the bench rig",
        }
        for _ in range(count)
    ]
