"""Per-connection name lookups (jama_magic.lookups): each fetched once per connection."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from jama_magic.errors import NotFoundError
from jama_magic.lookups import ConnectionLookups, lookups_for

if TYPE_CHECKING:
    from jama_magic.connection import Connection
    from jama_magic.sandbox import Sandbox


# logic, with a small in-memory client ----------------------------------------------------------

OPTIONS = {
    301: {"id": 301, "name": "Draft", "pickList": 81},
    302: {"id": 302, "name": "Approved", "pickList": 81},
    310: {"id": 310, "name": "Test", "pickList": 82},
}
LISTS: dict[str, list[dict[str, Any]]] = {
    "/itemtypes": [{"id": 33, "display": "Requirement", "fields": [{"name": "risk$33"}]}],
    "/projects": [{"id": 20, "fields": {"name": "Demo Project"}}],
    "/users": [{"id": 51, "firstName": "Sandbox", "lastName": "User", "username": "sandbox"}],
    "/picklists/81/options": [OPTIONS[301], OPTIONS[302]],
    "/picklists/82/options": [OPTIONS[310]],
    "/releases": [{"id": 201, "name": "R1.0", "project": 20}],
}


@dataclass
class FakeClient:
    """Answers like JamaClient.request from fixed data and counts the requests."""

    nickname: str = "fake"
    base_url: str = "http://fake.invalid"
    release_route: bool = True
    calls: Counter[str] = field(default_factory=Counter)

    @property
    def connection(self) -> Any:
        return SimpleNamespace(nickname=self.nickname, base_url=self.base_url)

    def request(
        self,
        method: str,
        url: str,
        *,
        query: Mapping[str, Any] | None = None,
        all_pages: bool = False,
    ) -> Any:
        self.calls[url] += 1
        if url in LISTS:
            return SimpleNamespace(data=LISTS[url])
        kind, _, key = url.strip("/").partition("/")
        found = {"picklistoptions": OPTIONS, "releases": {201: LISTS["/releases"][0]}}
        obj = found.get(kind, {}).get(int(key)) if key.isdigit() else None
        if obj is None or (kind == "releases" and not self.release_route):
            raise NotFoundError(_not_found(url))
        return SimpleNamespace(data=obj)


def _not_found(url: str) -> Any:
    return SimpleNamespace(
        status_code=404, reason="Not Found", message=None, method="GET", relative_url=url
    )


def test_bulk_kinds_fetched_once() -> None:
    """Item types, projects and users are each listed once however often names are asked."""
    client = FakeClient()
    lookups = ConnectionLookups(client)
    for _ in range(3):
        assert lookups.names("itemtypes", [33]) == {33: "Requirement"}
        assert lookups.names("projects", [20, 99]) == {20: "Demo Project"}
        assert lookups.names("users", [51]) == {51: "Sandbox User"}
    assert lookups.item_types([33])[33]["fields"] == [{"name": "risk$33"}]
    assert client.calls == Counter({"/itemtypes": 1, "/projects": 1, "/users": 1})


def test_options_fetched_per_pick_list() -> None:
    """An unknown option costs one GET for it and one for its pick list; its siblings are free."""
    client = FakeClient()
    lookups = ConnectionLookups(client)
    assert lookups.names("picklistoptions", [301, 302]) == {301: "Draft", 302: "Approved"}
    assert lookups.names("picklistoptions", [302, 310]) == {302: "Approved", 310: "Test"}
    assert client.calls["/picklistoptions/301"] == 1
    assert client.calls["/picklistoptions/302"] == 0
    assert client.calls["/picklists/81/options"] == 1
    assert client.calls["/picklists/82/options"] == 1


def test_unknown_ids_are_remembered() -> None:
    """An option that answers 404 is asked for once, then left out."""
    client = FakeClient()
    lookups = ConnectionLookups(client)
    assert lookups.names("picklistoptions", [999]) == {}
    assert lookups.names("picklistoptions", [999]) == {}
    assert client.calls["/picklistoptions/999"] == 1


def test_releases_by_id_then_project() -> None:
    """A release is read by id, then its project's releases in one list."""
    client = FakeClient()
    assert ConnectionLookups(client).names("releases", [201]) == {201: "R1.0"}
    assert client.calls["/releases/201"] == 1 and client.calls["/releases"] == 1


def test_releases_without_id_route_scan_projects() -> None:
    """When /releases/{id} is not served, the projects' release lists are read instead."""
    client = FakeClient(release_route=False)
    lookups = ConnectionLookups(client)
    assert lookups.names("releases", [201]) == {201: "R1.0"}
    assert lookups.names("releases", [201]) == {201: "R1.0"}
    assert client.calls["/projects"] == 1 and client.calls["/releases"] == 1


def test_unsupported_kind_gives_nothing() -> None:
    """Kinds the lookups do not serve give an empty mapping without requests."""
    client = FakeClient()
    assert ConnectionLookups(client).names("items", [1]) == {}
    assert not client.calls


