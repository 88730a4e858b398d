"""Job openings: create, edit, list. Never commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from openpin.activity.service import record_event
from openpin.candidate.normalise import dedupe_keep_order
from openpin.errors import ValidationFailed
from openpin.job import schemas
from openpin.job.repository import JobRepository
from openpin.kit.pagination import Page, clamp_limit, decode_cursor, encode_cursor
from openpin.models import Job, JobStatus

LIST_FIELDS = ("locations", "must_have_skills", "nice_to_have_skills")


def _clean_list(values: list[str]) -> list[str]:
    return dedupe_keep_order([" ".join(v.split()) for v in values], key="casefold")


class JobService:
    def __init__(self, session: Session, workspace_id: int, actor_user_id: int | None = None):
        self.session = session
        self.workspace_id = workspace_id
        self.actor_user_id = actor_user_id
        self.repo = JobRepository(session, workspace_id)

    def _check_owner(self, owner_id: int | None) -> None:
        if owner_id is not None and not self.repo.user_in_workspace(owner_id):
            raise ValidationFailed(
                f"owner_id: no user with id {owner_id} in this workspace.", field="owner_id"
            )

    def _event(self, type_: str, job: Job, data: dict[str, Any] | None = None) -> None:
        record_event(
            self.session,
            self.workspace_id,
            type_,
            job_id=job.id,
            actor_user_id=self.actor_user_id,
            data={"title": job.title, **(data or {})},
        )

    def create(self, data: schemas.JobCreate) -> Job:
        self._check_owner(data.owner_id)
        values = data.model_dump()
        for name in LIST_FIELDS:
            values[name] = _clean_list(values[name])
        values["title"] = data.title.strip()
        if values["owner_id"] is None:
            values["owner_id"] = self.actor_user_id
        job = self.repo.add(Job(workspace_id=self.workspace_id, **values))
        self._event("job.created", job)
        return job

    def get(self, job_id: int) -> Job:
        return self.repo.get(job_id)

    def update(self, job_id: int, data: schemas.JobUpdate) -> Job:
        job = self.repo.get(job_id)
        changed = []
        for name in data.model_fields_set:
            value = getattr(data, name)
            if name == "owner_id":
                self._check_owner(value)
            elif value is None and name not in ("seniority",):
                continue
            if name in LIST_FIELDS:
                value = _clean_list(value)
            if getattr(job, name) != value:
                setattr(job, name, value)
                changed.append(name)
        self.session.flush()
        if changed:
            self._event("job.updated", job, {"fields": sorted(changed)})
        return job

    def delete(self, job_id: int) -> None:
        job = self.repo.get(job_id)
        self._event("job.deleted", job)
        self.repo.delete(job)

    def list(
        self, status: JobStatus | str | None = None, cursor: str | None = None, limit: int = 50
    ) -> Page[Job]:
        limit = clamp_limit(limit)
        after_id = decode_cursor(cursor).get("id") if cursor else None
        if after_id is not None and not isinstance(after_id, int):
            raise ValidationFailed("The cursor is not valid.", field="cursor")
        rows = self.repo.page(str(status) if status else None, after_id, limit)
        next_cursor = encode_cursor({"id": rows[limit - 1].id}) if len(rows) > limit else None
        return Page(items=rows[:limit], next_cursor=next_cursor)
