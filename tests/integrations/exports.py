"""Export data for the provider tests: one person with everything OpenPin can send."""

from __future__ import annotations

from datetime import date

from openpin.integrations.base import CandidateExport, Location, ResumeFile, Role, Schooling

RESUME_BYTES = b"%PDF-1.4\n% OpenPin test resume\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def full_export(tag: str = "ada") -> CandidateExport:
    return CandidateExport(
        first_name="Ada",
        last_name=f"Lovelace-{tag}",
        emails=(f"{tag}@example.com", f"{tag}.work@example.org"),
        phones=("+442079460000",),
        linkedin_url=f"https://www.linkedin.com/in/{tag}-lovelace",
        location=Location(city="London", state="England", country="United Kingdom"),
        roles=(
            Role("Staff Engineer", "Analytical Engines", date(2021, 3, 1), None, is_current=True),
            Role("Engineer", "Difference Works", date(2016, 9, 1), date(2021, 2, 1)),
        ),
        educations=(
            Schooling(
                "University of Oxford", "BSc", "Mathematics", date(2012, 10, 1), date(2015, 6, 1)
            ),
            Schooling("Nowhere Polytechnic", "Certificate in Basketry"),
        ),
        resume=ResumeFile(f"{tag}-lovelace.pdf", RESUME_BYTES),
        profile_url=f"https://openpin.example/candidates/{tag}",
        headline="Staff Engineer at Analytical Engines",
    )
