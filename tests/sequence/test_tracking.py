"""Open and click tracking: off by default; when on, an HTML part with a pixel and signed links."""

from __future__ import annotations

import re
from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from openpin.db import transaction
from openpin.kit.crypto import SecretBox
from openpin.models import ActivityEvent
from openpin.models.sequence import Message
from openpin.sequence import schemas
from openpin.sequence.tracking import PIXEL_GIF
from openpin.sequence.unsubscribe import unsubscribe_url
from tests.fixtures.app import ApiUser
from tests.fixtures.database import both_backends
from tests.fixtures.smtp import SmtpServer
from tests.sequence.conftest import BASE_URL, MONDAY_10, SECRET, Outreach, events, make_outreach

LINK_STEP = [
    schemas.StepIn(
        subject="{{ job_title }} at {{ hiring_company }}",
        body=(
            "Hi {{ first_name }} & co,\n\nThe role: https://jobs.acme.example/data?ref=mail.\n"
            "Book a slot (https://cal.example/rita) <any time>.\n\n{{ recruiter_name }}"
        ),
    )
]


def _send_one(outreach: Outreach, smtp_server: SmtpServer) -> tuple[EmailMessage, int]:
    outreach.enroll(outreach.candidate())
    assert outreach.sender().run_pass(MONDAY_10).sent == 1
    [received] = smtp_server.received
    with transaction(outreach.factory) as session:
        message_id = session.scalars(select(Message.id)).one()
    return received.message, message_id


def _parts(email: EmailMessage) -> tuple[str, str | None]:
    text = email.get_body(("plain",))
    html = email.get_body(("html",))
    assert text is not None
    plain = text.get_content().replace("\r\n", "\n")
    return plain, html.get_content() if html is not None else None


def _tracked(
    session_factory: sessionmaker[Session], smtp_server: SmtpServer, user: ApiUser | None = None
) -> tuple[Outreach, EmailMessage, int]:
    outreach = make_outreach(
        session_factory,
        SecretBox(SECRET),
        smtp_server,
        user=user,
        steps=LINK_STEP,
        track_opens=True,
        track_clicks=True,
    )
    email, message_id = _send_one(outreach, smtp_server)
    return outreach, email, message_id


@both_backends
def test_tracking_is_off_by_default_and_then_the_email_is_plain_text_only(
    session_factory: sessionmaker[Session], smtp_server: SmtpServer
) -> None:
    outreach = make_outreach(session_factory, SecretBox(SECRET), smtp_server, steps=LINK_STEP)
    email, _ = _send_one(outreach, smtp_server)
    assert email.get_content_type() == "text/plain"
    raw = email.as_string()
    assert "/t/o/" not in raw and "/t/c/" not in raw
    assert "https://jobs.acme.example/data?ref=mail." in email.get_content()


@both_backends
def test_tracking_adds_an_html_part_and_leaves_text_and_unsubscribe_alone(
    session_factory: sessionmaker[Session], smtp_server: SmtpServer
) -> None:
    outreach, email, message_id = _tracked(session_factory, smtp_server)
    unsubscribe = unsubscribe_url(BASE_URL, outreach.secrets, message_id)
    assert email.get_content_type() == "multipart/alternative"
    assert email["List-Unsubscribe"] == (
        f"<{unsubscribe}>, <mailto:rita@acme.example?subject=unsubscribe>"
    )
    text, html = _parts(email)
    assert html is not None
    assert text.startswith("Hi Ada & co,\n\nThe role: https://jobs.acme.example/data?ref=mail.\n")
    assert "/t/" not in text and f"{unsubscribe}\n" in text
    # Escaped, paragraphs and line breaks kept.
    assert "<p>Hi Ada &amp; co,</p>" in html and "&lt;any time&gt;" in html and "<br>" in html
    assert f'<img src="{BASE_URL}/t/o/' in html and '.gif" width="1" height="1"' in html
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert len(hrefs) == 3
    role, slot, unsubscribe_link = (h.replace("&amp;", "&") for h in hrefs)
    assert role.startswith(f"{BASE_URL}/t/c/{message_id}.")
    assert parse_qs(urlsplit(role).query)["u"] == ["https://jobs.acme.example/data?ref=mail"]
    assert parse_qs(urlsplit(slot).query)["u"] == ["https://cal.example/rita"]
    assert unsubscribe_link == unsubscribe  # never rewritten


@both_backends
def test_the_pixel_records_one_open_per_message(
    client: TestClient, session_factory: sessionmaker[Session], smtp_server: SmtpServer
) -> None:
    _, email, _ = _tracked(session_factory, smtp_server)
    _, html = _parts(email)
    assert html is not None
    [pixel] = re.findall(rf'src="{BASE_URL}(/t/o/[^"]+\.gif)"', html)
    first = client.get(pixel)
    assert first.status_code == 200
    assert first.headers["content-type"] == "image/gif" and first.content == PIXEL_GIF
    assert "no-store" in first.headers["cache-control"]
    assert client.get(pixel).status_code == 200  # a second open is answered, not recorded
    assert events(session_factory, "message.opened") == 1
    with transaction(session_factory) as session:
        event = session.scalars(
            select(ActivityEvent).where(ActivityEvent.type == "message.opened")
        ).one()
        assert event.candidate_id is not None and event.job_id is not None


@both_backends
def test_a_click_redirects_to_the_original_url_and_is_recorded(
    client: TestClient, session_factory: sessionmaker[Session], smtp_server: SmtpServer
) -> None:
    _, email, message_id = _tracked(session_factory, smtp_server)
    _, html = _parts(email)
    assert html is not None
    link = re.findall(r'href="([^"]+)"', html)[0].replace("&amp;", "&").removeprefix(BASE_URL)
    answer = client.get(link, follow_redirects=False)
    assert answer.status_code == 302
    assert answer.headers["location"] == "https://jobs.acme.example/data?ref=mail"
    assert events(session_factory, "message.clicked") == 1
    with transaction(session_factory) as session:
        event = session.scalars(
            select(ActivityEvent).where(ActivityEvent.type == "message.clicked")
        ).one()
        assert event.data["url"] == "https://jobs.acme.example/data?ref=mail"
        assert event.data["message_id"] == message_id


@both_backends
def test_tampered_tokens_get_404_and_record_nothing(
    client: TestClient, session_factory: sessionmaker[Session], smtp_server: SmtpServer
) -> None:
    _, email, message_id = _tracked(session_factory, smtp_server)
    _, html = _parts(email)
    assert html is not None
    link = re.findall(r'href="([^"]+)"', html)[0].replace("&amp;", "&").removeprefix(BASE_URL)
    path, _, _ = link.partition("?")
    token = path.rsplit("/", 1)[1]
    other_id = f"{message_id + 1}.{token.partition('.')[2]}"
    tampered = [
        f"{path}?u=https%3A%2F%2Fevil.example%2F",  # the right token, another URL
        f"/t/c/{other_id}?u=https%3A%2F%2Fjobs.acme.example%2Fdata%3Fref%3Dmail",
        f"/t/c/{token}x?u=https%3A%2F%2Fjobs.acme.example%2Fdata%3Fref%3Dmail",
        f"{path}",  # no URL at all
        "/t/c/not-a-token?u=https%3A%2F%2Fevil.example%2F",
    ]
    for url in tampered:
        answer = client.get(url, follow_redirects=False)
        assert answer.status_code == 404, url
        assert "location" not in answer.headers
        assert "not valid" in answer.text
    assert client.get("/t/o/not-a-token.gif").status_code == 404
    assert events(session_factory, "message.clicked") == 0
    assert events(session_factory, "message.opened") == 0
