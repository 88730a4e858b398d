"""The REST API under /api/v1: one router per domain, token auth on every route."""

from __future__ import annotations

from fastapi import APIRouter

from openpin.ats.endpoints import jobs_router as ats_rules_router
from openpin.ats.endpoints import router as ats_router
from openpin.auth.endpoints import router as users_router
from openpin.candidate.endpoints import router as candidates_router
from openpin.inbox.endpoints import router as inbox_router
from openpin.job.endpoints import router as jobs_router
from openpin.sequence.endpoints import router as outreach_router
from openpin.sourcing.endpoints import router as sourcing_router

API_PREFIX = "/api/v1"


def build_api_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX)
    router.include_router(users_router)
    router.include_router(candidates_router)
    router.include_router(jobs_router)
    router.include_router(sourcing_router)
    router.include_router(ats_router)
    router.include_router(ats_rules_router)
    router.include_router(inbox_router)
    router.include_router(outreach_router)
    return router
