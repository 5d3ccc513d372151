"""The irregularities of real Jama data, applied after generation, the same for
every run of a seed (from a random stream of their own):

- about 2% of items have no ``lastActivityDate`` and 2% no ``modifiedBy``
  (real pages miss them on some items);
- in the small projects about 1% of items repeat the ``documentKey`` of the
  previous item of their type (keys are not unique in real data);
- projects carry custom fields (``user1``, ``text1``, ``date1``, ``projectGroup``)
  besides the system ones.

The first hundred items of project 20, which tests and examples address by id,
are left regular. Item-type images are absolute URLs on the server's own host,
which the item-type endpoints add when they answer.
"""

from __future__ import annotations

import random

from jama_magic.sandbox.dataset import schema as s
from jama_magic.sandbox.wire import JsonDict

_REGULAR_IDS = 1101  # ids below this in project 20 stay regular


def apply_quirks(
    items: dict[int, JsonDict], projects: dict[int, JsonDict], groups: list[int], seed: int
) -> None:
    """Apply the quirks above in place (generation time, before anyone reads the data).

    ``groups`` are the option ids of the Project Group pick list.
    """
    rng = random.Random(seed * 7_919 + 13)
    previous_key: dict[tuple[int, int], str] = {}
    for item in items.values():
        regular = item["project"] == s.LARGE_PROJECT_ID and item["id"] < _REGULAR_IDS
        if not regular:
            _drop_optional(item, rng)
            _repeat_key(item, rng, previous_key)
        previous_key[(item["project"], item["itemType"])] = item["documentKey"]
    for index, project in enumerate(projects.values()):
        project["fields"].update(
            {
                "user1": s.ACTIVE_AUTHORS[index % len(s.ACTIVE_AUTHORS)],
                "text1": "" if index % 2 else f"Cost centre {4100 + index}",
                "date1": project["fields"]["startDate"],
                "projectGroup": groups[index % len(groups)],
            }
        )


def _drop_optional(item: JsonDict, rng: random.Random) -> None:
    roll = rng.random()
    if roll < 0.02:
        del item["lastActivityDate"]
    elif roll < 0.04:
        del item["modifiedBy"]


def _repeat_key(item: JsonDict, rng: random.Random, previous: dict[tuple[int, int], str]) -> None:
    key = previous.get((item["project"], item["itemType"]))
    if key is None or item["project"] == s.LARGE_PROJECT_ID or rng.random() >= 0.01:
        return
    item["documentKey"] = key
    item["fields"]["documentKey"] = key
