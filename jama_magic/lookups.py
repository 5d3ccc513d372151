"""Per-connection name lookups for the DataFrame view, fetched once and cached for the session.

``lookups_for(client)`` returns the one :class:`ConnectionLookups` of a
connection (keyed by nickname and base URL, kept in the session); it serves
:class:`jama_magic.frames.NameSource`, and the client hands it to every
response it builds (``resp.names``):

==================  ===========================================================
item types          ``GET /itemtypes`` (all pages), once
relationship types  ``GET /relationshiptypes`` (all pages), once
items (keys)        never fetched: only items read in bulk elsewhere (``learn``,
                    e.g. by ``jm.trace``), so relationship frames show keys
projects            ``GET /projects`` (all pages), once
users               ``GET /users?includeInactive=true`` (all pages), once: old
                    items point to users who have left
pick-list options   ``GET /picklistoptions/{id}`` for an unknown option, then
                    ``GET /picklists/{pickList}/options`` (all pages) for its
                    whole pick list, once per pick list
releases            ``GET /releases/{id}`` for an unknown release, then
                    ``GET /releases?project=`` (all pages) for its project, once
                    per project; when ``/releases/{id}`` answers 404, the
                    projects' release lists are read until every id is found
==================  ===========================================================

Options and releases are fetched per pick list / project rather than in bulk
because a tenant holds hundreds of pick lists while a list of items uses a
handful, each with several options in use: for typical data this makes two
requests per pick list instead of one per option (or one per pick list of the
tenant). An id that answers 404 or 403 is remembered as unknown. Requests go
through the client, so they share its pacing; ``prefetch`` fetches several
kinds at once (the DataFrame view asks for all it needs before resolving).
Nothing here imports pandas.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from .errors import ForbiddenError, NotFoundError
from .frames.resolve import display_name
from .state import session

__all__ = ["CachedNames", "ConnectionLookups", "lookups_for", "relationship_type_names"]

_BULK = {
    "itemtypes": ("/itemtypes", None),
    "projects": ("/projects", None),
    "relationshiptypes": ("/relationshiptypes", None),
    "users": ("/users", {"includeInactive": "true"}),
}
_SIBLINGS = {
    "picklistoptions": ("/picklistoptions/{id}", "pickList", "/picklists/{key}/options", None),
    "releases": ("/releases/{id}", "project", "/releases", "project"),
}


class _Response(Protocol):
    @property
    def data(self) -> Any: ...


class _Connection(Protocol):
    @property
    def nickname(self) -> str: ...

    @property
    def base_url(self) -> str: ...


class _Client(Protocol):
    @property
    def connection(self) -> _Connection: ...

    def request(
        self,
        method: str,
        relative_url: str,
        *,
        query: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None,
        all_pages: bool = False,
    ) -> _Response: ...


class ConnectionLookups:
    """Names and item types of one connection, each fetched at most once."""

    def __init__(self, client: _Client) -> None:
        self.client: _Client | None = client
        self._nickname = client.connection.nickname
        self._objects: dict[str, dict[int, Mapping[str, Any]]] = {}
        self._done: set[tuple[str, Any]] = set()
        self._lock = threading.RLock()

    def cached(self) -> CachedNames:
        """A name source that answers from what was already fetched, never sending a request."""
        return CachedNames(self)

    def names(self, kind: str, ids: Iterable[int], *, fetch: bool = True) -> dict[int, str]:
        """Display names of the given ids of ``kind``; ids not found are left out."""
        found = self.objects(kind, ids, fetch=fetch)
        named = {key: display_name(kind, obj) for key, obj in found.items()}
        return {key: name for key, name in named.items() if name is not None}

    def item_types(self, ids: Iterable[int], *, fetch: bool = True) -> dict[int, dict[str, Any]]:
        """Item type objects (with ``fields``) of the given ids."""
        found = self.objects("itemtypes", ids, fetch=fetch)
        return {key: dict(obj) for key, obj in found.items()}

    def objects(
        self, kind: str, ids: Iterable[int], *, fetch: bool = True
    ) -> dict[int, Mapping[str, Any]]:
        """The cached Jama objects of ``kind`` for ``ids``, fetching what is missing
        (``fetch=False``: the cached ones only)."""
        wanted = {int(key) for key in ids}
        with self._lock:
            if self.client is None:  # detached: its connection is gone
                return {}
            if fetch:
                self._load(kind, wanted)
            cache = self._objects.get(kind, {})
            return {key: cache[key] for key in sorted(wanted) if key in cache}

    def prefetch(self, wanted: Mapping[str, Iterable[int]]) -> None:
        """Fetch what ``names`` will need for several kinds at once, concurrently.

        Each kind's requests stay in their order (a pick list is read whole once
        one of its options is known), but the kinds run side by side, and their
        lists are paged like any ``--all`` (learned rate, several pages in flight).
        """
        jobs = {kind: {int(key) for key in ids} for kind, ids in wanted.items()}
        jobs = {
            kind: ids for kind, ids in jobs.items() if ids and (kind in _BULK or kind in _SIBLINGS)
        }
        with self._lock:
            if self.client is None or not jobs:
                return
            # threads only wait: the requests themselves all run on the one I/O loop
            with ThreadPoolExecutor(len(jobs), thread_name_prefix="jama-lookups") as pool:
                for done in [pool.submit(self._load, kind, ids) for kind, ids in jobs.items()]:
                    done.result()

    def all(self, kind: str) -> dict[int, Mapping[str, Any]]:
        """Every object of a kind fetched in bulk (item types, projects, users...)."""
        if kind not in _BULK:
            raise ValueError(f"{kind!r} is not read in bulk: use one of {sorted(_BULK)}")
        with self._lock:
            self._load_bulk(kind)
            return dict(self._objects.get(kind, {}))

    def _load(self, kind: str, wanted: set[int]) -> None:
        if kind in _BULK:
            self._load_bulk(kind)
        elif kind in _SIBLINGS:
            self._load_each(kind, wanted)

    def known(self, kind: str) -> dict[int, Mapping[str, Any]]:
        """Every object of ``kind`` fetched so far (no request): names back to ids."""
        with self._lock:
            return dict(self._objects.get(kind, {}))

    def clear(self) -> None:
        """Forget everything fetched (after an admin changed item types or pick lists)."""
        with self._lock:
            self._objects.clear()
            self._done.clear()

    def learn(self, kind: str, objects: Iterable[Mapping[str, Any]]) -> None:
        """Keep objects read in bulk elsewhere (a trace's items) as names for later frames."""
        with self._lock:
            if self.client is not None:
                self._store(kind, objects)

    @property
    def unavailable(self) -> str | None:
        """Why names cannot be looked up any more (None while the connection is there)."""
        return None if self.client is not None else f"connection '{self._nickname}' was closed"

    def detach(self) -> None:
        """Stop fetching: the connection was dropped (names then come from ``linked`` only)."""
        with self._lock:
            self.client = None
            self._objects.clear()
            self._done.clear()

    def _load_bulk(self, kind: str) -> None:
        if (kind, None) in self._done:
            return
        url, query = _BULK[kind]
        self._store(kind, self._fetch_list(url, query))
        self._done.add((kind, None))

    def _load_each(self, kind: str, wanted: set[int]) -> None:
        cache = self._objects.setdefault(kind, {})
        for key in sorted(wanted):
            if key in cache or (kind, key) in self._done:
                continue
            if not self._load_one(kind, key) and kind == "releases":
                self._scan_releases(wanted)
                return

    def _load_one(self, kind: str, key: int) -> bool:
        one_url, group_key, _, _ = _SIBLINGS[kind]
        self._done.add((kind, key))
        obj = self._fetch_one(one_url.format(id=key))
        if obj is None:
            return False
        self._store(kind, [obj])
        group = obj.get(group_key)
        if group is not None:
            self._load_group(kind, group)
        return True

    def _load_group(self, kind: str, group: Any) -> None:
        if (kind, f"group:{group}") in self._done:
            return
        self._done.add((kind, f"group:{group}"))
        _, _, group_url, group_param = _SIBLINGS[kind]
        query = {group_param: group} if group_param else None
        self._store(kind, self._fetch_list(group_url.format(key=group), query))

    def _scan_releases(self, wanted: set[int]) -> None:
        # Servers without GET /releases/{id}: releases are listed per project only.
        self._load_bulk("projects")
        cache = self._objects["releases"]
        for project in list(self._objects.get("projects", {})):
            if wanted <= cache.keys():
                break
            self._load_group("releases", project)
        self._done.update(("releases", key) for key in wanted)

    def _fetch_one(self, url: str) -> Mapping[str, Any] | None:
        assert self.client is not None
        try:
            data = self.client.request("GET", url).data
        except (NotFoundError, ForbiddenError):
            return None
        return data if isinstance(data, Mapping) else None

    def _fetch_list(self, url: str, query: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
        assert self.client is not None
        try:
            data = self.client.request("GET", url, query=query, all_pages=True).data
        except (NotFoundError, ForbiddenError):
            return []
        return [obj for obj in data if isinstance(obj, Mapping)] if isinstance(data, list) else []

    def _store(self, kind: str, objects: Iterable[Mapping[str, Any]]) -> None:
        cache = self._objects.setdefault(kind, {})
        for obj in objects:
            if type(obj.get("id")) is int:
                cache[obj["id"]] = obj


class CachedNames:
    """``ConnectionLookups`` that never fetch: for rendering, which must not send requests."""

    def __init__(self, lookups: ConnectionLookups) -> None:
        self._lookups = lookups

    def names(self, kind: str, ids: Iterable[int]) -> dict[int, str]:
        return self._lookups.names(kind, ids, fetch=False)

    def item_types(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        return self._lookups.item_types(ids, fetch=False)


def lookups_for(client: _Client) -> ConnectionLookups:
    """The session's lookups of ``client``'s connection (one per nickname and base URL)."""
    key = (client.connection.nickname, client.connection.base_url)
    with session.lock:
        lookups = session.lookups.get(key)
        if lookups is None:
            lookups = session.lookups[key] = ConnectionLookups(client)
        # Keep the cache but talk through the newest client of this connection.
        lookups.client = client
        return lookups


def relationship_type_names(client: _Client) -> dict[int, str]:
    """Every relationship type of ``client``'s connection, id → name (the id as text when
    nameless), read once a session: how traces and diffs name relationship types."""
    found = lookups_for(client).all("relationshiptypes")
    return {key: display_name("relationshiptypes", obj) or str(key) for key, obj in found.items()}
