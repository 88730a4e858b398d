"""Who am I, and the workspace's users (admins add them)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from openpin.auth.dependencies import AdminDep, PrincipalDep, SessionDep
from openpin.auth.service import create_user
from openpin.models import Role, User, Workspace

router = APIRouter(tags=["users"])


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    full_name: str
    role: Role
    created_at: datetime


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str
    password: str = Field(min_length=8)
    full_name: str = ""
    role: Role = Role.RECRUITER


class Me(UserOut):
    workspace_id: int
    workspace_name: str


@router.get("/me", response_model=Me)
def me(session: SessionDep, principal: PrincipalDep) -> Me:
    user = session.get(User, principal.user_id)
    workspace = session.get(Workspace, principal.workspace_id)
    assert user is not None and workspace is not None  # the token resolved to them
    return Me(
        **UserOut.model_validate(user).model_dump(),
        workspace_id=workspace.id,
        workspace_name=workspace.name,
    )


@router.get("/users", response_model=list[UserOut])
def list_users(session: SessionDep, principal: PrincipalDep) -> list[User]:
    query = select(User).where(User.workspace_id == principal.workspace_id).order_by(User.id)
    return list(session.scalars(query))


@router.post("/users", response_model=UserOut, status_code=201)
def add_user(body: UserCreate, session: SessionDep, admin: AdminDep) -> User:
    workspace = session.get(Workspace, admin.workspace_id)
    assert workspace is not None
    return create_user(
        session,
        email=body.email,
        password=body.password,
        workspace_name=workspace.name,
        role=body.role,
        full_name=body.full_name,
    )
