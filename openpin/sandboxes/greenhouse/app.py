"""The Greenhouse Harvest v3 sandbox as an ASGI app: `create_app(GreenhouseSandboxConfig(...))`."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Scope

from openpin.sandboxes.common import FaultMiddleware, FaultResponder, RateDecision
from openpin.sandboxes.greenhouse import reads, writes
from openpin.sandboxes.greenhouse.admin import admin_routes
from openpin.sandboxes.greenhouse.config import GreenhouseSandboxConfig
from openpin.sandboxes.greenhouse.errors import not_found
from openpin.sandboxes.greenhouse.http import (
    Handler,
    HarvestCall,
    credential_of,
    harvest_endpoint,
    list_handler,
    rate_limit_headers,
)
from openpin.sandboxes.greenhouse.querying import ListSpec
from openpin.sandboxes.greenhouse.sandbox import GreenhouseSandbox
from openpin.sandboxes.greenhouse.token import token_endpoint


class GreenhouseApp(Starlette):
    """The Starlette app, with its sandbox at hand for in-process inspection in tests."""

    sandbox: GreenhouseSandbox


def create_app(config: GreenhouseSandboxConfig) -> GreenhouseApp:
    sandbox = GreenhouseSandbox(config)
    app = GreenhouseApp(routes=[*admin_routes(sandbox), *_vendor_routes(sandbox)])
    app.sandbox = sandbox
    app.add_middleware(
        FaultMiddleware,
        injector=sandbox.injector,
        request_log=sandbox.request_log,
        credential_of=credential_of,
        fault_response=_fault_response(sandbox),
    )
    return app


def _vendor_routes(sandbox: GreenhouseSandbox) -> list[Route]:
    def v3(path: str, scope: str | None, handler: Handler, method: str = "GET") -> Route:
        return Route(f"/v3/{path}", harvest_endpoint(sandbox, scope, handler), methods=[method])

    def listing(path: str, spec: ListSpec) -> Route:
        return v3(path, f"harvest:{path}:list", list_handler(spec))

    return [
        Route("/token", token_endpoint(sandbox), methods=["POST"]),
        listing("users", reads.users_spec()),
        listing("jobs", reads.jobs_spec()),
        listing("departments", reads.simple_spec("departments")),
        listing("offices", reads.simple_spec("offices")),
        listing("job_interview_stages", reads.job_stages_spec()),
        listing("sources", reads.simple_spec("sources")),
        listing("custom_field_options", reads.custom_field_options_spec()),
        listing("candidates", reads.candidates_spec(sandbox)),
        listing("applications", reads.applications_spec()),
        listing("attachments", reads.attachments_spec()),
        listing("notes", reads.candidate_children_spec("notes")),
        listing("candidate_educations", reads.candidate_children_spec("candidate_educations")),
        listing("candidate_employments", reads.candidate_children_spec("candidate_employments")),
        v3("candidates", "harvest:candidates:create", writes.create_candidate, "POST"),
        v3(
            "candidates/{candidate_id:int}",
            "harvest:candidates:update",
            writes.update_candidate,
            "PATCH",
        ),
        v3(
            "candidates/{candidate_id:int}/merge",
            "harvest:candidates:merge",
            writes.merge_candidates,
            "POST",
        ),
        v3("applications", "harvest:applications:create", writes.create_application, "POST"),
        v3("attachments", "harvest:attachments:create", writes.create_attachment, "POST"),
        v3("notes", "harvest:notes:create", writes.create_note, "POST"),
        v3(
            "candidate_educations",
            "harvest:candidate_educations:create",
            writes.create_education,
            "POST",
        ),
        v3(
            "candidate_employments",
            "harvest:candidate_employments:create",
            writes.create_employment,
            "POST",
        ),
        *_unknown_v3_routes(sandbox),
    ]


def _unknown_v3_routes(sandbox: GreenhouseSandbox) -> list[Route]:
    """Any other /v3 path or method: 404 `Resource not found`, after auth and rate limiting."""

    async def missing(call: HarvestCall) -> Response:
        raise not_found()

    endpoint = harvest_endpoint(sandbox, None, missing)
    methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    return [Route("/v3/{rest:path}", endpoint, methods=methods)]


def _fault_response(sandbox: GreenhouseSandbox) -> FaultResponder:
    def respond(status: int, scope: Scope, retry_after: int | None) -> Response:
        body = {"message": "Too Many Requests" if status == 429 else "Internal Server Error"}
        response = JSONResponse(body, status_code=status)
        if retry_after is not None:
            key = credential_of(scope) or "anonymous"
            decision: RateDecision = sandbox.api_limiter.peek(key)
            response.headers.update(rate_limit_headers(decision))
            response.headers["X-RateLimit-Remaining"] = "0"
            response.headers["Retry-After"] = str(retry_after)
        return response

    return respond
