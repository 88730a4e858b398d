"""Workspace-scoped repository base: every query starts from a filter on the workspace."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from openpin.errors import NotFound

ModelT = TypeVar("ModelT")


class WorkspaceRepository(Generic[ModelT]):
    model: type[ModelT]
    # Words for the not-found message, e.g. "candidate".
    noun: str = "record"

    def __init__(self, session: Session, workspace_id: int) -> None:
        self.session = session
        self.workspace_id = workspace_id

    def base_query(self) -> Select[ModelT]:
        column: Any = self.model.workspace_id  # type: ignore[attr-defined]
        return select(self.model).where(column == self.workspace_id)

    def get(self, record_id: int, *options: Any) -> ModelT:
        column: Any = self.model.id  # type: ignore[attr-defined]
        query = self.base_query().where(column == record_id).options(*options)
        record = self.session.scalars(query).one_or_none()
        if record is None:
            raise NotFound(
                f"No {self.noun} with id {record_id} in this workspace.",
                f"Check the id, or list {self.noun}s to find it.",
            )
        return record

    def user_in_workspace(self, user_id: int) -> bool:
        """Whether a user id (an owner, say) belongs to this workspace."""
        from openpin.models import User

        query = select(User.id).where(User.id == user_id, User.workspace_id == self.workspace_id)
        return self.session.scalar(query) is not None

    def add(self, record: ModelT) -> ModelT:
        self.session.add(record)
        self.session.flush()
        return record

    def delete(self, record: ModelT) -> None:
        self.session.delete(record)
        self.session.flush()
