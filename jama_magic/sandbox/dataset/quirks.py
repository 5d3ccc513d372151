"""The irregularities of real Jama data, applied after generation, the same for
every run of a seed (from a random stream of their own):

- about 2% of items have no ``lastActivityDate`` and 2% no ``modifiedBy``
  (real pages miss them on some items);
- in the small projects the fifth item of each type, and about 1% of the
  others, repeat the ``documentKey`` of the previous item of their type (keys
  are not unique in real data);
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
    seen: dict[tuple[int, int], int] = {}
    for item in items.values():
        kind = (item["project"], item["itemType"])
        seen[kind] = seen.get(kind, 0) + 1
        regular = item["project"] == s.LARGE_PROJECT_ID and item["id"] < _REGULAR_IDS
        if not regular:
            _drop_optional(item, rng)
            if item["project"] != s.LARGE_PROJECT_ID and (seen[kind] == 5 or rng.random() < 0.01):
                _repeat_key(item, previous_key.get(kind))
        previous_key[kind] = item["documentKey"]
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


def _repeat_key(item: JsonDict, key: str | None) -> None:
    if key is None:
        return
    item["documentKey"] = key
    item["fields"]["documentKey"] = key
