"""The personal line of an outreach email: from the profile and the job, never invented.

The offline composer is the default and always available: it states the candidate's current
role, the skills they share with the job, a relevant past role and, when it matters, where they
live. When a workspace configures an LLM, the model drafts the line instead from the same facts;
the draft is then checked against those facts (every name, number and skill it mentions must come
from the profile or the job) and a draft that fails the check, or is too long, is replaced by the
composer's line, with the reason kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from openpin.integrations.errors import IntegrationError
from openpin.integrations.llm.client import LlmClient
from openpin.models import Candidate, CandidateExperience, Job
from openpin.sequence.rendering import join_words

MAX_LINE_CHARS = 320
MAX_MATCHED_SKILLS = 4
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#.\-']*")
# Capitalised words a sentence may use without them being facts about the person.
_COMMON_CAPITALISED = frozenset(
    {
        "i",
        "i'm",
        "i've",
        "i'd",
        "your",
        "you",
        "you're",
        "we",
        "we're",
        "our",
        "my",
        "the",
        "a",
        "an",
        "and",
        "this",
        "that",
        "their",
        "it",
        "its",
        "hi",
        "hello",
        "with",
        "as",
        "at",
        "in",
        "on",
        "for",
        "from",
        "of",
        "to",
        "what",
        "when",
        "while",
        "since",
        "given",
        "having",
    }
)


@dataclass(frozen=True)
class Role:
    title: str
    company: str

    def phrase(self) -> str:
        if self.title and self.company:
            return f"{self.title} at {self.company}"
        return self.title or self.company


@dataclass(frozen=True)
class ProfileFacts:
    """Everything the personal line may say, and nothing else."""

    first_name: str
    current: Role | None
    relevant_past: Role | None
    matched_skills: list[str]
    all_skills: list[str]
    other_roles: list[Role]
    location: str
    job_title: str
    job_location: str
    job_skills: list[str]
    hiring_company: str

    def as_text(self) -> str:
        lines = [f"Candidate first name: {self.first_name}"]
        if self.current:
            lines.append(f"Current role: {self.current.phrase()}")
        if self.relevant_past:
            lines.append(f"Relevant past role: {self.relevant_past.phrase()}")
        for role in self.other_roles:
            lines.append(f"Other past role: {role.phrase()}")
        if self.matched_skills:
            lines.append("Skills matching the job: " + ", ".join(self.matched_skills))
        if self.all_skills:
            lines.append("All the candidate's skills: " + ", ".join(self.all_skills))
        if self.location:
            lines.append(f"Candidate location: {self.location}")
        lines.append(f"Job title: {self.job_title}")
        if self.job_location:
            lines.append(f"Job location: {self.job_location}")
        lines.append(f"Hiring company: {self.hiring_company}")
        return "\n".join(lines)


def _words(text: str) -> set[str]:
    return {w.lower().strip(".'-") for w in _WORD.findall(text)}


def _role(experience: CandidateExperience) -> Role:
    return Role(experience.title.strip(), experience.company.strip())


def _current_role(candidate: Candidate) -> Role | None:
    experiences = [e for e in candidate.experiences if e.title or e.company]
    current = next((e for e in experiences if e.is_current), None)
    if current is None and experiences and experiences[0].end_date is None:
        current = experiences[0]
    return _role(current) if current else None


def _relevance(experience: CandidateExperience, job: Job, skills: list[str]) -> int:
    title_overlap = len(_words(experience.title) & (_words(job.title) - _COMMON_CAPITALISED))
    text = f"{experience.title} {experience.description}".lower()
    return 2 * title_overlap + sum(1 for skill in skills if skill.lower() in text)


def _relevant_past_role(candidate: Candidate, job: Job, current: Role | None) -> Role | None:
    job_skills = [*job.must_have_skills, *job.nice_to_have_skills]
    past = [e for e in candidate.experiences if (e.title or e.company) and _role(e) != current]
    scored = [(_relevance(e, job, job_skills), -i, e) for i, e in enumerate(past)]
    best = max(scored, default=None, key=lambda item: item[:2])
    return _role(best[2]) if best is not None and best[0] > 0 else None


def matched_skills(candidate: Candidate, job: Job) -> list[str]:
    """The job's skills (must-haves first) that the candidate lists, in the job's spelling."""
    have = {skill.casefold() for skill in candidate.skills}
    wanted = [*job.must_have_skills, *job.nice_to_have_skills]
    seen: set[str] = set()
    matched = []
    for skill in wanted:
        key = skill.casefold()
        if key in have and key not in seen:
            seen.add(key)
            matched.append(skill)
    return matched


def candidate_location(candidate: Candidate) -> str:
    return ", ".join(part for part in (candidate.city, candidate.country_name) if part)


def profile_facts(candidate: Candidate, job: Job, hiring_company: str) -> ProfileFacts:
    """Needs `candidate.experiences` loaded."""
    current = _current_role(candidate)
    past = _relevant_past_role(candidate, job, current)
    others = [
        _role(e)
        for e in candidate.experiences
        if (e.title or e.company) and _role(e) not in (current, past)
    ]
    return ProfileFacts(
        first_name=candidate.first_name or candidate.full_name.split(" ")[0],
        current=current,
        relevant_past=past,
        matched_skills=matched_skills(candidate, job),
        all_skills=list(candidate.skills),
        other_roles=others[:5],
        location=candidate_location(candidate),
        job_title=job.title,
        job_location=", ".join(job.locations),
        job_skills=[*job.must_have_skills, *job.nice_to_have_skills],
        hiring_company=hiring_company,
    )


# --- the offline composer ---------------------------------------------------------------------


def compose_line(facts: ProfileFacts) -> str:
    """One or two plain sentences; a clause whose fact is missing is left out."""
    skills = join_words(facts.matched_skills[:MAX_MATCHED_SKILLS])
    if facts.current:
        first = f"Your work as {facts.current.phrase()} caught my attention"
        first += (
            f": your experience with {skills} is exactly what our {facts.job_title} role needs."
            if skills
            else "."
        )
    elif skills:
        first = f"Your experience with {skills} is exactly what our {facts.job_title} role needs."
    else:
        first = f"Your background stood out to me for our {facts.job_title} role."
    sentences = [first]
    if facts.relevant_past:
        sentences.append(f"Your time as {facts.relevant_past.phrase()} looks especially relevant.")
    if facts.location and _location_fits(facts):
        city = facts.location.split(",")[0]
        sentences.append(f"The role works well from {city}, too.")
    return _fit(sentences)


def _location_fits(facts: ProfileFacts) -> bool:
    if not facts.job_location:
        return False
    places = _words(facts.location)
    return bool(places & _words(facts.job_location))


def _fit(sentences: list[str]) -> str:
    # Drop trailing sentences rather than cut one in the middle.
    while len(sentences) > 1 and len(" ".join(sentences)) > MAX_LINE_CHARS:
        sentences.pop()
    return " ".join(sentences)[:MAX_LINE_CHARS]


# --- the LLM path -----------------------------------------------------------------------------

SYSTEM_PROMPT = (
    "You write the opening of a recruiter's first email to a candidate: one or two sentences, "
    "warm and specific, in plain text. Use ONLY the facts given: do not mention any company, "
    "school, skill, number, place or achievement that is not in the facts. No greeting, no "
    "sign-off, no quotation marks. At most {limit} characters."
)


@dataclass
class PersonalLine:
    text: str
    source: str  # "composer" or "llm"
    notes: list[str] = field(default_factory=list)  # why an LLM draft was not used


def check_draft(draft: str, facts: ProfileFacts) -> list[str]:
    """Problems with an LLM draft: too long, or names/numbers/skills absent from the facts."""
    problems = []
    if not draft.strip():
        problems.append("the draft is empty")
    if len(draft) > MAX_LINE_CHARS:
        problems.append(f"the draft is {len(draft)} characters, over the {MAX_LINE_CHARS} limit")
    known = _words(facts.as_text())
    invented = [w for w in _claimed_terms(draft) if w.lower().strip(".'-") not in known]
    if invented:
        problems.append("it mentions " + ", ".join(sorted(set(invented))) + ", not in the profile")
    claimed = _unheld_job_skills(draft, facts)
    if claimed:
        problems.append("it credits skills the profile does not list: " + ", ".join(claimed))
    return problems


def _claimed_terms(draft: str) -> list[str]:
    """Capitalised words inside sentences, and numbers: the words that carry facts."""
    terms = []
    for sentence in re.split(r"(?<=[.!?])\s+", draft.strip()):
        for position, word in enumerate(_WORD.findall(sentence)):
            bare = word.strip(".'-")
            capitalised = position > 0 and bare[:1].isupper()
            if any(ch.isdigit() for ch in bare) or (
                capitalised and bare.lower() not in _COMMON_CAPITALISED
            ):
                terms.append(bare)
    return terms


def _unheld_job_skills(draft: str, facts: ProfileFacts) -> list[str]:
    held = {skill.casefold() for skill in facts.all_skills}
    text = f" {' '.join(_WORD.findall(draft.casefold()))} "
    return [
        skill
        for skill in facts.job_skills
        if skill.casefold() not in held and f" {skill.casefold()} " in text
    ]


def draft_with_llm(client: LlmClient, facts: ProfileFacts) -> str:
    messages = [
        {"role": "system", "content": SYSTEM_PROMPT.format(limit=MAX_LINE_CHARS)},
        {"role": "user", "content": "Facts:\n" + facts.as_text()},
    ]
    return client.complete(messages, max_tokens=160, temperature=0.3).strip().strip('"')


def personal_line(facts: ProfileFacts, client: LlmClient | None) -> PersonalLine:
    """The LLM's line when configured and it passes the fact check; the composer's otherwise.

    An LLM outage is not an error here: the composer's line is as good a fallback as any, and the
    reason is kept in `notes` for the outbox to show.
    """
    composed = compose_line(facts)
    if client is None:
        return PersonalLine(composed, "composer")
    try:
        draft = draft_with_llm(client, facts)
    except IntegrationError as exc:
        return PersonalLine(composed, "composer", [f"The LLM was not used: {exc.message}"])
    problems = check_draft(draft, facts)
    if problems:
        return PersonalLine(
            composed, "composer", ["The LLM draft was rejected: " + "; ".join(problems)]
        )
    return PersonalLine(draft, "llm")
