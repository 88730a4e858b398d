"""ATS in a real browser against the Greenhouse sandbox: connect (a refused secret first, then
the user to act as), set an export rule, watch a triggered export land with the logo link on the
profile, see the hire read back once the application is hired in Greenhouse, export two more by
hand from the list, read the health page (the hires read working, then failing with its reason).
Screenshots go to tests/artifacts/web-ats-*.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from openpin.config import Settings
from openpin.db import transaction
from openpin.demo.people import generate_people
from openpin.demo.seed import person_to_candidate
from openpin.sandboxes.greenhouse.config import GreenhouseSandboxConfig
from openpin.sandboxes.testing import RunningGreenhouse, running_greenhouse
from openpin.worker import Worker
from openpin.worker.enqueue import enqueue_task
from tests.ats.conftest import FAST_ATS, FAST_WORKER
from tests.ats.helpers import emit, exports, make_job
from tests.fixtures.app import ApiUser
from tests.web.test_browser import live_url, page

__all__ = ["live_url", "page"]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PEOPLE = generate_people(200, seed=42)


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-ats-{name}.png"), full_page=True)


@pytest.fixture
def greenhouse() -> Iterator[RunningGreenhouse]:
    with running_greenhouse(GreenhouseSandboxConfig(not_found_after_create_seconds=0.3)) as gh:
        yield gh


@pytest.fixture
def worker(session_factory: sessionmaker[Session], settings: Settings) -> Iterator[Worker]:
    fast = settings.model_copy(update={"ats": FAST_ATS, "worker": FAST_WORKER})
    running = Worker(session_factory, fast, worker_id="w-browser")
    running.start_thread()
    yield running
    running.stop()
    running.join(10)


def _add(client, user: ApiUser, index: int) -> int:  # type: ignore[no-untyped-def]
    data = person_to_candidate(PEOPLE[index], source="LinkedIn").model_dump(mode="json")
    return int(
        client.post("/api/v1/candidates", json=data, headers=user.headers).json()["candidate"]["id"]
    )


def test_ats_journey(
    page: Page,
    alice: ApiUser,
    client,  # type: ignore[no-untyped-def]
    session_factory: sessionmaker[Session],
    greenhouse: RunningGreenhouse,
    worker: Worker,
) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(alice.email)
    page.get_by_label("Password").fill(alice.password)
    page.get_by_role("button", name="Log in").click()
    _connect(page, greenhouse)
    page.goto("/settings/ats/health")
    expect(page.locator("#hires-read .hires-line")).to_have_text(
        re.compile(r"Waiting\s+Not run yet — runs every 10 minutes\.")
    )
    _shot(page, "health-not-run")
    job_id = make_job(client, alice, "Senior Backend Engineer")
    make_job(client, alice, "Data Analyst")
    _enable_rule(page, job_id)
    first = _add(client, alice, 160)
    emit(session_factory, alice.workspace_id, "candidate.replied", first, job_id)
    _watch_profile(page, first)
    _watch_hire(page, greenhouse, session_factory, first)
    others = [_add(client, alice, 161), _add(client, alice, 162)]
    _export_by_hand(page, others)
    _read_health(page)
    _watch_hires_read_fail(page, greenhouse, session_factory)


def _connect(page: Page, greenhouse: RunningGreenhouse) -> None:
    page.goto("/settings/ats")
    _shot(page, "settings-empty")
    card = page.locator("#provider-greenhouse")
    client_id, secret = greenhouse.client_auth
    card.get_by_label("Client ID").fill(client_id)
    card.get_by_label("Client secret").fill("not-the-secret")
    card.locator("summary").click()
    card.get_by_label("Base URL").fill(greenhouse.base_url)
    card.get_by_role("button", name="Load users").click()
    expect(page.locator("#gh-users .error")).to_contain_text("refused the client ID or secret")
    _shot(page, "settings-refused")
    card.get_by_label("Client secret").fill(secret)
    card.get_by_role("button", name="Load users").click()
    card.get_by_label("Act as Greenhouse user").select_option(index=0)
    card.get_by_role("button", name="Verify and connect").click()
    expect(page.locator("#connection")).to_contain_text("Connected")
    expect(page.locator("#connection")).not_to_contain_text(secret)
    page.locator("#connection summary").click()
    _shot(page, "settings-connected")


def _enable_rule(page: Page, job_id: int) -> None:
    page.goto("/automation")
    row = page.locator(f"#job-{job_id}")
    row.get_by_label("Greenhouse job").select_option(index=1)
    row.get_by_label("When").select_option("replied")
    row.get_by_role("button", name="Enable").click()
    expect(page.locator(".notice-success")).to_contain_text("from now on")
    expect(page.locator(f"#job-{job_id}")).to_contain_text("Enabled")
    _shot(page, "automation")


def _watch_profile(page: Page, candidate_id: int) -> None:
    page.goto(f"/candidates/{candidate_id}")
    for _ in range(60):  # the worker exports within a few seconds
        if page.locator("#ats-status .status-exported").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    card = page.locator("#ats-status")
    expect(card.locator(".status-exported")).to_have_text("Exported")
    expect(card.locator("a.ats-logo")).to_have_attribute("href", re.compile(r"^http.+\d+"))
    expect(card).to_contain_text("synced once")
    expect(card.get_by_role("link", name="Export to ATS")).to_have_count(0)
    _shot(page, "profile-exported")


def _watch_hire(
    page: Page,
    greenhouse: RunningGreenhouse,
    factory: sessionmaker[Session],
    candidate_id: int,
) -> None:
    (export,) = exports(factory, candidate_id=candidate_id)
    admin = f"{greenhouse.base_url}/_sandbox/applications/{export.ats_application_id}/hire"
    httpx.post(admin).raise_for_status()
    with transaction(factory) as session:  # what the scheduler does every 10 minutes
        enqueue_task(session, "ats.check_all_hires", args={})
    page.goto(f"/candidates/{candidate_id}")
    for _ in range(60):
        if page.locator("#ats-status .ats-hired").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    page.reload()  # the timeline too was rendered before the hire was read
    card = page.locator("#ats-status")
    expect(card.locator(".ats-hired")).to_contain_text(re.compile(r"Hired in Greenhouse on \d"))
    expect(card.locator(".checklist")).to_contain_text("hired on")
    expect(page.locator("#timeline li").first).to_contain_text("Hired")
    _shot(page, "profile-hired")


def _export_by_hand(page: Page, candidate_ids: list[int]) -> None:
    page.goto("/candidates")
    for candidate_id in candidate_ids:
        page.locator(f'input[type=checkbox][value="{candidate_id}"]').check()
    page.get_by_role("button", name="Export selected to ATS").click()
    expect(page.get_by_role("heading", name="Export to Greenhouse")).to_be_visible()
    page.get_by_label("Greenhouse job").select_option(index=2)
    _shot(page, "export-choose-job")
    page.get_by_role("button", name="Export 2 candidates").click()
    expect(page.locator(".notice")).to_contain_text("2 candidates queued for export")


def _read_health(page: Page) -> None:
    page.goto("/settings/ats/health")
    for _ in range(60):  # the two exported by hand are on their way
        if page.locator("#hires-read").get_by_text("2 not yet hired").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(page.get_by_text("Duplicate check index")).to_be_visible()
    hires = page.locator("#hires-read")
    expect(hires.locator(".hires-line")).to_contain_text(
        re.compile(r"Working\s+Last run (just now|.+ ago); runs every 10 minutes\.")
    )
    expect(hires).to_contain_text(re.compile(r"Hires recorded\s*1"))
    expect(hires).to_contain_text(re.compile(r"Exports watched\s*2 not yet hired"))
    expect(hires).to_contain_text(re.compile(r"Awaiting first check\s*2"))
    _shot(page, "health")


def _watch_hires_read_fail(
    page: Page, greenhouse: RunningGreenhouse, factory: sessionmaker[Session]
) -> None:
    """Greenhouse fails every request: the next hires run shows why, and what to do."""
    faults = f"{greenhouse.base_url}/_sandbox/faults"
    httpx.patch(faults, json={"error_rate": 1.0}).raise_for_status()
    with transaction(factory) as session:
        enqueue_task(session, "ats.check_all_hires", args={})
    for _ in range(60):
        if page.locator("#hires-read .hires-error").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    hires = page.locator("#hires-read")
    expect(hires.locator(".hires-line")).to_contain_text("Failed The last run failed")
    expect(hires.locator(".hires-error")).to_contain_text(
        re.compile(r"Greenhouse answered 50\d; .+ OpenPin retries by itself\.")
    )
    _shot(page, "health-hires-failed")
    httpx.patch(faults, json={"error_rate": 0.0}).raise_for_status()
