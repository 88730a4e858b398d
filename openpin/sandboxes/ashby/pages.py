"""The page a candidate's `profileUrl` points at: a plain summary, like Ashby's app would show."""

from __future__ import annotations

from html import escape

from openpin.sandboxes.ashby import records as r


def candidate_profile_page(org: r.Organization, candidate_id: str) -> str | None:
    candidate = org.candidates.get(candidate_id)
    if candidate is None:
        return None
    rows = [
        ("Email", ", ".join(point.value for point in candidate.emails)),
        ("Phone", ", ".join(point.value for point in candidate.phones)),
        ("Position", " at ".join(filter(None, (candidate.position, candidate.company)))),
        ("School", candidate.school or ""),
        ("Tags", ", ".join(org.tags[tag_id].title for tag_id in candidate.tag_ids)),
        ("Resume", candidate.resume.name if candidate.resume else ""),
        ("Files", ", ".join(file.name for file in candidate.files)),
    ]
    details = "".join(
        f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>"
        for label, value in rows
        if value
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{escape(candidate.name)} · Ashby sandbox</title></head><body>"
        f"<h1>{escape(candidate.name)}</h1><table>{details}</table>"
        f"<h2>Links</h2><ul>{_links(candidate)}</ul>"
        f"<h2>Applications</h2><ul>{_applications(org, candidate)}</ul>"
        f"<h2>Notes</h2>{_notes(org, candidate)}"
        "</body></html>"
    )


def _links(candidate: r.Candidate) -> str:
    return "".join(
        f'<li>{escape(link.type)}: <a href="{escape(link.url)}">{escape(link.url)}</a></li>'
        for link in candidate.social_links
    )


def _applications(org: r.Organization, candidate: r.Candidate) -> str:
    items = []
    for application_id in candidate.application_ids:
        application = org.applications[application_id]
        job = org.jobs[application.job_id]
        plan = org.interview_plans[application.interview_plan_id]
        stage = next(s.title for s in plan.stages if s.id == application.stage_id)
        items.append(f"<li>{escape(job.title)}: {escape(stage)} ({application.status})</li>")
    return "".join(items)


def _notes(org: r.Organization, candidate: r.Candidate) -> str:
    notes = sorted(
        (note for note in org.notes.values() if note.candidate_id == candidate.id),
        key=lambda note: note.created_at,
    )
    return "".join(f"<article>{_note_html(note)}</article>" for note in notes)


def _note_html(note: r.Note) -> str:
    # HTML notes were reduced to Ashby's small set of safe tags when they were created.
    return note.content if note.content_type == "text/html" else escape(note.content)
