"""The LLM client against an OpenAI-compatible server on loopback: answers and classified errors."""

from __future__ import annotations

import pytest

from openpin.integrations.errors import AuthError, RateLimited, RejectedError, TransientError
from openpin.integrations.llm.client import LlmClient, LlmConfig
from tests.fixtures.chat_server import ChatServer, chat_server
from tests.fixtures.smtp import free_port

__all__ = ["chat_server"]


def client_for(server: ChatServer, key: str = "sk-test-key") -> LlmClient:
    return LlmClient(
        LlmConfig(base_url=server.base_url, model="tiny-chat", api_key=key, timeout_seconds=5)
    )


def test_completion_sends_model_messages_and_key(chat_server: ChatServer) -> None:
    chat_server.reply("  Hello there.  ")
    text = client_for(chat_server).complete([{"role": "user", "content": "hi"}], max_tokens=20)
    assert text == "Hello there."
    [sent] = chat_server.requests
    assert sent["model"] == "tiny-chat" and sent["max_tokens"] == 20
    assert sent["messages"] == [{"role": "user", "content": "hi"}]
    assert chat_server.keys == ["Bearer sk-test-key"]


@pytest.mark.parametrize(
    ("status", "error", "words"),
    [
        (401, AuthError, "Incorrect API key provided"),
        (429, RateLimited, "Rate limit reached"),
        (500, TransientError, "The server had an error"),
        (404, RejectedError, "The model `tiny-chat` does not exist"),
    ],
)
def test_errors_are_classified_with_the_servers_words(
    chat_server: ChatServer, status: int, error: type[Exception], words: str
) -> None:
    chat_server.fail(status, words, retry_after=7)
    with pytest.raises(error) as caught:
        client_for(chat_server).complete([{"role": "user", "content": "hi"}], max_tokens=5)
    assert words in str(caught.value)
    assert "sk-test-key" not in str(caught.value)
    if isinstance(caught.value, RateLimited):
        assert caught.value.retry_after == 7


def test_unreachable_server_is_transient() -> None:
    config = LlmConfig(base_url=f"http://127.0.0.1:{free_port()}/v1", model="m", timeout_seconds=2)
    with pytest.raises(TransientError, match="could not be reached"):
        LlmClient(config).complete([{"role": "user", "content": "hi"}], max_tokens=5)
