"""Admin and inspection routes under `/_sandbox/`: never faulted, never rate limited, no auth.

The sandbox only listens on loopback, so the admin routes are as private as the machine.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from openpin.sandboxes.ashby import permissions, views
from openpin.sandboxes.ashby.records import ApiKey
from openpin.sandboxes.ashby.registry import new_id
from openpin.sandboxes.ashby.rpc_applications import move_to_stage, stage_of_type
from openpin.sandboxes.ashby.sandbox import AshbySandbox

AdminHandler = Callable[[AshbySandbox, Request], Awaitable[Response]]


class AdminError(Exception):
    """A bad admin request, answered 400 with `{"error": message}`."""


def admin_routes(sandbox: AshbySandbox) -> list[Route]:
    table: list[tuple[str, str, AdminHandler]] = [
        ("/_sandbox/status", "GET", _info),
        ("/_sandbox/reset", "POST", _reset),
        ("/_sandbox/reseed", "POST", _reseed),
        ("/_sandbox/credentials", "POST", _create_api_key),
        ("/_sandbox/credentials/{key}", "PATCH", _update_api_key),
        ("/_sandbox/faults", "GET", _get_faults),
        ("/_sandbox/faults", "PUT", _set_faults),
        ("/_sandbox/faults", "PATCH", _set_faults),
        ("/_sandbox/rate_limit", "GET", _get_rate_limit),
        ("/_sandbox/rate_limit", "PUT", _set_rate_limit),
        ("/_sandbox/requests", "GET", _requests),
        ("/_sandbox/counters", "GET", _counters),
        ("/_sandbox/applications/{application_id}/hire", "POST", _hire),
        ("/_sandbox/applications/{application_id}/reject", "POST", _reject),
    ]
    return [
        Route(path, _bind(sandbox, handler), methods=[method]) for path, method, handler in table
    ]


def _bind(sandbox: AshbySandbox, handler: AdminHandler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(sandbox, request)
        except AdminError as error:
            return JSONResponse({"error": str(error)}, status_code=400)

    return endpoint


async def _json_object(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        document = json.loads(raw) if raw.strip() else {}
    except ValueError as error:
        raise AdminError(f"the body is not valid JSON: {error}") from error
    if not isinstance(document, dict):
        raise AdminError("the body must be a JSON object")
    return document


async def _info(sandbox: AshbySandbox, request: Request) -> Response:
    with sandbox.state.locked() as org:
        counts = {
            "users": len(org.users),
            "jobs": len(org.jobs),
            "candidates": len(org.candidates),
            "applications": len(org.applications),
            "notes": len(org.notes),
            "tags": len(org.tags),
            "api_keys": len(org.api_keys),
        }
        seed = org.seed
    return JSONResponse(
        {
            "vendor": "ashby",
            "default_api_key": sandbox.default_api_key,
            "seed": seed,
            "rate_limit": _rate_limit_view(sandbox),
            "faults": sandbox.faults.config.as_dict(),
            "counts": counts,
        }
    )


async def _reset(sandbox: AshbySandbox, request: Request) -> Response:
    sandbox.state.reset()
    sandbox.rate_limiter.reset()
    return JSONResponse({"reset": True, "seed": sandbox.state.org.seed})


async def _reseed(sandbox: AshbySandbox, request: Request) -> Response:
    seed = (await _json_object(request)).get("seed")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise AdminError("seed must be an integer")
    sandbox.state.reseed(seed)
    sandbox.rate_limiter.reset()
    return JSONResponse({"reset": True, "seed": seed})


async def _create_api_key(sandbox: AshbySandbox, request: Request) -> Response:
    body = await _json_object(request)
    granted = _permissions(body.get("permissions", list(permissions.ALL_PERMISSIONS)))
    with sandbox.state.locked() as org:
        admin_user = next(iter(org.users.values()))
        key = ApiKey(
            key=f"sandbox_{new_id().replace('-', '')}",
            title=str(body.get("name") or body.get("title") or "Sandbox key"),
            permissions=granted,
            author_user_id=admin_user.id,
            created_at=datetime.now(UTC),
        )
        org.api_keys[key.key] = key
        sandbox.state.persist()
    return JSONResponse(_key_view(key), status_code=201)


async def _update_api_key(sandbox: AshbySandbox, request: Request) -> Response:
    """Changes a key's permissions and/or deactivates it (`{"is_active": false}`)."""
    body = await _json_object(request)
    granted = _permissions(body["permissions"]) if "permissions" in body else None
    with sandbox.state.locked() as org:
        key = org.api_keys.get(request.path_params["key"])
        if key is None:
            return JSONResponse({"error": "no such API key"}, status_code=404)
        if granted is not None:
            key.permissions = granted
        if "is_active" in body:
            key.is_active = bool(body["is_active"])
        sandbox.state.persist()
    return JSONResponse(_key_view(key))


