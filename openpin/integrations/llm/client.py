"""A small client for any OpenAI-compatible chat-completions endpoint (via the `openai` package).

The base URL is configurable so local servers (llama.cpp, vLLM, Ollama's OpenAI API) work as well
as hosted ones. Every failure is classified here, once, into the integration error classes, with a
message a recruiter can act on; the key never appears in a message or a log line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import openai
from sqlalchemy import select
from sqlalchemy.orm import Session

from openpin.integrations.errors import (
    AuthError,
    IntegrationError,
    RateLimited,
    RejectedError,
    TransientError,
)
from openpin.kit.crypto import SecretBox
from openpin.models.ai import AiSettings

PROVIDER = "llm"
DEFAULT_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class LlmConfig:
    base_url: str
    model: str
    api_key: str = field(default="", repr=False)
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS


class LlmClient:
    """`complete(messages, max_tokens=...)` -> the assistant's text, or a classified error."""

    def __init__(self, config: LlmConfig) -> None:
        self.config = config
        # Retries are the caller's business (the task runner's backoff), not the library's.
        self._client = openai.OpenAI(
            base_url=config.base_url,
            # Local servers often need no key; the library insists on a non-empty one.
            api_key=config.api_key or "not-needed",
            timeout=config.timeout_seconds,
            max_retries=0,
        )

    @property
    def model(self) -> str:
        return self.config.model

    def complete(
        self, messages: list[dict[str, str]], *, max_tokens: int, temperature: float = 0.2
    ) -> str:
        try:
            response = self._client.chat.completions.create(
                model=self.config.model,
                messages=messages,  # type: ignore[arg-type]
                max_tokens=max_tokens,
                temperature=temperature,
            )
        except openai.OpenAIError as exc:
            raise classify_llm_error(exc, self.config.base_url) from exc
        if not response.choices or response.choices[0].message.content is None:
            raise TransientError(
                f"The language model at {self.config.base_url} returned no text.",
                provider=PROVIDER,
            )
        return response.choices[0].message.content.strip()


def _server_words(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        detail = body.get("error", body)
        if isinstance(detail, dict) and detail.get("message"):
            return str(detail["message"])
        if isinstance(detail, str):
            return detail
    return exc.message


def classify_llm_error(exc: openai.OpenAIError, base_url: str) -> IntegrationError:
    """One place that turns the library's exceptions into ours, worded for a recruiter."""
    where = f"The language model at {base_url}"
    if isinstance(exc, openai.APITimeoutError):
        return TransientError(f"{where} did not answer in time.", provider=PROVIDER)
    if isinstance(exc, openai.APIConnectionError):
        return TransientError(
            f"{where} could not be reached: check the base URL and that the server is running.",
            provider=PROVIDER,
        )
    if not isinstance(exc, openai.APIStatusError):
        return TransientError(f"{where} failed: {exc}", provider=PROVIDER)
    words = _server_words(exc)
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return AuthError(
            f"{where} refused the API key ({exc.status_code}: {words}). "
            "Enter a valid key in Settings → AI.",
            provider=PROVIDER,
        )
    if isinstance(exc, openai.RateLimitError):
        return RateLimited(
            f"{where} is rate limiting requests: {words}",
            retry_after=_retry_after(exc),
            provider=PROVIDER,
        )
    if exc.status_code >= 500:
        return TransientError(
            f"{where} failed ({exc.status_code}: {words}).",
            status_code=exc.status_code,
            provider=PROVIDER,
        )
    return RejectedError(
        f"{where} rejected the request ({exc.status_code}: {words}). "
        "Check the model name in Settings → AI.",
        status_code=exc.status_code,
        provider=PROVIDER,
    )


def _retry_after(exc: openai.APIStatusError) -> float:
    value = exc.response.headers.get("retry-after", "")
    try:
        return max(1.0, float(value))
    except ValueError:
        return 30.0


def ai_settings_for_workspace(session: Session, workspace_id: int) -> AiSettings | None:
    query = select(AiSettings).where(AiSettings.workspace_id == workspace_id)
    return session.scalars(query).one_or_none()


def llm_client_for_workspace(
    session: Session, workspace_id: int, secrets: SecretBox
) -> LlmClient | None:
    """The workspace's configured client, or None when no LLM is configured (or it is off)."""
    settings = ai_settings_for_workspace(session, workspace_id)
    if settings is None or not settings.enabled or not settings.base_url or not settings.model:
        return None
    key = secrets.decrypt(settings.api_key_encrypted) if settings.api_key_encrypted else ""
    return LlmClient(LlmConfig(base_url=settings.base_url, model=settings.model, api_key=key))
