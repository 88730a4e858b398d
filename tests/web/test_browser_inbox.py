"""The inbox in a real browser: replies listed with labels, a reply in its thread, one-click
relabelling, and the replies on the candidate's profile. Screenshots go to tests/artifacts/."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from openpin.db import transaction
from openpin.inbox.service import InboxService
from tests.fixtures.smtp import smtp_server
from tests.inbox.conftest import (
    CANDIDATE_EMAIL,
    MAILBOX_ADDRESS,
    SentOutreach,
    count_events,
    secrets,
    sent,
)
from tests.inbox.mail import exim_bounce, out_of_office, reply_email
from tests.web.test_browser import live_url, page

__all__ = ["live_url", "page", "secrets", "sent", "smtp_server"]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def _ingest(factory: sessionmaker[Session], workspace_id: int, raw: bytes) -> int:
    with transaction(factory) as session:
        outcome = InboxService(session, workspace_id).ingest(raw)
        assert outcome.reply is not None
        return outcome.reply.id


def _seed_inbox(sent: SentOutreach) -> dict[str, int]:
    """Ada answered the thread; two other candidates wrote in; one address bounced."""
    grace = sent.outreach.candidate(full_name="Grace Hopper", emails=["grace@navy.example"])
    linus = sent.outreach.candidate(full_name="Linus Pauling", emails=["linus@chem.example"])
    alan = sent.outreach.candidate(full_name="Alan Turing", emails=["alan@bletchley.example"])
    kurt = sent.outreach.candidate(full_name="Kurt Gödel", emails=["kurt@old-job.example"])
    sent.outreach.enroll(grace, linus, alan, kurt)
    ws, factory = sent.workspace_id, sent.factory
    ids = {}
    ids["grace"] = _ingest(
        factory,
        ws,
        reply_email(
            from_addr="Grace Hopper <grace@navy.example>",
            to_addr=MAILBOX_ADDRESS,
            subject="Re: Staff Data Engineer at Acme",
            body="Thanks for thinking of me. I'm not looking right now, but ping me again in Q3 "
            "when our migration is done.\n\nGrace",
        ),
    )
    ids["linus"] = _ingest(
        factory, ws, out_of_office(from_addr="linus@chem.example", to_addr=MAILBOX_ADDRESS)
    )
    ids["alan"] = _ingest(
        factory,
        ws,
        reply_email(
            from_addr="Alan Turing <alan@bletchley.example>",
            to_addr=MAILBOX_ADDRESS,
            subject="Re: Staff Data Engineer at Acme",
            body="Hi Rita, before anything else: what is the salary range, and is the role remote?",
        ),
    )
    ids["bounce"] = _ingest(
        factory,
        ws,
        exim_bounce(
            recipient="kurt@old-job.example",
            to_addr=MAILBOX_ADDRESS,
            original_message_id="<step1-kurt@acme.example>",
        ),
    )
    ids["ada"] = _ingest(
        factory,
        ws,
        reply_email(
            from_addr=f"Ada Lovelace <{CANDIDATE_EMAIL}>",
            to_addr=MAILBOX_ADDRESS,
            body="Hi Rita,\n\nGood timing! I'm mostly focused on platform work these days, "
            "so happy to hear more if the role leans that way. Could we speak on Thursday?\n\nAda",
            in_reply_to=sent.sent_message_id,
        ),
    )
    return ids


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-inbox-{name}.png"), full_page=True)


def test_recruiter_reads_and_relabels_replies(page: Page, sent: SentOutreach) -> None:
    ids = _seed_inbox(sent)
    user = sent.outreach.user
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(user.password)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Inbox").click()
    expect(page.locator("#replies li")).to_have_count(5)
    expect(page.locator(".reply-row.unread")).to_have_count(5)
    _shot(page, "list")

    page.locator(".label-tabs").get_by_role("link", name="Question").click()
    expect(page.locator("#replies li")).to_have_count(1)
    expect(page.locator("#replies")).to_contain_text("Alan Turing")

    page.goto("/inbox")
    page.locator(f'a[href="/inbox/{ids["grace"]}"]').click()
    expect(page.get_by_role("heading", name="Label")).to_be_visible()
    expect(page.locator(".label-choice.selected")).to_have_text("Not now")
    _shot(page, "reply")

    # The recruiter reads Grace's reply as interest in a later chat: one click relabels it.
    page.get_by_role("button", name="Interested", exact=True).click()
    expect(page.locator("#label-panel")).to_contain_text("Saved.")
    expect(page.locator(".label-choice.selected")).to_have_text("Interested")
    assert count_events(sent.factory, "candidate.replied_interested") == 2  # Ada's and Grace's

    page.goto(f"/inbox/{ids['ada']}")
    expect(page.locator(".conversation li")).to_have_count(2)  # our email, then Ada's answer
    expect(page.locator(".conversation")).to_contain_text("You sent step 1")
    _shot(page, "thread")

    page.goto(f"/inbox/{ids['bounce']}")
    expect(page.locator(".notice-error")).to_contain_text("could not be delivered")

    page.goto("/inbox")
    expect(page.locator(".reply-row.unread")).to_have_count(2)  # the three opened are read

    page.goto(f"/candidates/{sent.candidate_id}")
    expect(page.locator("#replies")).to_contain_text("Interested")
    _shot(page, "profile")
