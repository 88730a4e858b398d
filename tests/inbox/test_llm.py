"""Classification by an OpenAI-compatible model, served by a small HTTP server on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient

from openpin.db import transaction
from openpin.kit.crypto import SecretBox
from openpin.models.ai import AiSettings
from tests.fixtures.database import both_backends
from tests.inbox.conftest import CANDIDATE_EMAIL, MAILBOX_ADDRESS, SentOutreach, count_events
from tests.inbox.mail import reply_email


@dataclass
class ChatServer:
    """Answers POST /v1/chat/completions with `answer` (or fails with `status`)."""

    answer: str = "interested"
    status: int = 200
    requests: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"


def _handler(state: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length))
            state.requests.append(
                {"path": self.path, "auth": self.headers["Authorization"], **body}
            )
            if state.status != 200:
                payload: dict[str, Any] = {"error": {"message": "model overloaded"}}
            else:
                message = {"role": "assistant", "content": state.answer}
                payload = {
                    "id": "chatcmpl-1",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body["model"],
                    "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                }
            data = json.dumps(payload).encode()
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    state = ChatServer()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def with_llm(sent: SentOutreach, chat_server: ChatServer, secrets: SecretBox) -> ChatServer:
    with transaction(sent.factory) as session:
        session.add(
            AiSettings(
                workspace_id=sent.workspace_id,
                base_url=chat_server.base_url,
                model="reply-labeller",
                api_key_encrypted=secrets.encrypt("sk-test-key"),
            )
        )
    return chat_server


def ingest(client: TestClient, sent: SentOutreach, body: str) -> dict[str, Any]:
    raw = reply_email(
        from_addr=CANDIDATE_EMAIL,
        to_addr=MAILBOX_ADDRESS,
        body=body,
        in_reply_to=sent.sent_message_id,
    )
    headers = {**sent.outreach.user.headers, "Content-Type": "message/rfc822"}
    response = client.post("/api/v1/inbound-email", content=raw, headers=headers)
    assert response.status_code == 201, response.text
    reply: dict[str, Any] = response.json()["reply"]
    return reply


def reply_now(client: TestClient, sent: SentOutreach, reply_id: int) -> dict[str, Any]:
    response = client.get(f"/api/v1/replies/{reply_id}", headers=sent.outreach.user.headers)
    body: dict[str, Any] = response.json()
    return body


@both_backends
def test_the_llm_label_is_final_and_the_interested_event_waits_for_it(
    client: TestClient, sent: SentOutreach, with_llm: ChatServer, drain: Callable[..., None]
) -> None:
    with_llm.answer = "interested"
    reply = ingest(client, sent, "Not sure yet... what would the role involve day to day?")
    assert reply["awaiting_llm"] is True
    assert count_events(sent.factory, "candidate.replied") == 1  # a reply, whatever its label
    assert count_events(sent.factory, "candidate.replied_interested") == 0
    drain()
    final = reply_now(client, sent, reply["id"])
    assert final["label"] == "interested" and final["label_source"] == "llm"
    assert final["awaiting_llm"] is False
    assert count_events(sent.factory, "candidate.replied_interested") == 1
    [request] = with_llm.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer sk-test-key"
    assert request["model"] == "reply-labeller"
    assert "what would the role involve" in request["messages"][-1]["content"]


@pytest.mark.parametrize(
    ("answer", "status"), [("Sure! I think this is a positive reply.", 200), ("", 500)]
)
def test_a_bad_answer_or_a_failure_falls_back_to_the_offline_label(
    client: TestClient,
    sent: SentOutreach,
    with_llm: ChatServer,
    drain: Callable[..., None],
    answer: str,
    status: int,
) -> None:
    with_llm.answer, with_llm.status = answer, status
    reply = ingest(client, sent, "Yes, I'd love to chat. Are you free on Thursday afternoon?")
    assert reply["label"] == "interested" and reply["awaiting_llm"] is True
    drain()
    final = reply_now(client, sent, reply["id"])
    assert final["label"] == "interested" and final["label_source"] == "model"
    assert final["awaiting_llm"] is False
    assert count_events(sent.factory, "candidate.replied_interested") == 1


def test_a_recruiters_label_is_never_overwritten_by_the_llm(
    client: TestClient, sent: SentOutreach, with_llm: ChatServer, drain: Callable[..., None]
) -> None:
    with_llm.answer = "not_interested"
    reply = ingest(client, sent, "Could be a fit, what's the salary?")
    client.patch(
        f"/api/v1/replies/{reply['id']}",
        json={"label": "interested"},
        headers=sent.outreach.user.headers,
    )
    drain()
    final = reply_now(client, sent, reply["id"])
    assert final["label"] == "interested" and final["label_source"] == "person"
    assert with_llm.requests == []  # nothing left to ask
