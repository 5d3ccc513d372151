"""The API's routes, one module per family; :data:`ROUTES` is all of them in order."""

from __future__ import annotations

from starlette.routing import BaseRoute

from jama_magic.sandbox.routes import (
    admin,
    config_writes,
    controls,
    history,
    items,
    meta,
    people,
    relationships,
    search,
    subresource_writes,
    subresources,
    testgroups,
    testing,
    writes,
)

ROUTES: list[BaseRoute] = [
    *meta.ROUTES,
    *items.ROUTES,
    *writes.ROUTES,
    *relationships.ROUTES,
    *admin.ROUTES,
    *testing.ROUTES,
    *search.ROUTES,
    *history.ROUTES,
    *subresources.ROUTES,
    *subresource_writes.ROUTES,
    *testgroups.ROUTES,
    *people.ROUTES,
    *config_writes.ROUTES,
    *controls.ROUTES,
]

__all__ = ["ROUTES"]
