"""The Ashby sandbox as an ASGI app: `POST /<category>.<method>` plus storage, pages and admin.

A vendor call goes through, in order: Basic auth (401/403), the per-key rate limit (429), the
method lookup (404), the key's module permission (403), the body (logical `invalid_input` on 200),
then the handler under the state lock. Fault injection wraps all of it (`common.FaultMiddleware`).
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Scope

# The rpc_* modules register their methods in ENDPOINTS when imported.
from openpin.sandboxes.ashby import (  # noqa: F401
    rpc_applications,
    rpc_candidates,
    rpc_files,
    rpc_metadata,
)
from openpin.sandboxes.ashby.admin import admin_routes
from openpin.sandboxes.ashby.auth import (
    api_key_from_header,
    api_key_from_scope,
    authenticate,
    credential_label,
    require_permission,
)
from openpin.sandboxes.ashby.config import AshbySandboxConfig
from openpin.sandboxes.ashby.envelope import (
    AshbyError,
    error_body,
    error_response,
    invalid_input,
    success_body,
)
from openpin.sandboxes.ashby.inputs import Body, MultipartUpload, parse_fields, parse_json_body
from openpin.sandboxes.ashby.pages import candidate_profile_page
from openpin.sandboxes.ashby.records import ApiKey
from openpin.sandboxes.ashby.registry import ENDPOINTS, Endpoint, RpcContext
from openpin.sandboxes.ashby.rpc_files import STORAGE_UPLOAD_PATH, StorageRejection
from openpin.sandboxes.ashby.sandbox import AshbySandbox
from openpin.sandboxes.common import FaultMiddleware, is_admin_path


def create_app(config: AshbySandboxConfig) -> Starlette:
    """The sandbox app; `app.state.sandbox` is the `AshbySandbox` behind it."""
    sandbox = AshbySandbox(config)
    routes = [
        *admin_routes(sandbox),
        Route(STORAGE_UPLOAD_PATH, _storage_upload_endpoint(sandbox), methods=["POST"]),
        Route("/candidates/{candidate_id}", _profile_endpoint(sandbox), methods=["GET"]),
        Route("/{method}", _rpc_endpoint(sandbox), methods=["POST"]),
    ]
    faults = Middleware(
        FaultMiddleware,
        injector=sandbox.faults,
        request_log=sandbox.request_log,
        is_write=_is_write,
        credential_of=lambda scope: credential_label(api_key_from_scope(scope)),
        fault_response=_fault_response,
        applies_to=_is_vendor_call,
    )
    app = Starlette(routes=routes, middleware=[faults])
    app.state.sandbox = sandbox
    return app


def _is_vendor_call(scope: Scope) -> bool:
    return scope.get("method") == "POST" and not is_admin_path(scope)


def _is_write(scope: Scope) -> bool:
    path = str(scope.get("path", ""))
    endpoint = ENDPOINTS.get(path.lstrip("/"))
    return path == STORAGE_UPLOAD_PATH or (endpoint is not None and endpoint.writes)


def _fault_response(status: int, scope: Scope, retry_after: int | None) -> Response:
    if status == 429:
        return _rate_limited(retry_after or 1)
    return JSONResponse(
        error_body("internal_server_error", "An unexpected error occurred; try again later"),
        status_code=status,
    )


def _rate_limited(retry_after: int) -> Response:
    error = AshbyError(
        "rate_limit_exceeded",
        f"Too many requests for this API key; retry after {retry_after} seconds",
        http_status=429,
        headers={"Retry-After": str(retry_after)},
    )
    return error_response(error)


# --- RPC -----------------------------------------------------------------------------------------


def _rpc_endpoint(sandbox: AshbySandbox) -> Any:
    async def rpc(request: Request) -> Response:
        try:
            return await _call(sandbox, request)
        except AshbyError as error:
            return error_response(error)

    return rpc


async def _call(sandbox: AshbySandbox, request: Request) -> Response:
    key = api_key_from_header(request.headers.get("authorization"))
    with sandbox.state.locked() as org:
        api_key = authenticate(org, key).model_copy()
    decision = sandbox.rate_limiter.hit(api_key.key)
    if not decision.allowed:
        return _rate_limited(decision.retry_after_seconds)
    endpoint = _endpoint(request.path_params["method"])
    require_permission(api_key, endpoint.permission, endpoint.name)
    body = await _read_body(request, endpoint)
    results = _run(sandbox, endpoint, api_key, body, _base_url(sandbox, request))
    return JSONResponse(success_body(results))


def _endpoint(method: str) -> Endpoint:
    endpoint = ENDPOINTS.get(method)
    if endpoint is None:
        raise AshbyError("not_found", f"There is no API endpoint {method}", http_status=404)
    return endpoint


def _run(
    sandbox: AshbySandbox, endpoint: Endpoint, api_key: ApiKey, body: Body, base_url: str
) -> Any:
    with sandbox.state.locked() as org:
        ctx = RpcContext(
            org=org,
            api_key=api_key,
            base_url=base_url,
            sync_tokens_expired=sandbox.faults.config.expire_tokens,
        )
        results = endpoint.handler(ctx, body)
        if ctx.changed:
            sandbox.state.persist()
    return results


def _base_url(sandbox: AshbySandbox, request: Request) -> str:
    return sandbox.config.public_base_url or str(request.base_url).rstrip("/")


async def _read_body(request: Request, endpoint: Endpoint) -> Body:
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("multipart/form-data") and endpoint.multipart_file_field:
        return await _read_multipart(request, endpoint.multipart_file_field)
    raw = await request.body()
    if raw.strip() and not content_type.startswith("application/json"):
        raise invalid_input("Content-Type must be application/json")
    return parse_json_body(endpoint.body, raw)


async def _read_multipart(request: Request, file_field: str) -> MultipartUpload:
    async with request.form() as form:
        upload = form.get(file_field)
        if not isinstance(upload, UploadFile):
            raise invalid_input(f"{file_field}: a file is required in the multipart form")
        fields = {
            "candidateId": form.get("candidateId"),
            "filename": upload.filename or file_field,
            "contentType": upload.content_type or "application/octet-stream",
            "data": await upload.read(),
        }
    return parse_fields(MultipartUpload, fields)


# --- storage and pages ---------------------------------------------------------------------------


def _storage_upload_endpoint(sandbox: AshbySandbox) -> Any:
    async def upload(request: Request) -> Response:
        async with request.form() as form:
            file = form.get("file")
            fields = {name: value for name, value in form.items() if isinstance(value, str)}
            data = await file.read() if isinstance(file, UploadFile) else b""
            content_type = file.content_type if isinstance(file, UploadFile) else None
        try:
            with sandbox.state.locked() as org:
                rpc_files.accept_storage_upload(org, fields, data, content_type)
                sandbox.state.persist()
        except StorageRejection as rejection:
            return _storage_error(rejection)
        return Response(status_code=204)

    return upload


def _storage_error(rejection: StorageRejection) -> Response:
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{rejection.code}</Code><Message>{rejection.message}</Message></Error>"
    )
    return Response(xml, status_code=rejection.status, media_type="application/xml")


def _profile_endpoint(sandbox: AshbySandbox) -> Any:
    async def profile(request: Request) -> Response:
        with sandbox.state.locked() as org:
            page = candidate_profile_page(org, request.path_params["candidate_id"])
        if page is None:
            return Response("No such candidate", status_code=404, media_type="text/plain")
        return Response(page, media_type="text/html")

    return profile
