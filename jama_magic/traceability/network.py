"""The network source of a trace: a few bulk reads, never one request per item.

For each project, concurrently: the relationships (``GET /relationships?project=``, Jama's
``lastId`` keyset paging) and the items of the traced types plus the sets and folders
they sit in (``GET /abstractitems?project=&itemType=...``, 50 a page). Item types and
relationship types come from the connection's lookups, fetched once per session.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..lookups import lookups_for, relationship_type_names
from ..paging import Progress
from ..state import session
from .compute import TraceSpec
from .data import Lookups, TraceData, container_types, item_frame, relationship_frame
from .names import project_labels

if TYPE_CHECKING:
    from ..client import JamaClient
    from ..response import JamaResponse

__all__ = ["NetworkSource", "fetch_trace_data", "web_url"]

ProgressFactory = Callable[[str], "Progress | None"]  # given what the bar counts


class NetworkSource:
    """Reads a trace's data over ``client``'s connection, in bulk."""

    def __init__(self, client: JamaClient, *, progress: ProgressFactory | None = None) -> None:
        self.client = client
        self.progress = progress or _notebook_progress

    def lookups(self) -> Lookups:
        """Item types and relationship types, from the connection's session cache."""
        lookups = lookups_for(self.client)
        item_types = {key: dict(obj) for key, obj in lookups.all("itemtypes").items()}
        return item_types, relationship_type_names(self.client)

    def projects(self) -> dict[int, list[str]]:
        """Project names and keys (``GET /projects``, once per session)."""
        return project_labels(lookups_for(self.client).all("projects"))

    def data(self, projects: tuple[int, ...], spec: TraceSpec, lookups: Lookups) -> TraceData:
        """The traced types' items, their sets and folders, and every relationship."""
        wanted = {*spec.upstream, *spec.downstream, *container_types(lookups[0])}
        return fetch_trace_data(
            self.client, projects, lookups=lookups, item_types=wanted, progress=self.progress
        )


def _notebook_progress(description: str) -> Progress | None:
    """The front end's progress bar labelled ``description`` (none without IPython)."""
    try:
        from ..magics.progress import progress_bar
    except ImportError:  # no IPython: not a notebook
        return None
    return progress_bar(description)


def fetch_trace_data(
    client: JamaClient,
    projects: tuple[int, ...],
    *,
    lookups: Lookups,
    item_types: Iterable[int],
    progress: ProgressFactory = lambda _: None,
) -> TraceData:
    """The items of ``item_types`` and every relationship of ``projects``, read in bulk."""
    wanted = sorted(set(item_types))
    pages = session.io.run(_read_all(client, projects, wanted, progress))
    items = [row for resp, _ in pages for row in resp.data]
    lookups_for(client).learn("items", items)  # later relationship frames show their keys
    rels = {row["id"]: row for _, resp in pages for row in resp.data if isinstance(row, dict)}
    return TraceData(
        projects=projects,
        items=item_frame(items),
        relationships=relationship_frame(rels.values()),
        item_types=lookups[0],
        relationship_types=lookups[1],
        web_url=web_url(client.connection.base_url),
        source=f"connection '{client.connection.nickname}'",
        requests=sum(resp.pages for pair in pages for resp in pair),
    )


async def _read_all(
    client: JamaClient, projects: tuple[int, ...], types: list[int], progress: ProgressFactory
) -> list[tuple[JamaResponse, JamaResponse]]:
    reads = [_read_project(client, project, types, progress) for project in projects]
    return list(await asyncio.gather(*reads))


async def _read_project(
    client: JamaClient, project: int, types: list[int], progress: ProgressFactory
) -> tuple[JamaResponse, JamaResponse]:
    items = client.arequest(
        "GET",
        "/abstractitems",
        query={"project": project, "itemType": types},
        all_pages=True,
        progress=progress("Reading items"),
    )
    rels = client.arequest(
        "GET",
        "/relationships",
        query={"project": project},
        all_pages=True,
        progress=progress("Reading relationships"),
    )
    got_items, got_rels = await asyncio.gather(items, rels)
    return got_items, got_rels


def web_url(base_url: str) -> str | None:
    """Where items open in a browser: the base URL, except on loopback (the sandbox has no UI)."""
    host = urlsplit(base_url).hostname or ""
    if host == "localhost":
        return None
    try:
        return None if ipaddress.ip_address(host).is_loopback else base_url
    except ValueError:
        return base_url
