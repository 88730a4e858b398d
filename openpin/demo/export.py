"""Write demo people as a CSV in the style of an ATS / LinkedIn Recruiter export.

The headers are ones `openpin.candidate.importers` understands, so the file round-trips through
the importer (the demo and the import benchmark rely on it). A flat CSV holds the current role
and the latest education only, as real exports do.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from os import PathLike

from openpin.demo.people import Person
from openpin.kit.normalise import normalise_country

__all__ = ["PEOPLE_CSV_HEADERS", "person_csv_row", "write_people_csv"]

PEOPLE_CSV_HEADERS: tuple[str, ...] = (
    "First Name",
    "Last Name",
    "Headline",
    "Email Address",
    "Phone Number",
    "LinkedIn Profile URL",
    "Location",
    "Current Title",
    "Current Company",
    "Start Date",
    "Skills",
    "Summary",
    "School",
    "Degree",
    "Field of Study",
    "Graduation Year",
    "Source",
)


def write_people_csv(path: str | PathLike[str], people: Iterable[Person]) -> int:
    """Stream people into a UTF-8 CSV at `path`; returns the number of rows written."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PEOPLE_CSV_HEADERS)
        for person in people:
            writer.writerow(person_csv_row(person))
            count += 1
    return count


def person_csv_row(person: Person) -> list[str]:
    current = person.roles[0]
    education = person.educations[0] if person.educations else None
    country = normalise_country(person.country_code).name
    return [
        person.first_name,
        person.last_name,
        person.headline,
        person.email,
        person.phone,
        person.linkedin_url,
        f"{person.city}, {person.region}, {country}",
        current.title,
        current.company,
        current.start.strftime("%Y-%m"),
        "; ".join(person.skills),
        person.summary,
        education.school if education else "",
        education.degree if education else "",
        education.field if education else "",
        str(education.end_year) if education else "",
        "Demo",
    ]
