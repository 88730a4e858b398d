"""Small, pure readings of a profile that ranking needs: skill keys, title words, seniority, years.

These are deliberately simple and explainable: a recruiter must be able to check each one
against the profile ("5 of 6 skills", "Senior title, 7 years").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

# Spellings people use for the same skill. The key is what both the job and the profile are
# reduced to before comparing, so "k8s" on a profile matches "Kubernetes" on a job.
SKILL_ALIASES = {
    "k8s": "kubernetes",
    "js": "javascript",
    "ts": "typescript",
    "golang": "go",
    "postgres": "postgresql",
    "psql": "postgresql",
    "node": "node.js",
    "nodejs": "node.js",
    "reactjs": "react",
    "react.js": "react",
    "ml": "machine learning",
    "sklearn": "scikit-learn",
    "gcp": "google cloud",
    "google cloud platform": "google cloud",
    "amazon web services": "aws",
    "rest": "rest apis",
    "rest api": "rest apis",
    "restful apis": "rest apis",
    "ci cd": "ci/cd",
    "cicd": "ci/cd",
    "c sharp": "c#",
    "objective c": "objective-c",
    "ux research": "user research",
    "ppc": "paid acquisition",
    "sem": "paid acquisition",
    "fp&a": "financial planning",
}

# Seniority levels in the order of `openpin.models.job.Seniority`.
LEVELS = (
    "intern",
    "junior",
    "mid",
    "senior",
    "lead",
    "principal",
    "manager",
    "director",
    "executive",
)
MID_LEVEL = 2
# Where each level sits on one career line, so "manager" is close to "lead" and "principal".
LEVEL_RANK = (0.0, 1.0, 2.0, 3.0, 4.0, 4.6, 4.4, 5.6, 6.6)
# Years of experience typical for each level: (low, high).
LEVEL_YEARS = ((0, 1), (0, 3), (2, 6), (5, 11), (7, 14), (9, 20), (6, 16), (10, 22), (14, 30))

_TITLE_LEVEL_WORDS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (8, ("chief", "vp", "vice president", "ceo", "cto", "cfo", "coo", "cmo", "head of")),
    (7, ("director",)),
    (6, ("manager",)),
    (5, ("principal", "staff")),
    (4, ("lead", "head")),
    (3, ("senior", "sr")),
    (1, ("junior", "jr", "associate", "graduate", "trainee", "assistant", "student")),
    (0, ("intern", "internship")),
)
# Words that say how senior a title is rather than what the work is.
_LEVEL_WORDS = frozenset(
    w for _, words in _TITLE_LEVEL_WORDS for phrase in words for w in phrase.split()
) | {"i", "ii", "iii", "iv", "of", "and", "the", "at", "for"}
_WORD = re.compile(r"[a-z0-9][a-z0-9+#./-]*")


@lru_cache(maxsize=65536)
def skill_key(skill: str) -> str:
    """Lower case, single spaces, common aliases folded: the form skills are compared in."""
    key = " ".join(skill.casefold().replace("_", " ").split()).strip(" .,;")
    return SKILL_ALIASES.get(key, key)


def skill_keys(skills: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for skill in skills:
        key = skill_key(skill)
        if key:
            seen.setdefault(key, None)
    return list(seen)


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def fold(text: str) -> str:
    """Lower-case words between single spaces, so " phrase " finds whole words only."""
    return f" {' '.join(words(text))} "


def _stem(word: str) -> str:
    # Enough to make "engineers"/"engineer" and "analytics"/"analytic" meet; no more.
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


@lru_cache(maxsize=65536)  # titles repeat across a pool; ranking asks for them constantly
def title_words(title: str) -> frozenset[str]:
    """The work a title names, without seniority words: "Senior Backend Engineer" -> backend,
    engineer."""
    return frozenset(_stem(w) for w in words(title) if w not in _LEVEL_WORDS)


def title_similarity(job_title: str, role_title: str) -> float:
    """Share of the job title's work words found in the role title (0..1)."""
    wanted = title_words(job_title)
    if not wanted:
        return 0.0
    return len(wanted & title_words(role_title)) / len(wanted)


def level_of_title(title: str) -> int:
    """The seniority level a title states (index into LEVELS); plain titles are mid-level."""
    text = f" {' '.join(words(title))} "
    for level, phrases in _TITLE_LEVEL_WORDS:
        if any(f" {phrase} " in text for phrase in phrases):
            return level
    return MID_LEVEL


def level_fit(candidate_level: int, job_level: int) -> float:
    """1.0 at the same level, falling with the distance on the career line."""
    distance = abs(LEVEL_RANK[candidate_level] - LEVEL_RANK[job_level])
    return max(0.0, 1.0 - 0.4 * distance)


def years_fit(years: float, job_level: int) -> float:
    low, high = LEVEL_YEARS[job_level]
    if low <= years <= high:
        return 1.0
    gap = low - years if years < low else years - high
    return max(0.0, 1.0 - 0.15 * gap)


def months_between(start: date, end: date) -> int:
    return max(0, (end.year - start.year) * 12 + end.month - start.month)


def experience_months(spans: Iterable[tuple[date, date]]) -> int:
    """Months covered by the roles, overlaps counted once (two jobs at once are not two years)."""
    total, current_start, current_end = 0, None, None
    for start, end in sorted(spans):
        if current_end is None or start > current_end:
            if current_start is not None and current_end is not None:
                total += months_between(current_start, current_end)
            current_start, current_end = start, end
        elif end > current_end:
            current_end = end
    if current_start is not None and current_end is not None:
        total += months_between(current_start, current_end)
    return total
