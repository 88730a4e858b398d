"""`POST /token`: OAuth 2.0 client credentials (Basic client_id:secret, form grant_type and sub)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openpin.sandboxes.greenhouse.auth import acting_user, client_from_basic_auth, mint_token
from openpin.sandboxes.greenhouse.errors import HarvestError, token_bad_request
from openpin.sandboxes.greenhouse.http import (
    CREDENTIAL_SCOPE_KEY,
    rate_limit_headers,
    too_many_requests,
)
from openpin.sandboxes.greenhouse.sandbox import GreenhouseSandbox


async def _token_params(request: Request) -> dict[str, str]:
    """The guide's form body; `grant_type` may also come in the query string (OpenAPI's way)."""
    params = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        params.update(parse_qsl((await request.body()).decode("utf-8", "replace")))
    return params


def token_endpoint(sandbox: GreenhouseSandbox) -> Callable[[Request], Awaitable[Response]]:
    async def issue_token(request: Request) -> Response:
        client_key = _claimed_client_id(request)
        request.scope[CREDENTIAL_SCOPE_KEY] = client_key
        decision = sandbox.token_limiter.hit(client_key)
        if not decision.allowed:
            return too_many_requests(decision, decision.retry_after_seconds)
        try:
            response: Response = JSONResponse(
                await _issue(sandbox, request), headers={"Cache-Control": "no-store"}
            )
        except HarvestError as error:
            response = error.response()
        response.headers.update(rate_limit_headers(decision))
        return response

    return issue_token


async def _issue(sandbox: GreenhouseSandbox, request: Request) -> dict[str, object]:
    credential = client_from_basic_auth(sandbox.state, request.headers.get("authorization"))
    params = await _token_params(request)
    grant_type = params.get("grant_type")
    if grant_type is None:
        raise token_bad_request("grant_type is required")
    if grant_type != "client_credentials":
        raise token_bad_request(f"grant_type={grant_type} is not supported; use client_credentials")
    user_id = acting_user(sandbox.state, params.get("sub"), sandbox.service_user_id)
    token = mint_token(sandbox.state, credential, user_id, sandbox.config.token_ttl_seconds)
    sandbox.request_log.count_event("token.issued")
    sandbox.changed()
    return token


def _claimed_client_id(request: Request) -> str:
    """Token mints are limited per client; before checking the secret, trust the claimed id."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(encoded, validate=True).decode().partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            pass
    return f"anonymous:{request.client.host if request.client else 'unknown'}"
