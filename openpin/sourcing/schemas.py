"""API shapes for sourcing: matches with their explanations, feedback, index status."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from openpin.models.sourcing import DeclineReason, FeedbackDecision


class MatchedRole(BaseModel):
    title: str
    company: str
    current: bool
    years: float


class MatchExplanation(BaseModel):
    summary: str = Field(description="One line a recruiter can read")
    matched_skills: list[str]
    missing_skills: list[str] = Field(description="Must-have skills the profile does not show")
    missing_nice_to_have: list[str]
    role: MatchedRole | None = Field(description="The role whose title matched the job best")
    years_experience: float
    seniority: str
    seniority_fit: bool
    location: str
    location_match: str = Field(description="city, country, remote, elsewhere, unknown or any")
    ask_matches: list[str] = Field(description="Words of the Ask found in the profile")
    similar_to_accepted: bool
    parts: dict[str, float] = Field(description="Each part of the score, between 0 and 1")


class Match(BaseModel):
    candidate_id: int
    full_name: str
    headline: str
    score: int = Field(description="0 to 100, higher is a better fit")
    decision: str | None = Field(description="accept when you accepted this candidate already")
    explanation: MatchExplanation


class IndexStatus(BaseModel):
    candidates: int
    indexed: int
    embedded: int
    pending_text: int
    pending_embedding: int
    complete: bool


class MatchPage(BaseModel):
    items: list[Match]
    next_cursor: str | None
    total: int
    learned_from: int = Field(description="Accept/decline decisions on this job used in ranking")
    notes: list[str]
    index: IndexStatus


class FeedbackCreate(BaseModel):
    candidate_id: int
    decision: FeedbackDecision
    reason: DeclineReason | None = None
    note: str = Field(default="", max_length=2000)


class Feedback(BaseModel):
    job_id: int
    candidate_id: int
    decision: FeedbackDecision
    reason: DeclineReason | None
    note: str


def explanation_schema(explanation: Any) -> MatchExplanation:
    return MatchExplanation(
        summary=explanation.summary(),
        matched_skills=explanation.matched_skills,
        missing_skills=explanation.missing_skills,
        missing_nice_to_have=explanation.missing_nice,
        role=MatchedRole(**explanation.role) if explanation.role else None,
        years_experience=explanation.years,
        seniority=explanation.seniority,
        seniority_fit=explanation.seniority_fit,
        location=explanation.location,
        location_match=explanation.location_match,
        ask_matches=explanation.ask_matches,
        similar_to_accepted=explanation.similar_to_accepted,
        parts=explanation.parts,
    )
