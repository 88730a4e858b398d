"""The REST API under /api/v1: one router per domain, token auth on every route."""

from __future__ import annotations

from fastapi import APIRouter

from openpin.auth.endpoints import router as users_router
from openpin.candidate.endpoints import router as candidates_router
from openpin.job.endpoints import router as jobs_router

API_PREFIX = "/api/v1"


def build_api_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX)
    router.include_router(users_router)
    router.include_router(candidates_router)
    router.include_router(jobs_router)
    return router
