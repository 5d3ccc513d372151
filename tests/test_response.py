"""JamaResponse: body parsing and Jama's envelope, on the real 2016 Jama responses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from jama_magic.errors import JamaUsageError
from jama_magic.response import JamaResponse, PageInfo, RequestView, parse_body

SAMPLES = Path(__file__).resolve().parents[0] / "data" / "restclient_2016_responses.json"
LOCAL_SAMPLES = Path(__file__).parent / "data" / "restclient_2016_responses.json"


@pytest.fixture(scope="module")
def samples() -> dict[str, Any]:
    """The real 2016 Jama responses (skipped when the file is not available)."""
    path = LOCAL_SAMPLES if LOCAL_SAMPLES.exists() else SAMPLES
    if not path.exists():
        pytest.skip("the 2016 Jama samples are not available")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _view(method: str = "GET", url: str = "/items") -> RequestView:
    return RequestView(
        method=method,
        url="https://j.example/rest/latest" + url,
        relative_url=url,
        headers=(),
        body=None,
    )


def _from_sample(samples: dict[str, Any], key: str) -> JamaResponse:
    entry = samples[key]
    content = json.dumps(entry["response"]).encode()
    raw = httpx.Response(
        entry["statusCode"], content=content, headers={"Content-Type": "application/json"}
    )
    return JamaResponse.from_httpx(raw, _view(url=key.split("rest/v1", 1)[1]), elapsed=0.25)


def _response(
    status: int, body: Any, headers: dict[str, str] | None = None, method: str = "POST"
) -> JamaResponse:
    return JamaResponse(
        status_code=status,
        headers=httpx.Headers(headers or {}),
        body=body,
        request=_view(method),
        elapsed=0.0,
        size=0,
    )


def test_list_envelope(samples: dict[str, Any]) -> None:
    """A real list page gives meta, data, links, page_info and item_count."""
    resp = _from_sample(samples, "GET test/rest/v1/items?project=20183&rootOnly=true")
    assert resp.ok and resp.status_code == 200 and resp.reason == "OK"
    assert resp.meta["status"] == "OK"
    assert resp.page_info == PageInfo(start_index=0, result_count=20, total_results=1040)
    assert resp.item_count == 20
    assert len(resp.links) == 12
    assert resp.links["data.lock.lockedBy"]["type"] == "users"
    assert resp.linked == {}
    assert resp.message is None
    assert resp.created_id is None


def test_single_object_envelope(samples: dict[str, Any]) -> None:
    """A real single item has data as a dict, no page_info and no item_count."""
    resp = _from_sample(samples, "GET test/rest/v1/items/2210690")
    assert isinstance(resp.data, dict)
    assert resp.data["id"] == 2210690
    assert resp.page_info is None
    assert resp.item_count is None
    assert len(resp.links) == 10


def test_itemtypes_list_page_info(samples: dict[str, Any]) -> None:
    """The item types page reports 15 of 15."""
    resp = _from_sample(samples, "GET test/rest/v1/projects/20183/itemtypes")
    assert resp.page_info == PageInfo(0, 15, 15)
    assert resp.item_count == 15


def test_size_elapsed_headers(samples: dict[str, Any]) -> None:
    """size is the body length in bytes, elapsed is kept, headers are case-insensitive."""
    resp = _from_sample(samples, "GET test/rest/v1/projects/20183")
    assert resp.size == len(json.dumps(samples["GET test/rest/v1/projects/20183"]["response"]))
    assert resp.elapsed == 0.25
    assert resp.headers["content-type"] == resp.headers["CONTENT-TYPE"] == "application/json"


def test_generic_df_over_list(samples: dict[str, Any]) -> None:
    """df gives one row per element of a list body."""
    resp = _from_sample(samples, "GET test/rest/v1/projects/20183/itemtypes")
    frame = resp.df
    assert len(frame) == 15
    assert "display" in frame.columns or "typeKey" in frame.columns


def test_df_of_plain_list_body() -> None:
    """A list body without an envelope is a DataFrame too."""
    resp = _response(200, [{"a": 1}, {"a": 2}], method="GET")
    assert list(resp.to_dataframe()["a"]) == [1, 2]


def test_df_of_single_object_is_one_row(samples: dict[str, Any]) -> None:
    """A single-object body is a one-row frame indexed by its id."""
    resp = _from_sample(samples, "GET test/rest/v1/items/2210690")
    df = resp.to_dataframe()
    assert list(df.index) == [resp.data["id"]] and df["documentKey"].iloc[0]


def test_df_of_text_body_is_a_clear_error() -> None:
    """A text body raises an error saying the body is not a list."""
    resp = _response(200, "plain words", method="GET")
    with pytest.raises(JamaUsageError, match="not a JSON list"):
        resp.to_dataframe()


def test_created_id_from_meta_and_location() -> None:
    """A 201 gives created_id from meta.id or the Location, and location."""
    meta_id = _response(
        201,
        {
            "meta": {
                "status": "Created",
                "id": 1234,
                "location": "https://j.example/rest/latest/items/1234",
            }
        },
    )
    assert meta_id.created_id == 1234
    assert meta_id.location == "https://j.example/rest/latest/items/1234"
    by_header = _response(201, None, {"Location": "https://j.example/rest/latest/items/77"})
    assert by_header.created_id == 77
    assert by_header.location == "https://j.example/rest/latest/items/77"


def test_created_id_only_for_201() -> None:
    """Only a 201 has a created_id."""
    assert _response(200, {"meta": {"id": 5}}).created_id is None


def test_error_message_from_meta() -> None:
    """message is Jama's meta.message on an error response."""
    resp = _response(400, {"meta": {"status": "Bad Request", "message": "name is required"}})
    assert not resp.ok
    assert resp.message == "name is required"


def test_non_json_error_message_summarised() -> None:
    """A plain-text error body becomes a short message."""
    assert (
        _response(503, "Service   Unavailable\n  try later").message
        == "Service Unavailable try later"
    )


def test_unknown_status_reason() -> None:
    """An unknown status has an empty reason rather than a crash."""
    assert _response(599, None).reason == ""


@pytest.mark.parametrize(
    ("content", "ctype", "expected"),
    [
        (b"", "application/json", None),
        (b'{"a": 1}', "application/json;charset=UTF-8", {"a": 1}),
        (b"[1, 2]", "", [1, 2]),
        (b"hello", "text/plain", "hello"),
        (b"{not json", "application/json", "{not json"),
        (b"\x89PNG\r\n", "image/png", b"\x89PNG\r\n"),
        (b"\xff\xfe", "text/plain", b"\xff\xfe"),
    ],
)
def test_parse_body(content: bytes, ctype: str, expected: Any) -> None:
    """JSON becomes Python, text str, binary bytes, empty None."""
    assert parse_body(content, ctype) == expected


def test_empty_body_envelope_is_empty() -> None:
    """A 204 without a body has empty meta/links/linked and no data."""
    resp = _response(204, None, method="DELETE")
    assert (resp.meta, resp.links, resp.linked, resp.data) == ({}, {}, {}, None)
    assert resp.item_count is None


def test_method_url_and_request_view() -> None:
    """method, url and relative_url come from what was sent."""
    resp = _response(200, None, method="GET")
    assert resp.method == "GET"
    assert resp.url == "https://j.example/rest/latest/items"
    assert resp.relative_url == "/items"
    assert resp.request.method == "GET"