def _permissions(names: Any) -> list[str]:
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise AdminError("permissions must be a list of names such as candidatesRead")
    try:
        return permissions.normalise_permissions(names)
    except ValueError as error:
        raise AdminError(str(error)) from error


def _key_view(key: ApiKey) -> dict[str, Any]:
    return {
        "key": key.key,
        "title": key.title,
        "permissions": key.permissions,
        "scopes": [permissions.as_scope(name) for name in key.permissions],
        "is_active": key.is_active,
    }


async def _get_faults(sandbox: AshbySandbox, request: Request) -> Response:
    return JSONResponse(sandbox.faults.config.as_dict())


async def _set_faults(sandbox: AshbySandbox, request: Request) -> Response:
    changes = await _json_object(request)
    try:
        config = sandbox.faults.update(**changes)
    except (TypeError, ValueError) as error:
        raise AdminError(str(error)) from error
    return JSONResponse(config.as_dict())


async def _set_rate_limit(sandbox: AshbySandbox, request: Request) -> Response:
    body = await _json_object(request)
    limit = body.get("limit", sandbox.rate_limiter.limit)
    window = body.get("window_seconds", sandbox.rate_limiter.window_seconds)
    if not isinstance(limit, int) or not isinstance(window, int | float):
        raise AdminError("limit must be an integer and window_seconds a number")
    try:
        sandbox.rate_limiter.configure(limit, float(window))
    except ValueError as error:
        raise AdminError(str(error)) from error
    return JSONResponse(_rate_limit_view(sandbox))


async def _get_rate_limit(sandbox: AshbySandbox, request: Request) -> Response:
    return JSONResponse(_rate_limit_view(sandbox))


def _rate_limit_view(sandbox: AshbySandbox) -> dict[str, Any]:
    limiter = sandbox.rate_limiter
    return {"limit": limiter.limit, "window_seconds": limiter.window_seconds}


async def _requests(sandbox: AshbySandbox, request: Request) -> Response:
    try:
        limit = int(request.query_params.get("limit", "200"))
    except ValueError as error:
        raise AdminError("limit must be an integer") from error
    return JSONResponse({"requests": sandbox.request_log.entries(limit)})


async def _counters(sandbox: AshbySandbox, request: Request) -> Response:
    return JSONResponse(sandbox.request_log.counters())


async def _hire(sandbox: AshbySandbox, request: Request) -> Response:
    """Moves the application to its plan's Hired stage (as `application.changeStage` does);
    `{"at": "<ISO-8601>"}` backdates its `updatedAt` (it still counts as a change for sync)."""
    return _move(sandbox, request, "Hired", await _moment(request))


async def _reject(sandbox: AshbySandbox, request: Request) -> Response:
    """Archives the application, which `application.changeStage` cannot do here: the
    organisation has no archive reasons to give it."""
    return _move(sandbox, request, "Archived", await _moment(request))


async def _moment(request: Request) -> datetime:
    at = (await _json_object(request)).get("at")
    if at is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(str(at).replace("Z", "+00:00"))
    except ValueError as error:
        raise AdminError(f"at must be an ISO-8601 timestamp: {error}") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _move(sandbox: AshbySandbox, request: Request, stage_type: str, at: datetime) -> Response:
    with sandbox.state.locked() as org:
        application = org.applications.get(request.path_params["application_id"])
        if application is None:
            return JSONResponse({"error": "no such application"}, status_code=404)
        stage = stage_of_type(org, application, stage_type)
        move_to_stage(application, stage, at, org.next_change())
        sandbox.state.persist()
        return JSONResponse(views.application_view(application, org))
