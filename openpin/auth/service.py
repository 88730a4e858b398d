"""Users, passwords and API tokens."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from openpin.auth.passwords import MIN_PASSWORD_LENGTH, hash_password, needs_rehash, verify_password
from openpin.errors import Conflict, NotFound, ValidationFailed
from openpin.kit.crypto import new_token, token_digest
from openpin.kit.normalise import NormalisationError, normalise_email
from openpin.models import ApiToken, Role, User
from openpin.models.base import utcnow
from openpin.workspace.service import get_or_create_workspace

# Verifying against a real hash when the email is unknown keeps response times alike,
# so login timing does not reveal which addresses have accounts.
_DUMMY_HASH = hash_password("timing-equaliser-not-a-password")


@dataclass(frozen=True)
class Principal:
    """Who is making a request, and in which workspace."""

    user_id: int
    workspace_id: int
    role: Role
    email: str

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def principal_of(user: User) -> Principal:
    return Principal(user.id, user.workspace_id, user.role, user.email)


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    workspace_name: str,
    role: Role = Role.RECRUITER,
    full_name: str = "",
) -> User:
    try:
        address = normalise_email(email)
    except NormalisationError as exc:
        raise ValidationFailed(str(exc), field="email") from exc
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters.", field="password"
        )
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        raise Conflict(f"A user with the email {address} already exists.", "Log in instead.")
    workspace = get_or_create_workspace(session, workspace_name)
    user = User(
        workspace_id=workspace.id,
        email=address,
        full_name=full_name,
        password_hash=hash_password(password),
        role=role,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def get_user(session: Session, user_id: int) -> User | None:
    user = session.get(User, user_id)
    return user if user is not None and user.is_active else None


def find_user_by_email(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"No user with the email {email}.", "Create one with `openpin user create`.")
    return user


def create_api_token(session: Session, user: User, name: str = "") -> str:
    """Store a digest of a new token and return the token itself, which is shown only once."""
    token = new_token()
    session.add(
        ApiToken(
            workspace_id=user.workspace_id,
            user_id=user.id,
            name=name,
            token_hash=token_digest(token),
            prefix=token[:10],
        )
    )
    session.flush()
    return token


def resolve_api_token(session: Session, token: str) -> Principal | None:
    row = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == token_digest(token))
    ).one_or_none()
    if row is None:
        return None
    api_token, user = row
    if api_token.revoked_at is not None or not user.is_active:
        return None
    return principal_of(user)


def list_workspace_users(session: Session, workspace_id: int) -> list[User]:
    query = select(User).where(User.workspace_id == workspace_id).order_by(User.id)
    return list(session.scalars(query))


def list_api_tokens(session: Session, user_id: int) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
    return list(session.scalars(query))


def revoke_api_token(session: Session, user_id: int, token_id: int) -> ApiToken:
    token = session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id)
    )
    if token is None:
        raise NotFound("No such API token.", "Reload the page: it may have been revoked already.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token
