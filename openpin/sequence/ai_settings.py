"""The workspace's LLM settings: base URL, model and key (encrypted, shown masked)."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.orm import Session

from openpin.activity.service import record_event
from openpin.errors import ValidationFailed
from openpin.integrations.llm.client import ai_settings_for_workspace
from openpin.kit.crypto import SecretBox, mask_secret
from openpin.models.ai import AiSettings
from openpin.sequence.schemas import AiSettingsIn


class AiSettingsOut(BaseModel):
    configured: bool
    enabled: bool
    base_url: str
    model: str
    api_key: str  # masked; empty when none is saved


def _out(row: AiSettings | None, secrets: SecretBox) -> AiSettingsOut:
    if row is None:
        return AiSettingsOut(configured=False, enabled=False, base_url="", model="", api_key="")
    key = mask_secret(secrets.decrypt(row.api_key_encrypted)) if row.api_key_encrypted else ""
    return AiSettingsOut(
        configured=True, enabled=row.enabled, base_url=row.base_url, model=row.model, api_key=key
    )


def get_ai_settings(session: Session, workspace_id: int, secrets: SecretBox) -> AiSettingsOut:
    return _out(ai_settings_for_workspace(session, workspace_id), secrets)


def _check_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ValidationFailed(
            "base_url: it must start with http:// or https://.",
            "For example https://api.openai.com/v1 or http://127.0.0.1:8080/v1.",
            field="base_url",
        )
    return url


def save_ai_settings(
    session: Session,
    workspace_id: int,
    data: AiSettingsIn,
    secrets: SecretBox,
    actor_user_id: int | None = None,
) -> AiSettingsOut:
    row = ai_settings_for_workspace(session, workspace_id)
    if row is None:
        row = AiSettings(workspace_id=workspace_id, api_key_encrypted="")
        session.add(row)
    row.enabled = data.enabled
    row.base_url = _check_url(data.base_url)
    row.model = data.model.strip()
    if data.api_key:  # left out or empty: keep the saved key
        row.api_key_encrypted = secrets.encrypt(data.api_key.strip())
    row.updated_by_user_id = actor_user_id
    session.flush()
    record_event(
        session,
        workspace_id,
        "settings.ai_updated",
        actor_user_id=actor_user_id,
        data={"base_url": row.base_url, "model": row.model, "enabled": row.enabled},
    )
    return _out(row, secrets)
