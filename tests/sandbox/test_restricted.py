"""The reserved restricted project and item answer 403 in Jama's envelope."""

from __future__ import annotations

import httpx
import pytest

from jama_magic.sandbox import RESTRICTED_ITEM_ID, RESTRICTED_PROJECT_ID, Sandbox


@pytest.mark.parametrize(
    ("path", "params"),
    [
        (f"/projects/{RESTRICTED_PROJECT_ID}", {}),
        (f"/projects/{RESTRICTED_PROJECT_ID}/itemtypes", {}),
        ("/items", {"project": RESTRICTED_PROJECT_ID}),
        ("/abstractitems", {"project": [20, RESTRICTED_PROJECT_ID]}),
        (f"/items/{RESTRICTED_ITEM_ID}", {}),
        (f"/items/{RESTRICTED_ITEM_ID}/children", {}),
    ],
)
def test_restricted_reads_are_403(
    client: httpx.Client, path: str, params: dict[str, object]
) -> None:
    """Reads of the restricted project or item give 403 Forbidden with a permission message."""
    response = client.get(path, params=params)  # type: ignore[arg-type]
    assert response.status_code == 403
    body = response.json()
    assert set(body) == {"meta"}
    assert body["meta"]["status"] == "Forbidden"
    assert body["meta"]["message"].startswith("User does not have permission to view")


def test_restricted_project_is_not_listed(client: httpx.Client, shared: Sandbox) -> None:
    """GET /projects lists only the visible projects, so its count is unchanged."""
    body = client.get("/projects", params={"maxResults": 50}).json()
    ids = [p["id"] for p in body["data"]]
    assert ids == [20, 21, 22, 23, 24] == list(shared.dataset.projects)
    assert body["meta"]["pageInfo"]["totalResults"] == 5


def test_other_unknown_ids_stay_404_and_auth_comes_first(
    client: httpx.Client, shared: Sandbox
) -> None:
    """Neighbouring unknown ids are still 404, and without credentials it is 401."""
    assert client.get(f"/projects/{RESTRICTED_PROJECT_ID + 1}").status_code == 404
    assert client.get(f"/items/{RESTRICTED_ITEM_ID + 1}").status_code == 404
    anonymous = httpx.get(f"{shared.url}/rest/latest/projects/{RESTRICTED_PROJECT_ID}")
    assert anonymous.status_code == 401
