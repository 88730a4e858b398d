"""Sourcing in a real browser: the job's Source tab ranks and explains candidates, the Ask box
refines, accept and decline work, and indexing progress is shown. Screenshots go to
tests/artifacts/web-sourcing-*.png."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from openpin.sourcing import rebuild
from tests.fixtures.app import ApiUser
from tests.sourcing.helpers import BACKEND_JOB, POOL, add_job, add_people, person
from tests.web.test_browser import live_url, page

__all__ = ["live_url", "page"]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
LEADER = person(
    "Lea Lead",
    "Senior Backend Engineer",
    ["Python", "PostgreSQL", "Kafka"],
    years=9,
    summary="Led a team of six engineers through a payments migration in fintech.",
)


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-sourcing-{name}.png"), full_page=True)


def _login(page: Page, user: ApiUser) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(user.password)
    page.get_by_role("button", name="Log in").click()


def test_source_tab_ranks_explains_and_learns(
    page: Page, alice: ApiUser, session_factory: sessionmaker[Session]
) -> None:
    add_people(session_factory, alice, [*POOL, LEADER])
    job_id = add_job(session_factory, alice, **BACKEND_JOB)
    rebuild.index_texts(session_factory, None)
    _login(page, alice)
    page.goto(f"/jobs/{job_id}")
    page.get_by_role("link", name="Source candidates").click()
    expect(page.locator("#index-status")).to_contain_text("0 of 7 profiles embedded")
    _shot(page, "indexing")

    rebuild.run_indexing(session_factory)
    page.reload()
    expect(page.locator("#index-status")).to_have_count(0)
    first = page.locator(".match").first
    expect(first).to_contain_text("Ana Backend")
    expect(first.locator(".skill-hit")).to_have_count(3)
    expect(first).to_contain_text("Matching role")
    _shot(page, "ranked")

    page.get_by_placeholder("e.g. has led a team").fill("has led a team in fintech")
    page.get_by_role("button", name="Find candidates").click()
    expect(page.locator(".match").first).to_contain_text("Lea Lead")
    expect(page.locator(".match").first).to_contain_text("mentions")

    page.locator(".match").first.get_by_role("button", name="Accept").click()
    expect(page.locator(".notice-success")).to_contain_text("Accepted")
    expect(page.locator(".match").first.locator(".badge-green")).to_have_text("Accepted")
    expect(page.get_by_role("searchbox").first).to_have_value("has led a team in fintech")

    eve = page.locator(".match", has_text="Eve Junior")
    eve.get_by_label("Why decline Eve Junior?").select_option("too_junior")
    eve.get_by_role("button", name="Decline").click()
    expect(page.locator(".notice-success")).to_contain_text("Declined (too junior)")
    expect(page.locator(".match", has_text="Eve Junior")).to_have_count(0)
    expect(page.locator(".results-head")).to_contain_text("More senior profiles rank higher")
    _shot(page, "feedback")


def test_pool_search_box_is_ranked(
    page: Page, alice: ApiUser, session_factory: sessionmaker[Session]
) -> None:
    add_people(session_factory, alice, POOL)
    rebuild.run_indexing(session_factory)
    _login(page, alice)
    page.goto("/candidates?q=python+postgresql")
    rows = page.locator("#candidate-rows tr")
    expect(rows.first).to_contain_text("Backend")
    expect(page.locator("#candidate-rows")).not_to_contain_text("Dan Nurse")
