"""A real browser through the real app: log in, import a file, read a profile, create a job.

Drives Debian's chromium (never `playwright install`) against uvicorn on a free loopback port and
a fresh database. Screenshots land in tests/artifacts/ for people to look at.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Page, expect, sync_playwright

from tests.fixtures.app import ApiUser

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Realistic rows from a typical spreadsheet export; line 5 has an email that cannot be right.
PEOPLE_CSV = Path(__file__).parent / "data" / "pipeline-export.csv"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def live_url(app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn in a thread, on a loopback port nobody else uses."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start within 20 seconds")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(params=[True], ids=["js"])
def page(live_url: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    executable = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    if executable is None:
        pytest.skip("chromium not found at /usr/bin/chromium: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        context = browser.new_context(
            base_url=live_url,
            viewport={"width": 1366, "height": 900},
            accept_downloads=True,
            java_script_enabled=request.param,
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


@pytest.mark.parametrize("page", [False], ids=["no-js"], indirect=True)
def test_login_and_import_work_without_javascript(page: Page, alice: ApiUser) -> None:
    """Progressive enhancement: htmx only speeds things up; plain forms do the work."""
    page.goto("/login")
    page.get_by_label("Email").fill(alice.email)
    page.get_by_label("Password").fill(alice.password)
    page.get_by_role("button", name="Log in").click()
    page.goto("/import")
    page.locator('input[type="file"]').set_input_files(str(PEOPLE_CSV))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#stat-created")).to_have_text("5")
    expect(page.locator("#import-errors tbody tr td").first).to_have_text("5")
    page.goto("/candidates?q=berlin")
    expect(page.locator("#candidate-rows tr")).to_have_count(1)


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)


def test_recruiter_journey(page: Page, alice: ApiUser) -> None:
    _log_in(page, alice)
    _import_file(page)
    _browse_candidates(page)
    _read_profile(page)
    _create_job(page)
    _form_errors(page)
    _small_screen(page)


def _log_in(page: Page, user: ApiUser) -> None:
    page.goto("/candidates")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.get_by_role("heading", name="Log in to your workspace")).to_be_visible()
    _shot(page, "login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#login-error")).to_contain_text("do not match an account")
    page.get_by_label("Password").fill(user.password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Candidates", exact=True)).to_be_visible()
    expect(page.get_by_text("No candidates yet")).to_be_visible()
    expect(page.locator(".topbar")).to_contain_text("Acme")


def _import_file(page: Page) -> None:
    page.get_by_role("link", name="Import a file").click()
    expect(page.get_by_role("heading", name="Import candidates")).to_be_visible()
    page.locator('input[type="file"]').set_input_files(str(PEOPLE_CSV))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#stat-created")).to_have_text("5")
    expect(page.locator("#stat-errors")).to_have_text("1")
    bad_row = page.locator("#import-errors tbody tr")
    expect(bad_row).to_have_count(1)
    expect(bad_row.locator("td").first).to_have_text("5")
    expect(bad_row).to_contain_text("email")
    _shot(page, "import-result")


def _browse_candidates(page: Page) -> None:
    page.get_by_role("link", name="View candidates").click()
    expect(page.get_by_text("5 candidates")).to_be_visible()
    rows = page.locator("#candidate-rows tr")
    expect(rows).to_have_count(5)
    expect(page.locator("#candidate-rows")).to_contain_text("Staff Backend Engineer")
    _shot(page, "candidates")
    page.get_by_label("Search").fill("berlin")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Lukas Schneider")
    page.get_by_label("Search").fill("")
    expect(rows).to_have_count(5)


def _read_profile(page: Page) -> None:
    page.get_by_role("link", name="Amara Okafor").click()
    expect(page.get_by_role("heading", name="Amara Okafor", level=1)).to_be_visible()
    for text in (
        "amara.okafor@example.com",
        "+44 20 7946 0958",
        "linkedin.com/in/amara-okafor",
        "London",
        "United Kingdom",
        "Staff Backend Engineer",
        "Monzo",
        "PostgreSQL",
        "Referral",
    ):
        expect(page.locator("main")).to_contain_text(text)
    expect(page.locator("#timeline")).to_contain_text("Added to OpenPin")
    expect(page.locator("#timeline")).to_contain_text("via import")
    _shot(page, "profile")
    link = page.get_by_role("link", name="Download resume PDF")
    response = page.request.get(link.get_attribute("href") or "")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    with page.expect_download() as download_info:
        link.click()
    saved = Path(download_info.value.path())
    assert saved.read_bytes().startswith(b"%PDF")


def _create_job(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Jobs").click()
    expect(page.get_by_text("No jobs yet")).to_be_visible()
    page.get_by_role("link", name="Create job").first.click()
    page.get_by_label("Title").fill("Staff Backend Engineer, Payments")
    page.get_by_label("Description").fill(
        "Own the ledger and payouts platform.\nWork with product and finance on new markets."
    )
    page.get_by_label("Seniority").select_option("lead")
    page.get_by_label("Locations").fill("London\nRemote (UK)")
    page.get_by_label("Must-have skills").fill("Python, PostgreSQL, Distributed systems")
    page.get_by_label("Nice-to-have skills").fill("Kafka, Go")
    page.get_by_role("button", name="Create job").click()
    expect(page.get_by_role("heading", name="Staff Backend Engineer, Payments")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Distributed systems")
    expect(page.locator(".notice")).to_contain_text("was created")
    _shot(page, "job")


def _form_errors(page: Page) -> None:
    page.goto("/candidates/new")
    page.get_by_label("Full name").fill("Jordan Reyes")
    page.get_by_label("Emails").fill("jordan.reyes@")
    page.get_by_role("button", name="Add candidate").click()
    expect(page.locator("#err-emails")).to_contain_text("not a valid email")
    expect(page.get_by_label("Full name")).to_have_value("Jordan Reyes")
    _shot(page, "form-errors")


def _small_screen(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/candidates")
    expect(page.locator("#candidate-rows tr")).to_have_count(5)
    _shot(page, "candidates-mobile")