def test_lookups_for_is_cached_per_connection() -> None:
    """lookups_for returns one instance per nickname and base URL, bound to the newest client."""
    first, again = FakeClient(), FakeClient()
    other = FakeClient(base_url="http://other.invalid")
    assert lookups_for(first) is lookups_for(again)
    assert lookups_for(again).client is again
    assert lookups_for(other) is not lookups_for(first)


def test_clear_forgets_everything() -> None:
    """clear() makes the next lookup fetch again."""
    client = FakeClient()
    lookups = ConnectionLookups(client)
    lookups.names("users", [51])
    lookups.clear()
    lookups.names("users", [51])
    assert client.calls["/users"] == 2


# against the real sandbox -----------------------------------------------------------------------


def _client(conn: Connection) -> Any:
    from jama_magic.client import client_for

    return client_for(conn)


def test_sandbox_names_fetched_once(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """Against the sandbox, every lookup route is requested once for repeated name requests."""
    lookups = lookups_for(_client(sandbox_conn))
    dataset = sandbox.dataset
    option_ids = sorted(dataset.picklistoptions)[:3]
    sandbox.reset_stats()
    for _ in range(2):
        assert lookups.names("itemtypes", [33]) == {33: "Requirement"}
        assert lookups.names("users", [sandbox.dataset.current_user_id])
        assert lookups.names("projects", [20]) == {20: "Demo Project"}
        names = lookups.names("picklistoptions", option_ids)
        assert names == {i: dataset.picklistoptions[i]["name"] for i in option_ids}
    # The sandbox's users, projects and item types each fit one page of 50.
    for route in ("GET /itemtypes", "GET /users", "GET /projects", "GET /picklists/{id}/options"):
        assert sandbox.stats.by_route[route] == 1, route
    assert sandbox.stats.by_route["GET /picklistoptions/{id}"] == 1


def test_sandbox_frame_resolves_through_lookups(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """A page of sandbox items resolves names via lookups; a second frame makes no lookups."""
    from jama_magic.frames import to_dataframe

    client = _client(sandbox_conn)
    resp = client.request("GET", "/items", query={"project": 20, "maxResults": 50})
    lookups = lookups_for(client)
    df = to_dataframe(resp.data, links=resp.links, names=lookups, resolve=True)
    assert set(df["itemType"]) <= {t["display"] for t in sandbox.dataset.itemtypes.values()}
    assert (df["project"] == "Demo Project").all()
    before = sandbox.stats.requests
    to_dataframe(resp.data, links=resp.links, names=lookups, resolve=True)
    assert sandbox.stats.requests == before


def test_response_to_dataframe_uses_connection_lookups(
    sandbox: Sandbox, sandbox_conn: Connection
) -> None:
    """resp.to_dataframe(resolve=True) finds the answering connection's cached lookups."""
    resp = _client(sandbox_conn).request("GET", "/items", query={"project": 21})
    assert resp.names is lookups_for(_client(sandbox_conn))
    df = resp.to_dataframe(resolve=True)
    assert set(df["project"]) == {sandbox.dataset.projects[21]["fields"]["name"]}


def test_sandbox_relationship_type_names_once(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """relationship_type_names (what traces and diffs use) names every type from one read."""
    from jama_magic.lookups import relationship_type_names

    client = _client(sandbox_conn)
    sandbox.reset_stats()
    expected = {t["id"]: t["name"] for t in sandbox.dataset.relationshiptypes.values()}
    assert relationship_type_names(client) == expected
    assert relationship_type_names(client) == expected
    assert sandbox.stats.by_route == {"GET /relationshiptypes": 1}


def test_frame_fetches_the_kinds_it_lacks_side_by_side(
    sandbox: Sandbox, sandbox_conn: Connection
) -> None:
    """resolve=True asks for users, projects, options... at once: their requests overlap."""
    import threading

    from jama_magic.frames import to_dataframe

    client = _client(sandbox_conn)
    resp = client.request("GET", "/items", query={"project": 20, "maxResults": 50})
    lookups = lookups_for(client)
    lookups.names("itemtypes", [33])  # item types come first (the columns depend on them)
    spans: list[tuple[str, int, int]] = []
    clock = iter(range(10_000))
    lock = threading.Lock()
    original = client.request

    def spy(*args: Any, **kw: Any) -> Any:
        with lock:
            began = next(clock)
        try:
            return original(*args, **kw)
        finally:
            with lock:
                spans.append((args[1], began, next(clock)))

    client.request = spy
    sandbox.set_latency(0.1)
    try:
        to_dataframe(resp.data, links=resp.links, names=lookups, resolve=True)
    finally:
        sandbox.set_latency(0)
        client.request = original
    kinds = {url.split("/")[1] for url, _, _ in spans}
    assert {"users", "projects"} <= kinds
    # some request began before another one ended: they were in flight together
    assert any(b1 < e2 and b2 < e1 for (_, b1, e1) in spans for (_, b2, e2) in spans if b1 != b2)
