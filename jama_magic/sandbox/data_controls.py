"""Controls that change the sandbox's data the way other people or Jama itself
would, for tests and demos of sync, diff and write-back code. None of these is
a Jama endpoint; :class:`DataControls` is mixed into :class:`~.server.Sandbox`.
The same are served to HTTP clients (with the sandbox's credentials) under
``/rest/sandbox/...``, outside the Jama API, for a sandbox in another process.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jama_magic.sandbox import item_writes, social_writes
from jama_magic.sandbox.store import Store
from jama_magic.sandbox.wire import JsonDict

COLLEAGUE = 52  # alice


def take_baseline(store: Store, project: int, name: str, description: str = "") -> int:
    """Record a baseline of ``project`` as it is now; returns its id."""
    if project not in store.ds.projects:
        raise ValueError(f"Project {project} does not exist; see GET /projects.")
    if not name.strip():
        raise ValueError("A baseline needs a non-empty name.")
    with store.writing():
        baseline_id = max(store.ds.baselines, default=90) + 1
        record: JsonDict = {
            "id": baseline_id,
            "name": name,
            "description": description,
            "createdDate": store.now(),
            "createdBy": store.ds.current_user_id,
            "project": project,
            "origin": {"project": project},
            "type": "baselines",
        }
        store.ds.baselines[baseline_id] = record
        store.history.members(record)  # fix its content now, cheaply, while nothing changes
        store.activity(
            {"id": baseline_id, "project": project, "fields": {"name": name}},
            "CREATE",
            "Baseline created",
            when=record["createdDate"],
            object_type="BASELINE",
        )
    return baseline_id


class DataControls:
    """Python controls over the data; ``self._store`` is the live state."""

    _store: Store

    def take_baseline(self, project: int, name: str, description: str = "") -> int:
        """Take a baseline of ``project`` now (Jama has no endpoint for this); returns its id.

        It holds every item of the project at its current version, and
        ``/baselines/{id}/versioneditems`` keeps answering that after later writes.
        """
        return take_baseline(self._store, project, name, description)

    def edit_as(
        self, item_id: int, fields: Mapping[str, Any], *, user: int = COLLEAGUE, comment: str = ""
    ) -> None:
        """Change an item's fields as another user (default 52, alice): a new version,
        a new ``modifiedDate`` and an UPDATE activity, as if edited in Jama's UI."""
        item_writes.update_fields(self._store, item_id, dict(fields), user=user, comment=comment)

    def version(self, item_id: int) -> int:
        """The number of an item's latest version (each write applied adds one; 0 for an
        unknown id): how a test or benchmark sees that a write was applied exactly once."""
        return self._store.history.current_version(item_id)

    def lock_as(self, item_id: int, user: int | None = COLLEAGUE) -> None:
        """Lock an item as ``user`` (None: unlock it), whoever holds it now."""
        social_writes.lock_as(self._store, item_id, user)
