"""Scoring one candidate against a job, and the explanation a recruiter reads. Pure functions.

The score blends retrieval relevance (semantic similarity and keyword match) with structured fit:
skills coverage, how close the best role's title is, seniority, years of experience and location.
Each part is between 0 and 1; the explanation reports the facts behind them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from openpin.kit.normalise import parse_location
from openpin.sourcing.facts import (
    LEVELS,
    fold,
    level_fit,
    skill_key,
    title_similarity,
    words,
    years_fit,
)

WEIGHTS = {
    "semantic": 0.25,
    "keyword": 0.10,
    "skills": 0.28,
    "title": 0.12,
    "seniority": 0.08,
    "years": 0.05,
    "location": 0.12,
}
ASK_WEIGHT = 0.15
# Cosine above which a profile is shown as "like ones you accepted" (near-duplicate careers).
SIMILAR_TO_ACCEPTED = 0.85
# MiniLM cosine similarities of a job to profiles mostly fall between these two.
COSINE_FLOOR, COSINE_SPAN = 0.15, 0.55
# Older roles say less about what someone does now.
ROLE_RECENCY = (1.0, 0.85, 0.7, 0.6)
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "who",
        "what",
        "someone",
        "people",
        "person",
        "candidate",
        "candidates",
        "experience",
        "experienced",
        "years",
        "year",
    ]
)


@dataclass(frozen=True)
class Place:
    label: str
    city: str  # case-folded, "" when only a country was given
    country_code: str


@dataclass
class JobQuery:
    """What a job (plus the recruiter's Ask) asks for, in comparable form."""

    title: str
    description: str = ""
    must_have: list[str] = field(default_factory=list)
    nice_to_have: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    remote: bool = False
    level: int | None = None
    ask: str = ""

    @classmethod
    def from_job(cls, job: Any, ask: str = "", remote: bool | None = None) -> JobQuery:
        places, job_remote = parse_places(job.locations)
        level = LEVELS.index(job.seniority.value) if job.seniority else None
        return cls(
            title=job.title,
            description=job.description,
            must_have=list(job.must_have_skills),
            nice_to_have=[s for s in job.nice_to_have_skills if s not in job.must_have_skills],
            places=places,
            remote=job_remote if remote is None else remote,
            level=level,
            ask=ask.strip(),
        )

    @cached_property
    def skill_forms(self) -> dict[str, tuple[str, str]]:
        """Each job skill's comparison key and its folded phrase, computed once per search."""
        return {
            s: (skill_key(s), fold(skill_key(s))) for s in [*self.must_have, *self.nice_to_have]
        }

    @cached_property
    def ask_words(self) -> list[str]:
        return [w for w in dict.fromkeys(words(self.ask)) if w not in _STOPWORDS and len(w) > 1]

    def keyword_terms(self) -> list[str]:
        return [*words(self.title), *self.must_have, *self.nice_to_have, *self.ask_words]

    def embedding_text(self) -> str:
        """Written like a profile, which is what it is compared with."""
        skills = ", ".join([*self.must_have, *self.nice_to_have])
        level = f"{LEVELS[self.level].title()} level. " if self.level is not None else ""
        return f"{self.title}. {level}Skills: {skills}. {self.description[:600]}".strip()


def parse_places(locations: list[str]) -> tuple[list[Place], bool]:
    places, remote = [], False
    for label in locations:
        if "remote" in label.casefold():
            remote = True
        city, _region, country = parse_location(label)
        if city or country:
            places.append(Place(label, city.casefold(), country))
    return places, remote


@dataclass
class Explanation:
    matched_skills: list[str]
    missing_skills: list[str]  # must-haves the profile does not show
    missing_nice: list[str]
    role: dict[str, Any] | None  # the role that matched best: title, company, current, years
    years: float
    seniority: str
    seniority_fit: bool
    location: str
    location_match: str  # city, country, remote, elsewhere, unknown, any
    ask_matches: list[str]
    similar_to_accepted: bool
    parts: dict[str, float]

    def summary(self) -> str:
        bits = []
        total = len(self.matched_skills) + len(self.missing_skills) + len(self.missing_nice)
        if total:
            bits.append(f"{len(self.matched_skills)} of {total} skills")
        if self.role:
            when = "now" if self.role["current"] else "before"
            bits.append(f"{self.role['title']} ({when}, {self.role['years']} yrs)")
        bits.append(f"{self.years:g} years in total")
        bits.append(_LOCATION_WORDS.get(self.location_match, self.location_match))
        return " · ".join(bits)


_LOCATION_WORDS = {
    "city": "in the job's city",
    "country": "in the job's country",
    "remote": "remote role",
    "elsewhere": "outside the job's locations",
    "unknown": "location unknown",
    "any": "no location asked",
}


@dataclass
class Scored:
    candidate_id: int
    score: float
    explanation: Explanation


@dataclass
class Adjustments:
    """What the recruiter's decisions on this job changed, beyond the query vector."""

    level_shift: int = 0  # +1 after "too junior" declines, -1 after "too senior"
    location_weight: float = 1.0
    skills_weight: float = 1.0


def skill_coverage(
    job: JobQuery, skills: list[str], folded: str
) -> tuple[float, list[str], list[str], list[str]]:
    """Weighted share of the job's skills the profile lists (or names in its text)."""
    have = set(skills)

    def present(skill: str) -> bool:
        key, phrase = job.skill_forms[skill]
        return key in have or phrase in folded

    matched = [s for s in [*job.must_have, *job.nice_to_have] if present(s)]
    missing = [s for s in job.must_have if not present(s)]
    missing_nice = [s for s in job.nice_to_have if not present(s)]
    total = 2 * len(job.must_have) + len(job.nice_to_have)
    if not total:
        return 0.0, matched, missing, missing_nice
    got = 2 * (len(job.must_have) - len(missing)) + len(job.nice_to_have) - len(missing_nice)
    return got / total, matched, missing, missing_nice


def best_role(job: JobQuery, roles: list[dict[str, Any]]) -> tuple[float, dict[str, Any] | None]:
    best, chosen = 0.0, None
    for index, role in enumerate(roles):
        recency = ROLE_RECENCY[min(index, len(ROLE_RECENCY) - 1)]
        similarity = title_similarity(job.title, role["title"]) * recency
        if similarity > best:
            best, chosen = similarity, role
    return best, chosen


def location_fit(job: JobQuery, city: str, country: str) -> tuple[float, str]:
    if job.remote:
        return 1.0, "remote"
    if not job.places:
        return 1.0, "any"
    if not city and not country:
        return 0.3, "unknown"
    if any(p.city and p.city == city.casefold() for p in job.places):
        return 1.0, "city"
    if any(p.country_code and p.country_code == country for p in job.places):
        return 0.7, "country"
    return 0.0, "elsewhere"


def semantic_part(cosine: float) -> float:
    return min(1.0, max(0.0, (cosine - COSINE_FLOOR) / COSINE_SPAN))


@dataclass
class Evidence:
    """Retrieval signals for one candidate: None when that side had nothing for them."""

    cosine: float | None
    keyword: float  # 0..1, relative to the best keyword match
    accepted_similarity: float | None = None


def score_candidate(
    job: JobQuery,
    facts: dict[str, Any],
    folded: str,
    evidence: Evidence,
    adjustments: Adjustments | None = None,
) -> tuple[float, Explanation]:
    """`folded` is the profile's `match_text` (see `facts.fold`)."""
    adjust = adjustments or Adjustments()
    coverage, matched, missing, missing_nice = skill_coverage(job, facts["skills"], folded)
    title_part, role = best_role(job, facts["roles"] or [{"title": facts["current_title"]}])
    level = facts["level"]
    job_level = None if job.level is None else min(8, max(0, job.level + adjust.level_shift))
    location_part, location_match = location_fit(job, facts["city"], facts["country_code"])
    semantic = evidence.keyword if evidence.cosine is None else semantic_part(evidence.cosine)
    parts = {
        "semantic": semantic,
        "keyword": evidence.keyword,
        "skills": coverage if (job.must_have or job.nice_to_have) else title_part,
        "title": title_part,
        "seniority": 1.0 if job_level is None else level_fit(level, job_level),
        "years": 1.0 if job_level is None else years_fit(facts["years"], job_level),
        "location": location_part,
    }
    weights = dict(WEIGHTS)
    weights["location"] *= adjust.location_weight
    weights["skills"] *= adjust.skills_weight
    ask_matches = [w for w in job.ask_words if f" {w}" in folded]
    if job.ask_words:
        parts["ask"] = len(ask_matches) / len(job.ask_words)
        weights["ask"] = ASK_WEIGHT
    score = sum(weights[k] * parts[k] for k in weights) / sum(weights.values())
    explanation = Explanation(
        matched_skills=matched,
        missing_skills=missing,
        missing_nice=missing_nice,
        role=_role_view(role),
        years=facts["years"],
        seniority=LEVELS[level],
        seniority_fit=job_level is None or parts["seniority"] >= 0.6,
        location=_place(facts),
        location_match=location_match,
        ask_matches=ask_matches,
        similar_to_accepted=(evidence.accepted_similarity or 0.0) >= SIMILAR_TO_ACCEPTED,
        parts={k: round(v, 3) for k, v in parts.items()},
    )
    return score, explanation


def _role_view(role: dict[str, Any] | None) -> dict[str, Any] | None:
    if role is None or not role.get("title"):
        return None
    return {
        "title": role["title"],
        "company": role.get("company", ""),
        "current": bool(role.get("current", True)),
        "years": round(role.get("months", 0) / 12, 1),
    }


def _place(facts: dict[str, Any]) -> str:
    return ", ".join(p for p in (facts["city"], facts["country_name"]) if p)
