from __future__ import annotations

from openpin.kit.repository import WorkspaceRepository
from openpin.models import Job


class JobRepository(WorkspaceRepository[Job]):
    model = Job
    noun = "job"

    def page(self, status: str | None, after_id: int | None, limit: int) -> list[Job]:
        query = self.base_query()
        if status:
            query = query.where(Job.status == status)
        if after_id is not None:
            query = query.where(Job.id < after_id)
        return list(self.session.scalars(query.order_by(Job.id.desc()).limit(limit + 1)))
