"""Read a person back from a sandbox through the vendor's own API, in one shape for both.

Greenhouse answers everything through Harvest v3. The Ashby sandbox does not implement
`candidate.listNotes`, so notes come from the sandbox's stored state, and so do applications' jobs
(one lookup instead of an `application.info` call each); everything else is the API.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from openpin.kit.normalise import normalise_linkedin_url
from tests.ats.conftest import Sandbox


@dataclass
class AtsPerson:
    id: str
    first_name: str
    last_name: str
    emails: list[str]
    phones: list[str]
    linkedin_urls: list[str]
    location: str
    application_job_ids: list[str]
    resume_names: list[str]
    notes: list[str]
    roles: list[str] = field(default_factory=list)
    schools: list[str] = field(default_factory=list)
    source_names: list[str] = field(default_factory=list)


class Reader:
    def find_by_email(self, email: str) -> list[str]:
        raise NotImplementedError

    def person(self, ats_id: str) -> AtsPerson:
        raise NotImplementedError

    def all_ids(self) -> list[str]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


def reader_for(sandbox: Sandbox) -> Reader:
    return GreenhouseReader(sandbox) if sandbox.provider == "greenhouse" else AshbyReader(sandbox)


def _linkedin(values: list[str]) -> list[str]:
    found = []
    for value in values:
        try:
            found.append(normalise_linkedin_url(value))
        except ValueError:
            continue
    return found


class GreenhouseReader(Reader):
    def __init__(self, sandbox: Sandbox) -> None:
        self.http: httpx.Client = sandbox.served.client()

    def _get(self, path: str, **params: Any) -> list[dict[str, Any]]:
        response = self.http.get(f"/v3/{path}", params={"per_page": 500, **params})
        response.raise_for_status()
        return list(response.json())

    def find_by_email(self, email: str) -> list[str]:
        # Greenhouse hides a new person from reads for a moment after the create.
        deadline = time.monotonic() + 3
        while True:
            found = [str(c["id"]) for c in self._get("candidates", email=email)]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.2)

    def all_ids(self) -> list[str]:
        ids: list[str] = []
        url: str | None = "/v3/candidates?per_page=500"
        while url:
            response = self.http.get(url)
            response.raise_for_status()
            ids.extend(str(c["id"]) for c in response.json())
            url = response.links.get("next", {}).get("url")
        return ids

    def person(self, ats_id: str) -> AtsPerson:
        deadline = time.monotonic() + 3
        while not (found := self._get("candidates", ids=ats_id)) and time.monotonic() < deadline:
            time.sleep(0.2)  # a new person reads back after a moment
        (c,) = found
        sources = {str(s["id"]): s["name"] for s in self._get("sources")}
        applications = self._get("applications", candidate_ids=ats_id)
        links = [a["value"] for a in c["social_media_addresses"] + c["website_addresses"]]
        return AtsPerson(
            id=ats_id,
            first_name=c["first_name"],
            last_name=c["last_name"],
            emails=[e["value"] for e in c["email_addresses"]],
            phones=[p["value"] for p in c["phone_numbers"]],
            linkedin_urls=_linkedin(links),
            location=" | ".join(a["value"] for a in c["addresses"]),
            application_job_ids=[str(a["job_id"]) for a in applications if a.get("job_id")],
            resume_names=[
                a["filename"]
                for a in self._get("attachments", candidate_ids=ats_id)
                if a["type"] == "resume"
            ],
            notes=[n["body"] for n in self._get("notes", candidate_ids=ats_id)],
            roles=[
                f"{e['title']} at {e['company_name']}"
                for e in self._get("candidate_employments", candidate_ids=ats_id)
            ],
            schools=[
                str(e.get("school_name") or "")
                for e in self._get("candidate_educations", candidate_ids=ats_id)
            ],
            source_names=[sources.get(str(a.get("source_id")), "") for a in applications],
        )

    def close(self) -> None:
        self.http.close()


class AshbyReader(Reader):
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.http: httpx.Client = sandbox.served.client()

    def _rpc(self, method: str, **body: Any) -> Any:
        response = self.http.post(f"/{method}", json=body)
        response.raise_for_status()
        answer = response.json()
        assert answer["success"], answer
        return answer

    def find_by_email(self, email: str) -> list[str]:
        return [c["id"] for c in self._rpc("candidate.search", email=email)["results"]]

    def all_ids(self) -> list[str]:
        ids: list[str] = []
        cursor = None
        while True:
            body = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            answer = self._rpc("candidate.list", **body)
            ids.extend(c["id"] for c in answer["results"])
            if not answer.get("moreDataAvailable"):
                return ids
            cursor = answer["nextCursor"]

    def person(self, ats_id: str) -> AtsPerson:
        c = self._rpc("candidate.info", id=ats_id)["results"]
        first, _, last = c["name"].partition(" ")
        org = self.sandbox.served.sandbox.state.org
        applications = [org.applications[a] for a in c.get("applicationIds", [])]
        resume = c.get("resumeFileHandle")
        return AtsPerson(
            id=ats_id,
            first_name=first,
            last_name=last,
            emails=[e["value"] for e in c.get("emailAddresses", [])],
            phones=[p["value"] for p in c.get("phoneNumbers", [])],
            linkedin_urls=_linkedin([link["url"] for link in c.get("socialLinks", [])]),
            location=(c.get("location") or {}).get("locationSummary", ""),
            application_job_ids=[a.job_id for a in applications],
            resume_names=[resume["name"]] if resume else [],
            notes=[n.content for n in org.notes.values() if n.candidate_id == ats_id],
            roles=[f"{c.get('position', '')} at {c.get('company', '')}"],
            schools=[c.get("school") or ""],
            source_names=[(c.get("source") or {}).get("title", "")],
        )

    def close(self) -> None:
        self.http.close()


def snapshot(sandbox: Sandbox) -> dict[str, AtsPerson]:
    """Every person in the ATS with applications and resumes, read with a few list calls."""
    if sandbox.provider == "greenhouse":
        return _greenhouse_snapshot(sandbox)
    return _ashby_snapshot(sandbox)


def _greenhouse_pages(http: httpx.Client, path: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    url: str | None = f"/v3/{path}?per_page=500"
    while url:
        response = http.get(url)
        response.raise_for_status()
        rows.extend(response.json())
        url = response.links.get("next", {}).get("url")
    return rows


def _greenhouse_snapshot(sandbox: Sandbox) -> dict[str, AtsPerson]:
    time.sleep(1.0)  # past the sandbox's not-found-after-create window, so everyone is listed
    with sandbox.served.client() as http:
        candidates = _greenhouse_pages(http, "candidates")
        applications = _greenhouse_pages(http, "applications")
        attachments = _greenhouse_pages(http, "attachments")
    people = {}
    for c in candidates:
        links = [a["value"] for a in c["social_media_addresses"] + c["website_addresses"]]
        people[str(c["id"])] = AtsPerson(
            id=str(c["id"]),
            first_name=c["first_name"],
            last_name=c["last_name"],
            emails=[e["value"] for e in c["email_addresses"]],
            phones=[p["value"] for p in c["phone_numbers"]],
            linkedin_urls=_linkedin(links),
            location=" | ".join(a["value"] for a in c["addresses"]),
            application_job_ids=[],
            resume_names=[],
            notes=[],
        )
    for a in applications:
        person = people.get(str(a["candidate_id"]))
        if person is not None and a.get("job_id"):
            person.application_job_ids.append(str(a["job_id"]))
    for a in attachments:
        person = people.get(str(a["candidate_id"]))
        if person is not None and a["type"] == "resume":
            person.resume_names.append(a["filename"])
    return people


def _ashby_snapshot(sandbox: Sandbox) -> dict[str, AtsPerson]:
    reader = AshbyReader(sandbox)
    org = sandbox.served.sandbox.state.org
    people = {}
    cursor = None
    while True:
        answer = reader._rpc("candidate.list", limit=100, **({"cursor": cursor} if cursor else {}))
        for c in answer["results"]:
            first, _, last = c["name"].partition(" ")
            resume = c.get("resumeFileHandle")
            people[c["id"]] = AtsPerson(
                id=c["id"],
                first_name=first,
                last_name=last,
                emails=[e["value"] for e in c.get("emailAddresses", [])],
                phones=[p["value"] for p in c.get("phoneNumbers", [])],
                linkedin_urls=_linkedin([link["url"] for link in c.get("socialLinks", [])]),
                location=(c.get("location") or {}).get("locationSummary", ""),
                application_job_ids=[
                    org.applications[a].job_id for a in c.get("applicationIds", [])
                ],
                resume_names=[resume["name"]] if resume else [],
                notes=[],
            )
        if not answer.get("moreDataAvailable"):
            break
        cursor = answer["nextCursor"]
    reader.close()
    return people
