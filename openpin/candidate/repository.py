"""All candidate SQL. Every query is scoped to the repository's workspace."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import selectinload

from openpin.kit.repository import WorkspaceRepository
from openpin.models import Candidate, CandidateEmail

FULL_PROFILE = (
    selectinload(Candidate.emails),
    selectinload(Candidate.phones),
    selectinload(Candidate.experiences),
    selectinload(Candidate.educations),
)


@dataclass
class CandidateFilters:
    country_code: str | None = None
    city: str | None = None
    skill: str | None = None
    source: str | None = None
    has_email: bool | None = None


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class CandidateRepository(WorkspaceRepository[Candidate]):
    model = Candidate
    noun = "candidate"

    def get_full(self, candidate_id: int) -> Candidate:
        return self.get(candidate_id, *FULL_PROFILE)

    def load_full(self, candidate_ids: Iterable[int]) -> dict[int, Candidate]:
        ids = list(set(candidate_ids))
        if not ids:
            return {}
        query = self.base_query().where(Candidate.id.in_(ids)).options(*FULL_PROFILE)
        return {candidate.id: candidate for candidate in self.session.scalars(query)}

    def ids_by_email(self, emails: Iterable[str]) -> dict[str, int]:
        values = list(set(emails))
        if not values:
            return {}
        rows = self.session.execute(
            select(CandidateEmail.email, CandidateEmail.candidate_id)
            .where(CandidateEmail.workspace_id == self.workspace_id)
            .where(CandidateEmail.email.in_(values))
        )
        return {email: candidate_id for email, candidate_id in rows}

    def ids_by_linkedin(self, urls: Iterable[str]) -> dict[str, int]:
        values = list(set(urls))
        if not values:
            return {}
        rows = self.session.execute(
            select(Candidate.linkedin_url, Candidate.id)
            .where(Candidate.workspace_id == self.workspace_id)
            .where(Candidate.linkedin_url.in_(values))
        )
        return {url: candidate_id for url, candidate_id in rows if url}

    def search_query(self, q: str | None, filters: CandidateFilters) -> Select[Candidate]:
        query = self.base_query()
        for word in (q or "").lower().split():
            query = query.where(Candidate.search_text.like(_like_pattern(word), escape="\\"))
        return self._apply_filters(query, filters)

    def _apply_filters(self, query: Any, filters: CandidateFilters) -> Any:
        if filters.country_code:
            query = query.where(Candidate.country_code == filters.country_code.upper())
        if filters.city:
            query = query.where(func.lower(Candidate.city) == filters.city.strip().lower())
        if filters.skill:
            pattern = _like_pattern(f"|{filters.skill.strip().lower()}|")
            query = query.where(Candidate.skill_keys.like(pattern, escape="\\"))
        if filters.source:
            query = query.where(Candidate.source == filters.source)
        if filters.has_email is not None:
            has_email = exists().where(CandidateEmail.candidate_id == Candidate.id)
            query = query.where(has_email if filters.has_email else ~has_email)
        return query

    def page(
        self, q: str | None, filters: CandidateFilters, after_id: int | None, limit: int
    ) -> list[Candidate]:
        query = self.search_query(q, filters)
        if after_id is not None:
            query = query.where(Candidate.id < after_id)
        query = query.order_by(Candidate.id.desc()).limit(limit + 1).options(*FULL_PROFILE)
        return list(self.session.scalars(query))

    def count(self, q: str | None, filters: CandidateFilters) -> int:
        subquery = self.search_query(q, filters).with_only_columns(Candidate.id).subquery()
        return self.session.scalar(select(func.count()).select_from(subquery)) or 0

    def distinct_values(self, column: str, limit: int = 200) -> list[str]:
        """Values present in the workspace, for filter drop-downs."""
        attribute = getattr(Candidate, column)
        query = (
            select(attribute)
            .where(Candidate.workspace_id == self.workspace_id, attribute != "")
            .group_by(attribute)
            .order_by(attribute)
            .limit(limit)
        )
        return [value for value in self.session.scalars(query) if value]

    def countries_present(self) -> list[tuple[str, str]]:
        query = (
            select(Candidate.country_code, func.max(Candidate.country_name))
            .where(Candidate.workspace_id == self.workspace_id, Candidate.country_code != "")
            .group_by(Candidate.country_code)
        )
        rows = [(code, name or code) for code, name in self.session.execute(query)]
        return sorted(rows, key=lambda row: row[1])
