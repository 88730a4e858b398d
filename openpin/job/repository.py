from __future__ import annotations

from sqlalchemy import select

from openpin.kit.repository import WorkspaceRepository
from openpin.models import Job, User


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

    def user_in_workspace(self, user_id: int) -> bool:
        query = select(User.id).where(User.id == user_id, User.workspace_id == self.workspace_id)
        return self.session.scalar(query) is not None
