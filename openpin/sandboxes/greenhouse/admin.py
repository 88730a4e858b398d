"""`/_sandbox/...`: reset, reseed, credentials, faults, rate limits, request log, counters, files.

Never faulted, rate limited or logged, and kept apart from the vendor routes. There is no auth:
the sandbox listens on loopback only.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from openpin.sandboxes.common import iso_timestamp, utc_now_iso
from openpin.sandboxes.greenhouse.auth import create_credential
from openpin.sandboxes.greenhouse.config import ALL_SCOPES
from openpin.sandboxes.greenhouse.querying import ParamError, parse_timestamp
from openpin.sandboxes.greenhouse.sandbox import GreenhouseSandbox


def _problem(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    body = json.loads(raw) if raw else {}
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


def admin_routes(sandbox: GreenhouseSandbox) -> list[Route]:
    async def status(request: Request) -> Response:
        counts = {name: len(rows) for name, rows in sandbox.state.records.items()}
        return JSONResponse(
            {
                "vendor": "greenhouse",
                "seed": sandbox.seed,
                "records": counts,
                "default_credential": _public(sandbox.state.credentials, sandbox),
                "rate_limit": _rate_limit(sandbox),
                "not_found_after_create_seconds": sandbox.not_found_after_create_seconds,
            }
        )

    async def reset(request: Request) -> Response:
        try:
            seed = (await _json(request)).get("seed")
        except ValueError as error:
            return _problem(str(error))
        if seed is not None and not isinstance(seed, int):
            return _problem("seed must be an integer")
        sandbox.reset(seed)
        return JSONResponse({"seed": sandbox.seed})

    async def create(request: Request) -> Response:
        try:
            body = await _json(request)
        except ValueError as error:
            return _problem(str(error))
        scopes = body.get("scopes", list(ALL_SCOPES))
        if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
            return _problem("scopes must be an array of scope names")
        credential = create_credential(sandbox.state, scopes, name=str(body.get("name", "test")))
        sandbox.changed()
        return JSONResponse(credential, status_code=201)

    async def set_scopes(request: Request) -> Response:
        credential = sandbox.state.credentials.get(request.path_params["client_id"])
        if credential is None:
            return _problem("no such credential", 404)
        scopes = (await _json(request)).get("scopes")
        if not isinstance(scopes, list):
            return _problem("scopes must be an array of scope names")
        credential["scopes"] = sorted(set(scopes))
        sandbox.changed()
        return JSONResponse(credential)

    return [
        Route("/_sandbox/status", status, methods=["GET"]),
        Route("/_sandbox/reset", reset, methods=["POST"]),
        Route("/_sandbox/reseed", reset, methods=["POST"]),
        Route("/_sandbox/credentials", create, methods=["POST"]),
        Route("/_sandbox/credentials/{client_id}", set_scopes, methods=["PATCH"]),
        *_settings_routes(sandbox),
        *_inspection_routes(sandbox),
        *_application_routes(sandbox),
    ]


def _public(credentials: dict[str, Any], sandbox: GreenhouseSandbox) -> dict[str, Any] | None:
    return credentials.get(sandbox.config.default_client_id)


def _rate_limit(sandbox: GreenhouseSandbox) -> dict[str, Any]:
    return {
        "limit": sandbox.api_limiter.limit,
        "window_seconds": sandbox.api_limiter.window_seconds,
        "token_limit": sandbox.token_limiter.limit,
        "token_window_seconds": sandbox.token_limiter.window_seconds,
    }


def _settings_routes(sandbox: GreenhouseSandbox) -> list[Route]:
    async def faults(request: Request) -> Response:
        if request.method == "GET":
            return JSONResponse(sandbox.injector.config.as_dict())
        try:
            config = sandbox.injector.update(**await _json(request))
        except (ValueError, TypeError) as error:
            return _problem(str(error))
        return JSONResponse(config.as_dict())

    async def rate_limit(request: Request) -> Response:
        if request.method == "GET":
            return JSONResponse(_rate_limit(sandbox))
        try:
            body = await _json(request)
            sandbox.api_limiter.configure(
                int(body.get("limit", sandbox.api_limiter.limit)),
                float(body.get("window_seconds", sandbox.api_limiter.window_seconds)),
            )
            sandbox.token_limiter.configure(
                int(body.get("token_limit", sandbox.token_limiter.limit)),
                float(body.get("token_window_seconds", sandbox.token_limiter.window_seconds)),
            )
        except (ValueError, TypeError) as error:
            return _problem(str(error))
        return JSONResponse(_rate_limit(sandbox))

    async def quirks(request: Request) -> Response:
        if request.method == "PUT":
            delay = (await _json(request)).get("not_found_after_create_seconds")
            if not isinstance(delay, int | float) or delay < 0:
                return _problem("not_found_after_create_seconds must be a non-negative number")
            sandbox.not_found_after_create_seconds = float(delay)
        return JSONResponse(
            {"not_found_after_create_seconds": sandbox.not_found_after_create_seconds}
        )

    return [
        Route("/_sandbox/faults", faults, methods=["GET", "PUT", "PATCH"]),
        Route("/_sandbox/rate_limit", rate_limit, methods=["GET", "PUT"]),
        Route("/_sandbox/quirks", quirks, methods=["GET", "PUT"]),
    ]


def _inspection_routes(sandbox: GreenhouseSandbox) -> list[Route]:
    async def requests(request: Request) -> Response:
        limit = int(request.query_params.get("limit", "200"))
        return JSONResponse(sandbox.request_log.entries(limit))

    async def counters(request: Request) -> Response:
        return JSONResponse(sandbox.request_log.counters())

    async def attachment_file(request: Request) -> Response:
        """Stands in for the signed S3 URL Greenhouse returns for an attachment."""
        stored = sandbox.state.attachment_files.get(int(request.path_params["attachment_id"]))
        if stored is None:
            return _problem("no such file", 404)
        if stored.get("source_url"):
            return RedirectResponse(stored["source_url"])
        return Response(base64.b64decode(stored["content"]), media_type=stored["content_type"])

    return [
        Route("/_sandbox/requests", requests, methods=["GET"]),
        Route("/_sandbox/counters", counters, methods=["GET"]),
        Route("/_sandbox/files/{attachment_id:int}", attachment_file, methods=["GET"]),
    ]


# Greenhouse's v3 lifecycle writes for these (`/v3/applications/{id}/reject`, hiring through an
# offer) are not implemented; a test or demo moves an application here instead.
APPLICATION_OUTCOMES = {"hire": "hired", "reject": "rejected"}


def _application_routes(sandbox: GreenhouseSandbox) -> list[Route]:
    async def set_outcome(request: Request) -> Response:
        """Hire or reject an application: its row then says so through `GET /v3/applications`
        (`status`, `updated_at` and `last_activity_at` move; the candidate's `updated_at` too).
        `{"at": "<ISO-8601>"}` backdates it, as if it happened then."""
        application = sandbox.state.get("applications", request.path_params["application_id"])
        if application is None:
            return _problem("no such application", 404)
        if application["prospect"]:
            return _problem("a prospect application has no job to be hired for or rejected from")
        status = APPLICATION_OUTCOMES[request.url.path.rsplit("/", 1)[-1]]
        try:
            at = (await _json(request)).get("at")
            now = iso_timestamp(parse_timestamp(str(at))) if at else utc_now_iso()
        except (ValueError, ParamError) as error:
            return _problem(f"at: {error}")
        application.update(status=status, updated_at=now, last_activity_at=now)
        application["rejected_at"] = now if status == "rejected" else None
        candidate = sandbox.state.get("candidates", application["candidate_id"])
        if candidate is not None:
            candidate["updated_at"] = candidate["last_activity_at"] = now
        sandbox.changed()
        return JSONResponse(application)

    return [
        Route(
            f"/_sandbox/applications/{{application_id:int}}/{outcome}",
            set_outcome,
            methods=["POST"],
        )
        for outcome in APPLICATION_OUTCOMES
    ]
