"""The request pipeline every Harvest v3 route shares: auth, rate limit, scope, error shape.

Every answer, errors included, carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and
`X-RateLimit-Reset` (UTC epoch seconds), as the v3 rate-limiting guide says.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Scope

from openpin.sandboxes.common import RateDecision
from openpin.sandboxes.greenhouse.auth import Caller, authenticate_bearer, require_scope
from openpin.sandboxes.greenhouse.errors import HarvestError
from openpin.sandboxes.greenhouse.querying import ListSpec, next_link, parse_list_query, select_page
from openpin.sandboxes.greenhouse.sandbox import GreenhouseSandbox
from openpin.sandboxes.greenhouse.validation import read_json_object

CREDENTIAL_SCOPE_KEY = "openpin.credential"


@dataclass
class HarvestCall:
    request: Request
    caller: Caller
    sandbox: GreenhouseSandbox

    async def body(self) -> dict[str, Any]:
        return await read_json_object(self.request)

    @property
    def acting_user_is_site_admin(self) -> bool:
        user = self.sandbox.state.get("users", self.caller.acting_user_id)
        return bool(user and user["site_admin"])


Handler = Callable[[HarvestCall], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def rate_limit_headers(decision: RateDecision) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(decision.limit),
        "X-RateLimit-Remaining": str(decision.remaining),
        "X-RateLimit-Reset": str(decision.reset_epoch_seconds),
    }


def too_many_requests(decision: RateDecision, retry_after: int) -> Response:
    headers = {**rate_limit_headers(decision), "Retry-After": str(retry_after)}
    return JSONResponse({"message": "Too Many Requests"}, status_code=429, headers=headers)


def credential_of(scope: Scope) -> str | None:
    credential = scope.get(CREDENTIAL_SCOPE_KEY)
    return credential if isinstance(credential, str) else None


def harvest_endpoint(
    sandbox: GreenhouseSandbox, scope_name: str | None, handler: Handler
) -> Endpoint:
    """Wraps a handler in the v3 pipeline; `scope_name` None means any valid token may call."""

    async def endpoint(request: Request) -> Response:
        try:
            caller = authenticate_bearer(
                sandbox.state,
                request.headers.get("authorization"),
                all_expired=sandbox.injector.config.expire_tokens,
            )
        except HarvestError as error:
            # Unauthenticated calls still count, against their origin, and still get the headers.
            anonymous = f"anonymous:{request.client.host if request.client else 'unknown'}"
            return _with_headers(error.response(), sandbox.api_limiter.hit(anonymous))
        request.scope[CREDENTIAL_SCOPE_KEY] = caller.client_id
        decision = sandbox.api_limiter.hit(caller.client_id)
        if not decision.allowed:
            return too_many_requests(decision, decision.retry_after_seconds)
        try:
            if scope_name is not None:
                require_scope(caller, scope_name)
            response = await handler(HarvestCall(request, caller, sandbox))
        except HarvestError as error:
            response = error.response()
        return _with_headers(response, decision)

    return endpoint


def _with_headers(response: Response, decision: RateDecision) -> Response:
    response.headers.update(rate_limit_headers(decision))
    return response


def list_handler(spec: ListSpec) -> Handler:
    """A bare-array list endpoint with v3 filters and cursor pagination."""

    async def handle(call: HarvestCall) -> Response:
        path = call.request.url.path
        query = parse_list_query(path, list(call.request.query_params.multi_items()), spec)
        # Every v3 read requires the acting user to be a Site Admin; others see nothing.
        records = call.sandbox.state.all(spec.collection) if call.acting_user_is_site_admin else []
        page = select_page(path, query, spec, records)
        headers = {}
        if page.next_cursor is not None:
            base_url = f"{call.request.url.scheme}://{call.request.url.netloc}"
            headers["Link"] = next_link(base_url, path, page.next_cursor)
        return JSONResponse(page.records, headers=headers)

    return handle
