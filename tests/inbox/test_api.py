"""The inbound-email webhook (raw MIME) and the replies API: matching, labels, corrections."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from openpin.models.sequence import EnrollmentStatus, StopReason
from tests.fixtures.app import ApiUser
from tests.fixtures.database import both_backends
from tests.inbox.conftest import (
    CANDIDATE_EMAIL,
    MAILBOX_ADDRESS,
    SentOutreach,
    count_events,
    enrollment,
)
from tests.inbox.mail import dsn_bounce, out_of_office, reply_email

RFC822 = {"Content-Type": "message/rfc822"}


@pytest.fixture
def rita(sent: SentOutreach) -> ApiUser:
    return sent.outreach.user


def post_raw(client: TestClient, user: ApiUser, raw: bytes, **extra_headers: str):  # type: ignore[no-untyped-def]
    headers = {**user.headers, **RFC822, **extra_headers}
    return client.post("/api/v1/inbound-email", content=raw, headers=headers)


@both_backends
def test_a_raw_reply_is_matched_by_headers_and_idempotent(
    client: TestClient, sent: SentOutreach, rita: ApiUser
) -> None:
    raw = reply_email(
        from_addr=CANDIDATE_EMAIL,
        to_addr=MAILBOX_ADDRESS,
        body="Thanks! What's the salary range, and is it remote?",
        in_reply_to=sent.sent_message_id,
    )
    first = post_raw(client, rita, raw)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["status"] == "ingested" and body["matched"] is True
    reply = body["reply"]
    assert reply["candidate_id"] == sent.candidate_id
    assert reply["matched_by"] == "headers"
    assert reply["mailbox_id"] == sent.outreach.mailbox_id  # found by the To address
    assert reply["label"] == "question"
    assert reply["text"] == "Thanks! What's the salary range, and is it remote?"
    again = post_raw(client, rita, raw)
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert again.json()["reply"]["id"] == reply["id"]
    assert count_events(sent.factory, "candidate.replied") == 1
    assert enrollment(sent.factory, sent.enrollment_id).stop_reason == StopReason.REPLIED


def test_multipart_upload_and_basic_auth_with_the_token_as_password(
    client: TestClient, sent: SentOutreach, rita: ApiUser
) -> None:
    raw = reply_email(from_addr=CANDIDATE_EMAIL, to_addr=MAILBOX_ADDRESS, body="Count me in!")
    basic = base64.b64encode(f"inbound:{rita.token}".encode()).decode()
    response = client.post(
        "/api/v1/inbound-email",
        files={"file": ("reply.eml", raw, "message/rfc822")},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["reply"]["matched_by"] == "sender"
    assert response.json()["reply"]["label"] == "interested"
    assert count_events(sent.factory, "candidate.replied_interested") == 1


def test_the_webhook_refuses_bad_tokens_and_non_emails(
    client: TestClient, sent: SentOutreach, rita: ApiUser
) -> None:
    raw = reply_email(from_addr=CANDIDATE_EMAIL, to_addr=MAILBOX_ADDRESS, body="Hi")
    denied = client.post(
        "/api/v1/inbound-email", content=raw, headers={**RFC822, "Authorization": "Bearer nope"}
    )
    assert denied.status_code == 401
    assert "API token" in denied.json()["message"]
    garbage = post_raw(client, rita, b"just some words, no headers at all")
    assert garbage.status_code == 422
    assert "not a raw email" in garbage.json()["message"]
    as_json = client.post("/api/v1/inbound-email", json={"x": 1}, headers=rita.headers)
    assert as_json.status_code == 422
    empty_form = client.post(
        "/api/v1/inbound-email", files={"other": ("a.txt", b"x")}, headers=rita.headers
    )
    assert empty_form.status_code == 422
    assert empty_form.json()["details"]["field"] == "file"


def test_unmatched_mail_is_kept_but_fires_nothing(
    client: TestClient, sent: SentOutreach, rita: ApiUser
) -> None:
    raw = reply_email(from_addr="stranger@nowhere.example", to_addr=MAILBOX_ADDRESS, body="Hello?")
    response = post_raw(client, rita, raw)
    assert response.status_code == 201
    assert response.json()["matched"] is False
    assert count_events(sent.factory, "candidate.replied") == 0
    assert enrollment(sent.factory, sent.enrollment_id).status == EnrollmentStatus.ACTIVE


def test_bounces_over_the_webhook_stop_the_sequence_and_cannot_be_relabelled(
    client: TestClient, sent: SentOutreach, rita: ApiUser
) -> None:
    raw = dsn_bounce(original=sent.sent_raw, recipient=CANDIDATE_EMAIL, to_addr=MAILBOX_ADDRESS)
    reply = post_raw(client, rita, raw).json()["reply"]
    assert reply["kind"] == "bounce"
    assert enrollment(sent.factory, sent.enrollment_id).stop_reason == StopReason.BOUNCED
    refused = client.patch(
        f"/api/v1/replies/{reply['id']}", json={"label": "interested"}, headers=rita.headers
    )
    assert refused.status_code == 422
    assert "bounce" in refused.json()["message"]


@both_backends
def test_a_correction_to_interested_fires_the_event_once_and_is_kept(
    client: TestClient, sent: SentOutreach, rita: ApiUser
) -> None:
    raw = reply_email(
        from_addr=CANDIDATE_EMAIL,
        to_addr=MAILBOX_ADDRESS,
        body="Not right now, maybe ping me again in the autumn.",
        in_reply_to=sent.sent_message_id,
    )
    reply = post_raw(client, rita, raw).json()["reply"]
    assert reply["label"] == "not_now"
    assert count_events(sent.factory, "candidate.replied_interested") == 0
    url = f"/api/v1/replies/{reply['id']}"
    for label in ("interested", "question", "interested"):
        response = client.patch(url, json={"label": label}, headers=rita.headers)
        assert response.status_code == 200, response.text
    assert count_events(sent.factory, "candidate.replied_interested") == 1
    detail = client.get(url, headers=rita.headers).json()
    assert detail["label"] == "interested" and detail["label_source"] == "person"
    history = [(c["old_label"], c["new_label"], c["source"]) for c in detail["label_history"]]
    assert history == [
        (None, "not_now", "model"),
        ("not_now", "interested", "person"),
        ("interested", "question", "person"),
        ("question", "interested", "person"),
    ]
    bad = client.patch(url, json={"label": "maybe"}, headers=rita.headers)
    assert bad.status_code == 422


def test_relabelling_an_auto_reply_makes_it_count_as_a_reply(
    client: TestClient, sent: SentOutreach, rita: ApiUser
) -> None:
    raw = out_of_office(
        from_addr=CANDIDATE_EMAIL, to_addr=MAILBOX_ADDRESS, in_reply_to=sent.sent_message_id
    )
    reply = post_raw(client, rita, raw).json()["reply"]
    assert reply["kind"] == "auto_reply"
    assert count_events(sent.factory, "candidate.replied") == 0
    patched = client.patch(
        f"/api/v1/replies/{reply['id']}", json={"label": "interested"}, headers=rita.headers
    ).json()
    assert patched["kind"] == "reply"
    assert count_events(sent.factory, "candidate.replied") == 1
    assert count_events(sent.factory, "candidate.replied_interested") == 1
    assert enrollment(sent.factory, sent.enrollment_id).stop_reason == StopReason.REPLIED


def test_an_unsubscribe_reply_suppresses_the_address(
    client: TestClient, sent: SentOutreach, rita: ApiUser
) -> None:
    raw = reply_email(
        from_addr=CANDIDATE_EMAIL,
        to_addr=MAILBOX_ADDRESS,
        body="Please remove me from your list.",
        in_reply_to=sent.sent_message_id,
    )
    reply = post_raw(client, rita, raw).json()["reply"]
    assert reply["label"] == "unsubscribe"
    assert count_events(sent.factory, "email.unsubscribed") == 1


def test_list_filters_unread_first_and_labels(
    client: TestClient, sent: SentOutreach, rita: ApiUser
) -> None:
    texts = ["Yes, keen to talk!", "No thanks, happy where I am.", "What's the salary?"]
    ids = []
    for text in texts:
        raw = reply_email(from_addr=CANDIDATE_EMAIL, to_addr=MAILBOX_ADDRESS, body=text)
        ids.append(post_raw(client, rita, raw).json()["reply"]["id"])
    client.patch(f"/api/v1/replies/{ids[2]}", json={"read": True}, headers=rita.headers)
    listed = client.get("/api/v1/replies?limit=2", headers=rita.headers).json()
    assert listed["total"] == 3
    assert [item["id"] for item in listed["items"]] == [ids[1], ids[0]]  # unread, newest first
    rest = client.get(
        f"/api/v1/replies?limit=2&cursor={listed['next_cursor']}", headers=rita.headers
    ).json()
    assert [item["id"] for item in rest["items"]] == [ids[2]] and rest["next_cursor"] is None
    interested = client.get("/api/v1/replies?label=interested", headers=rita.headers).json()
    assert [item["id"] for item in interested["items"]] == [ids[0]]
    labels = {
        row["label"]: row["count"]
        for row in client.get("/api/v1/replies/labels", headers=rita.headers).json()
    }
    assert labels["interested"] == 1 and labels["not_interested"] == 1 and labels["referral"] == 0


def test_other_workspaces_see_nothing(
    client: TestClient, sent: SentOutreach, rita: ApiUser, bob: ApiUser
) -> None:
    raw = reply_email(from_addr=CANDIDATE_EMAIL, to_addr=MAILBOX_ADDRESS, body="Sure, let's talk")
    reply_id = post_raw(client, rita, raw).json()["reply"]["id"]
    assert client.get(f"/api/v1/replies/{reply_id}", headers=bob.headers).status_code == 404
    patched = client.patch(
        f"/api/v1/replies/{reply_id}", json={"label": "referral"}, headers=bob.headers
    )
    assert patched.status_code == 404
    assert client.get("/api/v1/replies", headers=bob.headers).json()["items"] == []
    # The same message sent to Bob's workspace is Bob's own record, unmatched there.
    mine = post_raw(client, bob, raw).json()
    assert mine["status"] == "ingested" and mine["matched"] is False
