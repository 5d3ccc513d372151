"""Abstract item search, baselines, activities, filters, attachments and files."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from jama_magic.sandbox import query
from jama_magic.sandbox import validation as v
from jama_magic.sandbox.responses import (
    ApiError,
    created_response,
    endpoint,
    not_found,
    object_response,
    ok_response,
    page_response,
    store_of,
)
from jama_magic.sandbox.routes.writes import body_of
from jama_magic.sandbox.search import search
from jama_magic.sandbox.store import Store
from jama_magic.sandbox.testing_writes import new_object
from jama_magic.sandbox.wire import JsonDict


def _get(table: dict[int, JsonDict], kind: str, object_id: int) -> JsonDict:
    found = table.get(object_id)
    if found is None:
        raise not_found(kind, object_id)
    return found


@endpoint
async def abstract_items(request: Request) -> Response:
    """``GET /abstractitems`` with project/itemType/documentKey/release/date/contains filters."""
    return page_response(request, search(store_of(request), request))


@endpoint
async def abstract_item(request: Request) -> Response:
    """``GET /abstractitems/{id}``."""
    found = store_of(request).abstract_item(request.path_params["id"])
    if found is None:
        raise not_found("abstract item", request.path_params["id"])
    return object_response(request, found)


def _project_param(request: Request, store: Store) -> int:
    project = query.one_int(request, "project", required=True) or 0
    if project not in store.ds.projects:
        raise not_found("project", project)
    return project


@endpoint
async def filters(request: Request) -> Response:
    """``GET /filters?project=&author=``."""
    store = store_of(request)
    project, author = query.one_int(request, "project"), query.one_int(request, "author")
    rows = [
        f
        for f in store.ds.filters.values()
        if (project is None or f.get("specifiedProject") in (None, project))
        and (author is None or f["author"] == author)
    ]
    return page_response(request, rows)


@endpoint
async def filter_one(request: Request) -> Response:
    """``GET /filters/{id}``."""
    return object_response(
        request, _get(store_of(request).ds.filters, "filter", request.path_params["id"])
    )


def _matches_rule(item: JsonDict, rule: JsonDict, project: int | None) -> bool:
    wanted_project = project or rule.get("project")
    if wanted_project is not None and item["project"] != wanted_project:
        return False
    if "itemType" in rule and item["itemType"] not in rule["itemType"]:
        return False
    return all(item["fields"].get(k) == val for k, val in rule.get("fields", {}).items())


@endpoint
async def filter_results(request: Request) -> Response:
    """``GET /filters/{id}/results[?project=]``: the items the filter selects."""
    store = store_of(request)
    filter_id = _get(store.ds.filters, "filter", request.path_params["id"])["id"]
    rule = store.ds.filter_rules[filter_id]
    project = query.one_int(request, "project")
    rows = [i for i in store.ds.items.values() if _matches_rule(i, rule, project)]
    return page_response(request, rows)


@endpoint
async def attachment(request: Request) -> Response:
    """``GET /attachments/{id}``."""
    return object_response(
        request, _get(store_of(request).ds.attachments, "attachment", request.path_params["id"])
    )


@endpoint
async def attachment_file(request: Request) -> Response:
    """``GET /attachments/{id}/file``: the bytes."""
    store = store_of(request)
    found = _get(store.ds.attachments, "attachment", request.path_params["id"])
    content = store.ds.attachment_files.get(found["id"], b"")
    return Response(
        content,
        media_type=found.get("mimeType") or "application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{found["fileName"]}"'},
    )


@endpoint
async def put_attachment_file(request: Request) -> Response:
    """``PUT /attachments/{id}/file``: multipart upload with a part named ``file``."""
    store = store_of(request)
    found = _get(store.ds.attachments, "attachment", request.path_params["id"])
    name, mime, content = _file_part(request.headers.get("content-type", ""), await request.body())
    with store.writing():
        store.ds.attachment_files[found["id"]] = content
        store.ds.attachments[found["id"]] = {
            **found,
            "fileName": name,
            "mimeType": mime,
            "fileSize": len(content),
        }
    return ok_response()


def _file_part(content_type: str, raw: bytes) -> tuple[str, str, bytes]:
    if not content_type.startswith("multipart/form-data"):
        raise ApiError(400, "Upload the file as multipart/form-data with a part named 'file'.")
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + raw
    )
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "file":
            payload = part.get_payload(decode=True)
            return (
                part.get_filename() or "upload.bin",
                part.get_content_type(),
                payload if isinstance(payload, bytes) else b"",
            )
    raise ApiError(400, "The multipart body has no part named 'file'.")


@endpoint
async def post_project_attachment(request: Request) -> Response:
    """``POST /projects/{id}/attachments {"fields": {"name", "description"}}``."""
    store = store_of(request)
    project = _get(store.ds.projects, "project", request.path_params["id"])["id"]
    body = v.require_object(await body_of(request))
    fields = v.clean_fields(store, 42, body.get("fields"))
    with store.writing():
        created = new_object(store, project, 42, "attachments", fields)
        kind = created.pop("type")
        created.update({"fileName": "", "mimeType": "", "fileSize": 0, "type": kind})
        store.ds.attachments[created["id"]] = created
        store.ds.attachment_files[created["id"]] = b""
    return created_response(request, "attachments", created["id"])


ROUTES = [
    Route("/abstractitems", abstract_items, methods=["GET"]),
    Route("/abstractitems/{id:int}", abstract_item, methods=["GET"]),
    Route("/filters", filters, methods=["GET"]),
    Route("/filters/{id:int}", filter_one, methods=["GET"]),
    Route("/filters/{id:int}/results", filter_results, methods=["GET"]),
    Route("/attachments/{id:int}", attachment, methods=["GET"]),
    Route("/attachments/{id:int}/file", attachment_file, methods=["GET"]),
    Route("/attachments/{id:int}/file", put_attachment_file, methods=["PUT"]),
    Route("/projects/{id:int}/attachments", post_project_attachment, methods=["POST"]),
]
