"""Outreach screens over the real app: builder errors, preview, enrolment, outbox, unsubscribe."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from openpin.db import transaction
from openpin.models.sequence import Enrollment, EnrollmentStatus, Mailbox, Message, Suppression
from openpin.sequence.unsubscribe import unsubscribe_token
from tests.fixtures.app import ApiUser
from tests.fixtures.smtp import SmtpServer
from tests.sequence.conftest import MONDAY_10, add_candidate, events, make_outreach, next_monday_10
from tests.web.conftest import web_login


def _builder_form(csrf: str, job_id: int, mailbox_id: int, body: str) -> dict[str, str]:
    return {
        "csrf_token": csrf,
        "name": "Backend first touch",
        "job_id": str(job_id),
        "mailbox_id": str(mailbox_id),
        "step_count": "2",
        "step-1-delay": "0",
        "step-1-subject": "{{ job_title }} role",
        "step-1-body": body,
        "step-2-delay": "2",
        "step-2-thread": "1",
        "step-2-subject": "",
        "step-2-body": "Bumping this, {{ first_name }}.",
    }


def test_builder_refuses_unknown_variables_then_saves_and_previews(
    client: TestClient,
    alice: ApiUser,
    session_factory: sessionmaker[Session],
    smtp_server: SmtpServer,
) -> None:
    from openpin.kit.crypto import SecretBox

    outreach = make_outreach(
        session_factory, SecretBox("test-secret-key-for-openpin-tests"), smtp_server, user=alice
    )
    csrf = web_login(client, alice)
    bad = _builder_form(csrf, outreach.job_id, outreach.mailbox_id, "Hi {{ frist_name }}")
    response = client.post("/sequences/new", data=bad)
    assert response.status_code == 422
    assert "unknown variable frist_name" in response.text
    assert "Hi {{ frist_name }}" in response.text  # nothing typed is lost
    good = _builder_form(
        csrf, outreach.job_id, outreach.mailbox_id, "Hi {{ first_name }}, {{ personal_line }}"
    )
    saved = client.post("/sequences/new", data=good, follow_redirects=False)
    assert saved.status_code == 303
    page = client.get(saved.headers["location"])
    assert "Backend first touch" in page.text
    candidate_id = outreach.candidate()
    preview = client.post(
        "/sequences/preview", data={**good, "preview_candidate_id": str(candidate_id)}
    )
    assert "Hi Ada, Your work as Senior Data Engineer at Engines Ltd" in preview.text
    assert "Re: Staff Data Engineer role" in preview.text


def test_enrol_from_the_list_edit_in_the_outbox_and_see_the_thread(
    client: TestClient,
    alice: ApiUser,
    session_factory: sessionmaker[Session],
    smtp_server: SmtpServer,
) -> None:
    from openpin.kit.crypto import SecretBox

    outreach = make_outreach(
        session_factory, SecretBox("test-secret-key-for-openpin-tests"), smtp_server, user=alice
    )
    ada = outreach.candidate()
    nomail = add_candidate(session_factory, alice, full_name="No Mail", emails=[])
    csrf = web_login(client, alice)
    listing = client.get("/candidates")
    assert 'form="bulk-enrol"' in listing.text
    choose = client.get(f"/sequences/enrol?candidate_ids={ada}&candidate_ids={nomail}")
    assert "Add 2 candidates to a sequence" in choose.text
    result = client.post(
        "/sequences/enrol",
        data={
            "csrf_token": csrf,
            "sequence_id": str(outreach.sequence_id),
            "candidate_ids": [str(ada), str(nomail)],
        },
    )
    assert "1 enrolled, 1 skipped" in result.text
    assert "No email address on the profile." in result.text
    outbox = client.get("/sequences/outbox")
    assert "Staff Data Engineer at Acme" in outbox.text
    with transaction(session_factory) as session:
        message_id = session.scalars(select(Message.id)).one()
    edit = client.post(
        f"/sequences/outbox/{message_id}",
        data={"csrf_token": csrf, "subject": "A quick question", "body": "Hi Ada, hand-written."},
        follow_redirects=False,
    )
    assert edit.status_code == 303
    outreach.sender().run_pass(next_monday_10())
    [received] = smtp_server.received
    assert received.message["Subject"] == "A quick question"
    assert "Hi Ada, hand-written." in received.message.get_content()
    fragment = client.get(f"/candidates/{ada}/outreach")
    assert "A quick question" in fragment.text and "Sent" in fragment.text
    assert client.get(f"/candidates/{ada}").status_code == 200


def test_unsubscribe_page_confirms_then_one_click_post_needs_no_csrf(
    client: TestClient,
    alice: ApiUser,
    session_factory: sessionmaker[Session],
    smtp_server: SmtpServer,
) -> None:
    from openpin.kit.crypto import SecretBox

    secrets = SecretBox("test-secret-key-for-openpin-tests")
    outreach = make_outreach(session_factory, secrets, smtp_server, user=alice)
    outreach.enroll(outreach.candidate())
    outreach.sender().run_pass(MONDAY_10)
    with transaction(session_factory) as session:
        message_id = session.scalars(select(Message.id)).first()
    token = unsubscribe_token(secrets, message_id)
    page = client.get(f"/u/{token}")
    assert page.status_code == 200 and "Unsubscribe?" in page.text
    with transaction(session_factory) as session:
        assert session.scalars(select(Suppression)).all() == []  # a GET changes nothing
    # What a mail client sends for RFC 8058 one-click: no cookie, no CSRF token.
    fresh = TestClient(client.app)
    done = fresh.post(
        f"/u/{token}",
        content="List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert done.status_code == 200 and "You are unsubscribed" in done.text
    again = fresh.post(f"/u/{token}", data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200
    with transaction(session_factory) as session:
        assert [s.email for s in session.scalars(select(Suppression))] == ["ada@example.org"]
        enrollment = session.scalars(select(Enrollment)).one()
        assert enrollment.status == EnrollmentStatus.STOPPED
    assert events(session_factory, "email.unsubscribed") == 1
    assert events(session_factory, "candidate.sequence_stopped") == 1
    # Nothing more is sent to them.
    assert outreach.sender().run_pass(MONDAY_10 + timedelta(days=10)).sent == 0
    assert client.get("/u/not-a-real-token").status_code == 404


def test_mailbox_settings_never_show_a_saved_password(
    client: TestClient,
    alice: ApiUser,
    smtp_server: SmtpServer,
    session_factory: sessionmaker[Session],
) -> None:
    csrf = web_login(client, alice)
    form = {
        "csrf_token": csrf,
        "from_name": "Alice",
        "from_address": "alice@acme.example",
        "smtp_host": smtp_server.host,
        "smtp_port": str(smtp_server.port),
        "smtp_security": "none",
        "smtp_username": "alice",
        "smtp_password": "hunter2-very-secret",
        "timezone": "Europe/Paris",
        "daily_cap": "80",
        "min_gap_seconds": "90",
        "send_days": ["0", "1", "2"],
        "window_start": "08:30",
        "window_end": "18:00",
        "holiday_country": "fr",
        "pause_dates": "2026-12-24\n2026-12-31",
        "is_active": "1",
    }
    saved = client.post("/settings/mailboxes/new", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    page = client.get(saved.headers["location"])
    assert "hunter2-very-secret" not in page.text
    assert "••••••••cret" in page.text
    with transaction(session_factory) as session:
        mailbox = session.scalars(select(Mailbox)).one()
        assert "hunter2" not in mailbox.smtp_password_encrypted
        assert (mailbox.holiday_country, mailbox.window_start_minute, mailbox.pause_dates) == (
            "FR",
            510,
            ["2026-12-24", "2026-12-31"],
        )
    # An empty password box keeps the saved one.
    form.update(smtp_password="", daily_cap="70")
    client.post(saved.headers["location"], data=form, follow_redirects=False)
    bad = client.post(saved.headers["location"], data={**form, "timezone": "Mars/Olympus"})
    assert bad.status_code == 422 and "is not a time zone" in bad.text
    # The test email goes through the saved password; aiosmtpd has no AUTH, so the server's
    # own refusal comes back to the page.
    mailbox_id = saved.headers["location"].rsplit("/", 1)[1]
    result = client.post(
        f"/settings/mailboxes/{mailbox_id}/test-email",
        data={"csrf_token": csrf, "to": "x@example.org"},
    )
    assert "Test email failed" in result.text or "Test email not sent" in result.text
    check = client.post(f"/settings/mailboxes/{mailbox_id}/check-inbox", data={"csrf_token": csrf})
    assert "No IMAP settings yet" in check.text


def test_ai_settings_key_is_masked(client: TestClient, alice: ApiUser) -> None:
    csrf = web_login(client, alice)
    form = {
        "csrf_token": csrf,
        "base_url": "http://127.0.0.1:9/v1",
        "model": "tiny",
        "api_key": "sk-abcdefgh12345678",
        "enabled": "1",
    }
    assert client.post("/settings/ai", data=form, follow_redirects=False).status_code == 303
    page = client.get("/settings/ai")
    assert "sk-abcdefgh12345678" not in page.text and "••••••••5678" in page.text
    api = client.get("/api/v1/settings/ai", headers=alice.headers).json()
    assert api["api_key"] == "••••••••5678" and api["model"] == "tiny"


def _variant(step: int, index: int, label: str, subject: str, body: str) -> dict[str, str]:
    field = f"step-{step}-variant-{index}-"
    return {field + "label": label, field + "subject": subject, field + "body": body}


def test_builder_adds_edits_and_removes_variants_with_errors_beside_each(
    client: TestClient,
    alice: ApiUser,
    session_factory: sessionmaker[Session],
    smtp_server: SmtpServer,
) -> None:
    from openpin.kit.crypto import SecretBox

    outreach = make_outreach(
        session_factory, SecretBox("test-secret-key-for-openpin-tests"), smtp_server, user=alice
    )
    csrf = web_login(client, alice)
    form = _builder_form(csrf, outreach.job_id, outreach.mailbox_id, "Hi {{ first_name }}")
    added = client.post("/sequences/new", data={**form, "add_variant": "1"})
    assert added.status_code == 200
    assert 'name="step-1-variant-1-label" value="B"' in added.text
    assert 'id="f-step-1-variant-1-subject" name="step-1-variant-1-subject" value="" autofocus' in (
        added.text
    )
    # Every problem at once, each next to its variant.
    bad = {
        **form,
        **_variant(1, 1, "B", "Hello {{ first_name }}", "B body, {{ first_name }}"),
        **_variant(1, 2, "C", "Hey {{ first_name }}", "C body, {{ oops }}"),
        **_variant(2, 1, "B", "", ""),
    }
    refused = client.post("/sequences/new", data=bad)
    assert refused.status_code == 422
    assert 'id="err-step-1-variant-C-body">Step 1, variant C, body: unknown variable oops.' in (
        refused.text
    )
    assert (
        'id="err-step-2-variant-B-body">Step 2, variant B: write its body, or remove the variant.'
        in refused.text
    )
    assert "C body, {{ oops }}" in refused.text  # nothing typed is lost
    # Removing B keeps C's letter, so results per letter stay comparable.
    removed = client.post("/sequences/new", data={**bad, "remove_variant": "1-B"})
    assert 'name="step-1-variant-1-label" value="C"' in removed.text
    assert "B body" not in removed.text
    good = {
        **form,
        **_variant(1, 1, "B", "Hello {{ first_name }}", "B body, {{ first_name }}"),
        **_variant(1, 2, "C", "Hey {{ first_name }}", "C body, {{ job_title }}"),
    }
    saved = client.post("/sequences/new", data=good, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    sequence_id = int(saved.headers["location"].rsplit("/", 1)[1])
    api = client.get(f"/api/v1/sequences/{sequence_id}", headers=alice.headers).json()
    assert [(v["label"], v["subject"]) for v in api["steps"][0]["variants"]] == [
        ("B", "Hello {{ first_name }}"),
        ("C", "Hey {{ first_name }}"),
    ]
    assert api["steps"][1]["variants"] == []
    ada = outreach.candidate()
    preview = client.post("/sequences/preview", data={**good, "preview_candidate_id": str(ada)})
    assert "Step 1 · 3 versions, each candidate gets one" in preview.text
    assert "Hello Ada" in preview.text and "Hey Ada" in preview.text
    assert "C body, Staff Data Engineer" in preview.text
    # Up to four more versions per step, as the API allows; then the button goes.
    full = {**good, **_variant(1, 3, "D", "D", "D"), **_variant(1, 4, "E", "E", "E")}
    at_most = client.post("/sequences/new", data={**full, "add_variant": "1"}).text
    assert 'name="step-1-variant-5-label"' not in at_most
    assert at_most.count("+ Add another variant") == 0
    assert "5 versions is the most a step can have." in at_most


def test_live_preview_clears_the_errors_that_were_fixed(
    client: TestClient,
    alice: ApiUser,
    session_factory: sessionmaker[Session],
    smtp_server: SmtpServer,
) -> None:
    from openpin.kit.crypto import SecretBox

    outreach = make_outreach(
        session_factory, SecretBox("test-secret-key-for-openpin-tests"), smtp_server, user=alice
    )
    csrf = web_login(client, alice)
    form = {
        **_builder_form(csrf, outreach.job_id, outreach.mailbox_id, "Hi {{ first_name }}"),
        **_variant(1, 1, "B", "Hello", "B body, {{ frist_name }}"),
        "shown_errors": "step-1-variant-B-body step-2-body name",
    }
    still = client.post("/sequences/preview", data=form).text
    assert 'id="err-step-1-variant-B-body" hx-swap-oob="true">Step 1, variant B, body' in still
    assert 'id="err-step-2-body" hx-swap-oob="delete"' in still  # fixed
    assert 'name="shown_errors" value="step-1-variant-B-body name"' in still
    fixed = client.post(
        "/sequences/preview",
        data={**form, "step-1-variant-1-body": "B body", "shown_errors": "step-1-variant-B-body"},
    ).text
    assert 'id="err-step-1-variant-B-body" hx-swap-oob="delete"' in fixed
    assert 'id="builder-errors" hx-swap-oob="delete"' in fixed


def test_outbox_and_message_say_which_variant_went(
    client: TestClient,
    alice: ApiUser,
    session_factory: sessionmaker[Session],
    smtp_server: SmtpServer,
) -> None:
    from openpin.kit.crypto import SecretBox
    from openpin.sequence import schemas

    steps = [
        schemas.StepIn(
            subject="A subject {{ first_name }}",
            body="A body",
            variants=[schemas.VariantIn(label="B", subject="B subject {{ first_name }}", body="B")],
        )
    ]
    outreach = make_outreach(
        session_factory,
        SecretBox("test-secret-key-for-openpin-tests"),
        smtp_server,
        user=alice,
        steps=steps,
    )
    outreach.enroll(outreach.candidate(), outreach.candidate(full_name="Grace", emails=["g@x.org"]))
    web_login(client, alice)
    outbox = client.get("/sequences/outbox").text
    with transaction(session_factory) as session:
        sent = {m.id: m.variant_label for m in session.scalars(select(Message))}
    assert sorted(sent.values()) == ["A", "B"]  # the split is by enrolment
    assert "1 · variant A" in outbox and "1 · variant B" in outbox
    for message_id, label in sent.items():
        assert f"step 1, variant {label}" in client.get(f"/sequences/outbox/{message_id}").text
