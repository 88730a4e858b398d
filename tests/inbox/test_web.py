"""Inbox pages through the app (no browser): list, filters, a reply, relabel form, isolation."""

from __future__ import annotations

from fastapi.testclient import TestClient

from openpin.db import transaction
from openpin.inbox.service import InboxService
from tests.fixtures.app import ApiUser
from tests.inbox.conftest import CANDIDATE_EMAIL, MAILBOX_ADDRESS, SentOutreach, count_events
from tests.inbox.mail import reply_email
from tests.web.conftest import web_login


def _reply(sent: SentOutreach, body: str) -> int:
    raw = reply_email(
        from_addr=CANDIDATE_EMAIL,
        to_addr=MAILBOX_ADDRESS,
        body=body,
        in_reply_to=sent.sent_message_id,
    )
    with transaction(sent.factory) as session:
        outcome = InboxService(session, sent.workspace_id).ingest(raw)
        assert outcome.reply is not None
        return outcome.reply.id


def test_inbox_lists_filters_opens_and_relabels(client: TestClient, sent: SentOutreach) -> None:
    reply_id = _reply(sent, "Not right now, but ping me again in Q3 please.")
    csrf = web_login(client, sent.outreach.user)
    page = client.get("/inbox")
    assert page.status_code == 200
    assert "Ada Lovelace" in page.text and "Not now" in page.text and "1 unread" in page.text
    assert "Ada Lovelace" not in client.get("/inbox?label=interested").text
    assert "No replies have this label" in client.get("/inbox?label=referral").text
    detail = client.get(f"/inbox/{reply_id}")
    assert "You sent step 1" in detail.text and "ping me again in Q3" in detail.text
    assert "1 unread" not in client.get("/inbox").text  # opening it marked it read
    saved = client.post(
        f"/inbox/{reply_id}/label",
        data={"label": "interested", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert count_events(sent.factory, "candidate.replied_interested") == 1
    fragment = client.post(
        f"/inbox/{reply_id}/label",
        data={"label": "interested", "csrf_token": csrf},
        headers={"HX-Request": "true"},
    )
    assert "Saved." in fragment.text and 'id="label-panel"' in fragment.text
    assert count_events(sent.factory, "candidate.replied_interested") == 1
    no_csrf = client.post(f"/inbox/{reply_id}/label", data={"label": "question"})
    assert no_csrf.status_code == 403
    replies = client.get(f"/candidates/{sent.candidate_id}/replies")
    assert "Interested" in replies.text and f'href="/inbox/{reply_id}"' in replies.text


def test_empty_inbox_says_how_replies_arrive(client: TestClient, alice: ApiUser) -> None:
    web_login(client, alice)
    page = client.get("/inbox")
    assert "No replies yet" in page.text and "IMAP" in page.text


def test_another_workspace_cannot_open_a_reply(
    client: TestClient, sent: SentOutreach, bob: ApiUser
) -> None:
    reply_id = _reply(sent, "Sure, let's talk.")
    csrf = web_login(client, bob)
    assert client.get(f"/inbox/{reply_id}").status_code == 404
    denied = client.post(f"/inbox/{reply_id}/label", data={"label": "referral", "csrf_token": csrf})
    assert denied.status_code == 404
    assert client.get(f"/candidates/{sent.candidate_id}/replies").status_code == 404
    assert "Ada" not in client.get("/inbox").text
