"""Workspaces: the boundary of every piece of data."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from openpin.errors import ValidationFailed
from openpin.models import Workspace


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def get_or_create_workspace(session: Session, name: str) -> Workspace:
    slug = slugify(name)
    if not slug:
        raise ValidationFailed(
            "The workspace name needs at least one letter or digit.", field="workspace"
        )
    workspace = session.scalar(select(Workspace).where(Workspace.slug == slug))
    if workspace is None:
        workspace = Workspace(name=name.strip(), slug=slug)
        session.add(workspace)
        session.flush()
    return workspace
