"""Envelope shapes compared with the real 2016 Jama captures."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "restclient_2016_responses.json"
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")


@pytest.fixture(scope="module")
def samples() -> dict[str, Any]:
    """The captured responses (skipped when the shared folder is absent)."""
    if not SAMPLES.exists():
        pytest.skip("samples not available")
    data: dict[str, Any] = json.loads(SAMPLES.read_text())
    return data


def _sample(samples: dict[str, Any], key: str) -> dict[str, Any]:
    body: dict[str, Any] = samples[f"GET test/rest/v1/{key}"]["response"]
    return body


def test_single_item_has_the_sample_keys(client: httpx.Client, samples: dict[str, Any]) -> None:
    """An item carries every top-level key of the captured item, with the same types."""
    real = _sample(samples, "items/2210690")
    ours = client.get("/items/1003").json()
    assert set(ours) == set(real) == {"meta", "links", "data"}
    assert set(real["data"]) <= set(ours["data"])
    for key, value in real["data"].items():
        assert type(ours["data"][key]) is type(value), key
    assert set(real["data"]["location"]) == set(ours["data"]["location"])
    assert ours["data"]["resources"]["self"]["allowed"][0] == "GET"
    assert ours["meta"]["status"] == "OK"
    assert TIMESTAMP.match(ours["meta"]["timestamp"])
    assert TIMESTAMP.match(ours["data"]["createdDate"])


def test_list_page_meta_matches_sample(client: httpx.Client, samples: dict[str, Any]) -> None:
    """List pages have pageInfo with the sample's three keys; single objects have none."""
    real = _sample(samples, "items?project=20183&rootOnly=true")
    ours = client.get("/items", params={"project": 20}).json()
    assert set(ours["meta"]["pageInfo"]) == set(real["meta"]["pageInfo"])
    assert "pageInfo" not in client.get("/items/1003").json()["meta"]


def test_links_are_keyed_by_data_path_with_latest_hrefs(shared: Any) -> None:
    """links keys are data paths; hrefs are /rest/latest templates even when asked via v1."""
    with httpx.Client(auth=(shared.username, shared.password)) as c:
        body = c.get(f"{shared.url}/rest/v1/items", params={"project": 20}).json()
    assert body["links"]["data.itemType"] == {
        "type": "itemtypes",
        "href": f"{shared.url}/rest/latest/itemtypes/{{data.itemType}}",
    }
    for key, link in body["links"].items():
        assert key.startswith("data.")
        assert link["href"].endswith("{" + key + "}")
        assert "/rest/latest/" in link["href"]


def test_custom_lookup_fields_link_to_picklistoptions(client: httpx.Client) -> None:
    """Custom LOOKUP/MULTI_LOOKUP fields (name$typeId) link to picklistoptions."""
    links = client.get("/items/1003").json()["links"]
    assert links["data.fields.verification_method$33"]["type"] == "picklistoptions"
    assert links["data.fields.status"]["type"] == "picklistoptions"
    assert links["data.createdBy"]["type"] == "users"


def test_itemtype_shape_matches_sample(client: httpx.Client, samples: dict[str, Any]) -> None:
    """Item types have the sample's keys, field definitions and pickList links."""
    real = _sample(samples, "itemtypes/89011")
    ours = client.get("/itemtypes/35").json()
    assert set(real["data"]) == set(ours["data"])
    assert ours["data"]["category"] == "TEST_CASE"
    assert set(real["data"]["fields"][0]) <= set(ours["data"]["fields"][0])
    assert ours["links"]["data.fields.pickList"]["type"] == "picklists"


def test_project_shape_matches_sample(client: httpx.Client, samples: dict[str, Any]) -> None:
    """Projects have the sample's keys and no resources."""
    real = _sample(samples, "projects/20183")
    ours = client.get("/projects/20").json()["data"]
    assert set(real["data"]) <= set(ours)
    assert "resources" not in ours
    assert ours["type"] == "projects"


def test_current_user_has_empty_links(client: httpx.Client) -> None:
    """/users/current answers with links {} as in Jama's documentation."""
    body = client.get("/users/current").json()
    assert body["links"] == {}
    assert body["data"]["type"] == "users"


def test_include_fills_linked_by_type_and_string_id(client: httpx.Client) -> None:
    """Repeated include= values fill linked[type][str(id)] with full objects."""
    body = client.get(
        "/items/1003", params=[("include", "data.createdBy"), ("include", "data.fields.status")]
    ).json()
    item = body["data"]
    assert body["linked"]["users"][str(item["createdBy"])]["id"] == item["createdBy"]
    option = body["linked"]["picklistoptions"][str(item["fields"]["status"])]
    assert option["type"] == "picklistoptions"
    assert "linked" not in client.get("/items/1003").json()


def test_relationship_include_links_items(client: httpx.Client) -> None:
    """include=data.fromItem&include=data.toItem puts both ends in linked.items."""
    body = client.get(
        "/relationships",
        params=[
            ("project", "20"),
            ("lastId", "0"),
            ("include", "data.fromItem"),
            ("include", "data.toItem"),
        ],
    ).json()
    wanted = {str(r["fromItem"]) for r in body["data"]} | {str(r["toItem"]) for r in body["data"]}
    assert wanted == set(body["linked"]["items"])


def test_every_object_has_type(client: httpx.Client) -> None:
    """Objects of each family carry a type discriminator."""
    for path, kind in (
        ("/projects", "projects"),
        ("/itemtypes", "itemtypes"),
        ("/picklists", "picklists"),
        ("/users", "users"),
        ("/relationshiptypes", "relationshiptypes"),
        ("/picklists/81/options", "picklistoptions"),
    ):
        assert {o["type"] for o in client.get(path).json()["data"]} == {kind}, path


def test_errors_are_envelopes_with_reason_phrases(client: httpx.Client) -> None:
    """404, 405 and 400 are JSON envelopes with the reason phrase and a message."""
    for method, path, status, phrase in (
        ("GET", "/items/999999", 404, "Not Found"),
        ("GET", "/nothing/here", 404, "Not Found"),
        ("POST", "/projects/20", 405, "Method Not Allowed"),
        ("GET", "/items", 400, "Bad Request"),
    ):
        response = client.request(method, path)
        assert response.status_code == status
        meta = response.json()["meta"]
        assert meta["status"] == phrase
        assert meta["message"]


def test_double_slash_is_404(client: httpx.Client, shared: Any) -> None:
    """/rest/v1//abstractitems is a 404, as since Jama 8.10."""
    response = httpx.get(
        f"{shared.url}/rest/v1//abstractitems", auth=(shared.username, shared.password)
    )
    assert response.status_code == 404


def test_api_root_lists_endpoints(client: httpx.Client) -> None:
    """GET /rest/latest/ lists endpoint names in data."""
    data = client.get("/").json()["data"]
    assert {"items", "projects", "abstractitems", "relationships"} <= set(data)
