"""Writes the sourcing evaluation set: jobs, profiles and a graded judgement per (job, profile).

Every profile is generated from explicit facts (its line of work, level, years, skills, city) and
then written the way people write profiles: a title chosen among the ones used for that work,
skills sometimes in another spelling, a summary describing the work. The grade of a profile for
a job is computed from the facts only, never from the text, so it measures whether search finds
the right people however they phrase themselves:

- 3: same line of work, every must-have skill, level within one step, and in the job's country
  (or the job is remote);
- 2: same line of work and at least half of the must-have skills;
- 1: same line of work otherwise, or a related line of work with at least one must-have skill;
- 0: anything else (not stored).

Run `python -m openpin.sourcing.eval.generate` to rewrite bench/data/sourcing_eval.json.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any

from openpin.sourcing.eval.roles import PLACES, ROLE_BY_KEY, ROLES, Role

SEED = 20261123
PROFILES = 600
OUTPUT = Path(__file__).resolve().parents[3] / "bench" / "data" / "sourcing_eval.json"
LEVELS = ("junior", "mid", "senior", "lead")
LEVEL_INDEX = {"junior": 1, "mid": 2, "senior": 3, "lead": 4}  # as in openpin.models.Seniority
LEVEL_WEIGHTS = (2, 4, 4, 1)
YEARS = {"junior": (0, 2), "mid": (2, 5), "senior": (5, 10), "lead": (8, 14)}
PREFIX = {"junior": "Junior ", "mid": "", "senior": "Senior ", "lead": "Lead "}
COMPANIES = ("Northwind", "Blue Harbor", "Kestrel", "Aurora", "Ironbridge", "Maple", "Helix")
CURRENT_YEAR = 2026


def _title(rng: random.Random, role: Role, level: str) -> str:
    base = role.titles[0] if rng.random() < 0.4 else rng.choice(role.titles[1:])
    return f"{PREFIX[level]}{base}"


def _written(rng: random.Random, role: Role, skill: str) -> str:
    spellings = role.skills.get(skill, ())
    return rng.choice(spellings) if spellings and rng.random() < 0.45 else skill


def _skills(rng: random.Random, role: Role) -> list[str]:
    own = rng.sample(list(role.skills), rng.randint(3, min(5, len(role.skills))))
    other = rng.choice([r for r in ROLES if r.key != role.key])
    return own + rng.sample(list(other.skills), rng.randint(0, 2))


def _facts(rng: random.Random, index: int) -> dict[str, Any]:
    role = rng.choice(ROLES)
    level = rng.choices(LEVELS, weights=LEVEL_WEIGHTS)[0]
    city, code, country = rng.choice(PLACES)
    return {
        "key": f"p{index:04d}",
        "role": role.key,
        "level": level,
        "years": rng.randint(*YEARS[level]),
        "skills": _skills(rng, role),
        "city": city,
        "country_code": code,
        "country": country,
    }


def _profile(rng: random.Random, facts: dict[str, Any], index: int) -> dict[str, Any]:
    role = ROLE_BY_KEY[facts["role"]]
    title = _title(rng, role, facts["level"])
    written = [_written(rng, ROLE_BY_KEY.get(facts["role"], role), s) for s in facts["skills"]]
    company = f"{rng.choice(COMPANIES)} {rng.choice(('Group', 'Labs', 'Ltd', 'Health', 'Systems'))}"
    start = CURRENT_YEAR - max(1, facts["years"])
    current_start = max(start, CURRENT_YEAR - rng.randint(1, 4))
    roles = [
        {
            "title": title,
            "company": company,
            "start_date": f"{current_start}-03-01",
            "is_current": True,
        }
    ]
    if current_start > start:
        earlier = (
            ROLE_BY_KEY[rng.choice(role.related)] if role.related and rng.random() < 0.3 else role
        )
        roles.append(
            {
                "title": rng.choice(earlier.titles),
                "company": f"{rng.choice(COMPANIES)} Partners",
                "start_date": f"{start}-01-01",
                "end_date": f"{current_start}-02-01",
            }
        )
    summary = (
        f"{rng.choice(role.work)} {facts['years']} years of experience. "
        f"Day to day I use {', '.join(written[:3])}."
    )
    return {
        "full_name": f"Eval Person {index:04d}",
        "emails": [f"eval.person.{index:04d}@example.org"],
        "headline": f"{title} at {company}",
        "summary": summary,
        "skills": written,
        "location": {"city": facts["city"], "country": facts["country_code"]},
        "experiences": roles,
    }


def _jobs(rng: random.Random) -> list[dict[str, Any]]:
    jobs = []
    for number, role in enumerate([*ROLES, *rng.sample(ROLES, 6)]):
        level = rng.choice(("mid", "senior", "senior", "lead", "junior"))
        skills = list(role.skills)
        rng.shuffle(skills)
        remote = rng.random() < 0.3
        city, _code, country = rng.choice(PLACES)
        jobs.append(
            {
                "key": f"j{number:02d}",
                "role": role.key,
                "title": f"{PREFIX[level]}{role.titles[0]}",
                "description": " ".join(rng.sample(role.work, len(role.work))),
                "locations": ["Remote"] if remote else [f"{city}, {country}"],
                "must_have_skills": skills[: 2 + (number % 2)],
                "nice_to_have_skills": skills[3:5],
                "seniority": level,
            }
        )
    return jobs


def grade(job: dict[str, Any], facts: dict[str, Any]) -> int:
    """The relevance of a profile for a job, from the planted facts alone (see module docstring)."""
    must = job["must_have_skills"]
    held = sum(1 for skill in must if skill in facts["skills"])
    if facts["role"] == job["role"]:
        level_ok = abs(LEVEL_INDEX[facts["level"]] - LEVEL_INDEX[job["seniority"]]) <= 1
        place_ok = job["locations"] == ["Remote"] or job["locations"][0].endswith(facts["country"])
        if held == len(must) and level_ok and place_ok:
            return 3
        return 2 if held >= math.ceil(len(must) / 2) else 1
    related = facts["role"] in ROLE_BY_KEY[job["role"]].related
    return 1 if related and held else 0


def build(seed: int = SEED, profiles: int = PROFILES) -> dict[str, Any]:
    rng = random.Random(seed)
    facts = [_facts(rng, index) for index in range(profiles)]
    people = [_profile(rng, f, index) for index, f in enumerate(facts)]
    jobs = _jobs(rng)
    judgements = {job["key"]: {f["key"]: g for f in facts if (g := grade(job, f))} for job in jobs}
    return {
        "about": __doc__,
        "seed": seed,
        "jobs": jobs,
        "profiles": [
            {"key": f["key"], "facts": f, "candidate": p}
            for f, p in zip(facts, people, strict=True)
        ],
        "judgements": judgements,
    }


def main() -> None:
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    data = build()
    OUTPUT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(data['jobs'])} jobs and {len(data['profiles'])} profiles to {OUTPUT}")


if __name__ == "__main__":
    main()
