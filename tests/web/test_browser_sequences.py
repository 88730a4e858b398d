"""Outreach in a real browser: add a mailbox and test it, build a sequence (an unknown variable is
refused, an A/B variant is added and shown in the preview, the preview follows the typing), enrol
from the candidate list, read the outbox and the thread on the profile. Screenshots go to
tests/artifacts/web-outreach-*.png."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from openpin.db import transaction
from openpin.job.schemas import JobCreate
from openpin.job.service import JobService
from openpin.kit.crypto import SecretBox
from openpin.sequence.sending import OutboxSender
from tests.fixtures.app import ApiUser
from tests.fixtures.smtp import SmtpServer, smtp_server
from tests.sequence.conftest import SECRET, add_candidate
from tests.web.test_browser import live_url, page

__all__ = ["live_url", "page", "smtp_server"]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # a scrolled page puts the sticky header mid-shot
    page.screenshot(path=str(ARTIFACTS / f"web-outreach-{name}.png"), full_page=True)


def _seed(factory: sessionmaker[Session], user: ApiUser) -> None:
    with transaction(factory) as session:
        JobService(session, user.workspace_id, user.user_id).create(
            JobCreate(
                title="Staff Data Engineer",
                locations=["London"],
                must_have_skills=["Python", "Airflow"],
                nice_to_have_skills=["SQL"],
            )
        )
    add_candidate(factory, user)
    add_candidate(
        factory,
        user,
        full_name="Grace Hopper",
        emails=["grace@navy.example"],
        skills=["SQL", "COBOL"],
        location={"city": "Arlington", "country": "US"},
        experiences=[{"title": "Rear Admiral", "company": "US Navy", "is_current": True}],
    )
    add_candidate(factory, user, full_name="Nobody Mailable", emails=[])


def test_outreach_journey(
    page: Page, alice: ApiUser, session_factory: sessionmaker[Session], smtp_server: SmtpServer
) -> None:
    _seed(session_factory, alice)
    page.goto("/login")
    page.get_by_label("Email").fill(alice.email)
    page.get_by_label("Password").fill(alice.password)
    page.get_by_role("button", name="Log in").click()
    _add_mailbox(page, smtp_server)
    _build_sequence(page)
    _enrol_from_list(page)
    OutboxSender(session_factory, SecretBox(SECRET), "http://127.0.0.1").run_pass()
    _outbox_and_profile(page)


def _add_mailbox(page: Page, smtp: SmtpServer) -> None:
    page.goto("/settings/mailboxes")
    page.get_by_role("link", name="Add mailbox").first.click()
    page.locator('input[name="from_name"]').fill("Rita Recruiter")
    page.locator('input[name="from_address"]').fill("rita@acme.example")
    page.locator('textarea[name="signature"]').fill("Rita\nAcme Talent")
    page.locator('input[name="smtp_host"]').fill(smtp.host)
    page.locator('input[name="smtp_port"]').fill(str(smtp.port))
    page.locator('select[name="smtp_security"]').select_option("none")
    # Every day, all day: the test sends at whatever time it runs.
    for day in range(5, 7):
        page.locator(f'input[name="send_days"][value="{day}"]').check()
    page.locator('input[name="window_start"]').fill("00:00")
    page.locator('input[name="window_end"]').fill("24:00")
    page.locator('input[name="min_gap_seconds"]').fill("0")
    _shot(page, "mailbox-form")
    page.get_by_role("button", name="Add mailbox").click()
    expect(page.get_by_text("Mailbox rita@acme.example saved")).to_be_visible()
    page.locator('input[name="to"]').fill("me@acme.example")
    page.get_by_role("button", name="Send test email").click()
    expect(page.get_by_text("Sent to me@acme.example")).to_be_visible()
    page.get_by_role("button", name="Check inbox").click()
    expect(page.get_by_text("No IMAP settings yet")).to_be_visible()
    _shot(page, "mailbox-checks")
    assert smtp.received[-1].message["Subject"] == "OpenPin test email"


def _build_sequence(page: Page) -> None:
    page.goto("/sequences")
    _shot(page, "sequences-empty")
    page.get_by_role("link", name="Create your first sequence").click()
    page.locator('input[name="name"]').fill("Data engineers, first touch")
    page.locator('select[name="job_id"]').select_option(label="Staff Data Engineer")
    page.locator('select[name="mailbox_id"]').select_option(index=1)
    body = page.locator('textarea[name="step-1-body"]')
    body.fill("Hi {{ frist_name }},\n\n{{ personal_line }}\n\n{{ recruiter_name }}")
    page.get_by_role("button", name="Create sequence").click()
    expect(page.get_by_text("unknown variable frist_name").first).to_be_visible()
    _shot(page, "builder-error")
    page.locator('textarea[name="step-1-body"]').fill(
        "Hi {{ first_name }},\n\n{{ personal_line }}\n\nOpen to a chat?\n{{ recruiter_name }}"
    )
    _add_variant_b(page)
    page.locator('select[name="preview_candidate_id"]').select_option(label="Ada Lovelace")
    expect(page.locator("#preview")).to_contain_text(
        "Your work as Senior Data Engineer at Engines Ltd"
    )
    _expect_both_versions(page)
    _shot(page, "builder-preview")
    page.get_by_role("button", name="Create sequence").click()
    expect(page.get_by_text("Sequence “Data engineers, first touch” saved.")).to_be_visible()
    # Saved: the variant is there when the sequence is opened again.
    expect(page.get_by_role("group", name="Variant B")).to_be_visible()
    page.locator('select[name="preview_candidate_id"]').select_option(label="Ada Lovelace")
    _expect_both_versions(page)
    _shot(page, "builder-saved-variants")


def _add_variant_b(page: Page) -> None:
    """Step 1 gets a second version; a typo in it is refused next to it, in plain words."""
    page.locator("#step-1").get_by_role("button", name="+ Add an A/B variant").click()
    variant = page.get_by_role("group", name="Variant B")
    expect(variant.get_by_label("Subject (B)")).to_be_focused()
    variant.get_by_label("Subject (B)").fill("Quick question, {{ first_name }}")
    variant.get_by_label("Body (B)").fill(
        "Hi {{ first_name }}, would a {{ job_title }} role at {{ hiring_company }} interest "
        "you?\n\n{{ recruter_name }}"
    )
    page.get_by_role("button", name="Create sequence").click()
    expect(
        variant.get_by_text("Step 1, variant B, body: unknown variable recruter_name")
    ).to_be_visible()
    expect(page.locator("#step-2")).not_to_contain_text("unknown variable")
    _shot(page, "builder-variant-error")
    variant.get_by_label("Body (B)").fill(
        "Hi {{ first_name }}, would a {{ job_title }} role at {{ hiring_company }} interest "
        "you?\n\n{{ recruiter_name }}"
    )
    # Fixed: the live preview takes the error away without saving.
    expect(page.get_by_text("unknown variable recruter_name")).to_have_count(0)
    expect(page.locator("#builder-errors")).to_have_count(0)


def _expect_both_versions(page: Page) -> None:
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Step 1 · 2 versions, each candidate gets one")
    expect(preview).to_contain_text("Variant A")
    expect(preview).to_contain_text("Staff Data Engineer at Acme")
    expect(preview).to_contain_text("Variant B")
    expect(preview).to_contain_text("Quick question, Ada")
    expect(preview).to_contain_text("would a Staff Data Engineer role at Acme interest you?")


def _enrol_from_list(page: Page) -> None:
    page.goto("/candidates")
    for name in ("Ada Lovelace", "Nobody Mailable"):
        page.get_by_label(f"Select {name}").check()
    _shot(page, "candidates-select")
    page.get_by_role("button", name="Add selected to a sequence").click()
    expect(page.get_by_role("heading", name="Add 2 candidates to a sequence")).to_be_visible()
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_role("heading", name="1 enrolled, 1 skipped")).to_be_visible()
    expect(page.get_by_text("No email address on the profile.")).to_be_visible()
    _shot(page, "enrol-result")


def _outbox_and_profile(page: Page) -> None:
    page.goto("/sequences/outbox?tab=sent")
    # The A/B split is by enrolment: Ada's (the first) gets variant B, and the outbox says so.
    expect(page.get_by_text("Quick question, Ada").first).to_be_visible()
    expect(page.get_by_role("cell", name="1 · variant B")).to_be_visible()
    _shot(page, "outbox")
    page.goto("/sequences")
    _shot(page, "sequences")
    page.goto("/candidates")
    page.get_by_role("link", name="Ada Lovelace").click()
    expect(page.locator("#outreach")).to_contain_text("Data engineers, first touch")
    expect(page.locator("#outreach")).to_contain_text("Sent")
    _shot(page, "profile")
