"""Candidate rules: dedupe-on-write, partial updates, listing, timeline. Never commits."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import insert
from sqlalchemy.orm import Session

from openpin.activity.service import candidate_timeline, record_event
from openpin.candidate import schemas
from openpin.candidate.merge import (
    ChildRows,
    candidate_row,
    education_row,
    experience_row,
    merge_into,
    refresh_search_fields,
)
from openpin.candidate.normalise import (
    CleanCandidate,
    clean_candidate,
    clean_educations,
    clean_emails,
    clean_experiences,
    clean_linkedin,
    clean_location,
    clean_names,
    clean_phones,
    dedupe_keep_order,
)
from openpin.candidate.repository import CandidateFilters, CandidateRepository
from openpin.candidate.schemas import EducationIn, ExperienceIn
from openpin.errors import Conflict, OpenPinError, ValidationFailed
from openpin.kit.pagination import Page, clamp_limit, decode_cursor, encode_cursor
from openpin.models import ActivityEvent, Candidate, CandidateEmail, CandidatePhone
from openpin.models.base import utcnow

DEFAULT_REGION = "US"


@dataclass
class WriteOutcome:
    """The result of writing one input record: created, merged, or an error for that record."""

    line: int
    candidate_id: int | None = None
    merged: bool = False
    failure: OpenPinError | None = None

    @property
    def error(self) -> str | None:
        return self.failure.message if self.failure else None


@dataclass
class FilterOptions:
    countries: list[tuple[str, str]]  # (ISO code, name), by name
    sources: list[str]


@dataclass
class _Batch:
    """Identity keys (`email:...`, `linkedin:...`) known so far, so one person is one candidate."""

    owners: dict[str, int]  # key -> id of the stored candidate holding it
    loaded: dict[int, Candidate] = field(default_factory=dict)
    pending: list[tuple[WriteOutcome, CleanCandidate]] = field(default_factory=list)
    pending_keys: set[str] = field(default_factory=set)

    def add_pending(self, outcome: WriteOutcome, clean: CleanCandidate) -> None:
        self.pending.append((outcome, clean))
        self.pending_keys.update(clean.identity_keys)


def _identity_values_free_for(
    target_id: int, clean: CleanCandidate, owners: dict[str, int]
) -> tuple[list[str], str | None]:
    """Emails and LinkedIn URL that belong to nobody else; another person's are left alone."""

    def free(key: str) -> bool:
        return owners.get(key, target_id) == target_id

    emails = [email for email in clean.emails if free(f"email:{email}")]
    linkedin = clean.linkedin_url
    if linkedin and not free(f"linkedin:{linkedin}"):
        linkedin = None
    return emails, linkedin


class CandidateService:
    def __init__(
        self,
        session: Session,
        workspace_id: int,
        actor_user_id: int | None = None,
        default_region: str = DEFAULT_REGION,
    ) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.actor_user_id = actor_user_id
        self.default_region = default_region
        self.repo = CandidateRepository(session, workspace_id)

    # -- writing -------------------------------------------------------------------------

    def create(
        self, data: schemas.CandidateCreate, via: str = "api"
    ) -> schemas.CandidateWriteResult:
        outcome = self.write_many([(1, data)], via=via)[0]
        if outcome.failure is not None:
            raise outcome.failure
        assert outcome.candidate_id is not None
        candidate = self.repo.get_full(outcome.candidate_id)
        return schemas.CandidateWriteResult(
            candidate=self.to_schema(candidate),
            merged=outcome.merged,
            merged_into_id=candidate.id if outcome.merged else None,
        )

    def write_many(
        self, rows: Iterable[tuple[int, schemas.CandidateCreate]], via: str = "import"
    ) -> builtins.list[WriteOutcome]:
        """Create or merge many records with a handful of queries (the import path).

        A record matching an existing candidate (or an earlier record of the same batch) by any
        normalised email or the LinkedIn URL is merged into it, never created twice. New
        candidates are inserted in bulk; merges go through the ORM (they are the rare case).
        """
        outcomes: builtins.list[WriteOutcome] = []
        cleaned: builtins.list[tuple[WriteOutcome, CleanCandidate]] = []
        for line, data in rows:
            outcome = WriteOutcome(line=line)
            outcomes.append(outcome)
            try:
                cleaned.append((outcome, self._clean(data)))
            except OpenPinError as exc:
                outcome.failure = exc
        batch = _Batch(self._load_stored_owners([clean for _, clean in cleaned]))
        for outcome, clean in cleaned:
            self._write_one(outcome, clean, batch, via)
        self._insert_pending(batch, via)
        self.session.flush()
        return outcomes

    def _clean(self, data: schemas.CandidateCreate) -> CleanCandidate:
        clean = clean_candidate(data, self.default_region)
        if clean.owner_id is not None and not self.repo.user_in_workspace(clean.owner_id):
            raise ValidationFailed(
                f"owner_id: no user with id {clean.owner_id} in this workspace.", field="owner_id"
            )
        return clean

    def _load_stored_owners(self, cleaned: builtins.list[CleanCandidate]) -> dict[str, int]:
        emails = [email for clean in cleaned for email in clean.emails]
        urls = [clean.linkedin_url for clean in cleaned if clean.linkedin_url]
        owners = {f"email:{e}": cid for e, cid in self.repo.ids_by_email(emails).items()}
        owners.update({f"linkedin:{u}": cid for u, cid in self.repo.ids_by_linkedin(urls).items()})
        return owners

    def _write_one(
        self, outcome: WriteOutcome, clean: CleanCandidate, batch: _Batch, via: str
    ) -> None:
        keys = clean.identity_keys
        if any(key in batch.pending_keys for key in keys):
            # A second record for a person first seen in this batch: store the first, then merge.
            self._insert_pending(batch, via)
        target_id = next((batch.owners[k] for k in keys if k in batch.owners), None)
        if target_id is None:
            batch.add_pending(outcome, clean)
            return
        target = self._loaded(batch, target_id)
        emails, linkedin = _identity_values_free_for(target.id, clean, batch.owners)
        changes = merge_into(target, clean, emails, linkedin)
        for key in keys:
            batch.owners.setdefault(key, target.id)
        outcome.candidate_id, outcome.merged = target.id, True
        if changes:
            self._event("candidate.merged", target.id, {"via": via, "added": changes})

    def _loaded(self, batch: _Batch, candidate_id: int) -> Candidate:
        if candidate_id not in batch.loaded:
            wanted = set(batch.owners.values()) - set(batch.loaded)
            batch.loaded.update(self.repo.load_full(wanted))
        return batch.loaded[candidate_id]

    def _insert_pending(self, batch: _Batch, via: str) -> None:
        """Insert the batch's new candidates with bulk statements, children and events included."""
        if not batch.pending:
            return
        rows = [candidate_row(self.workspace_id, clean) for _, clean in batch.pending]
        statement = insert(Candidate).returning(Candidate.id, sort_by_parameter_order=True)
        ids = list(self.session.scalars(statement, rows))
        children = ChildRows()
        for candidate_id, (outcome, clean) in zip(ids, batch.pending, strict=True):
            outcome.candidate_id = candidate_id
            children.add(self.workspace_id, candidate_id, clean)
            for key in clean.identity_keys:
                batch.owners.setdefault(key, candidate_id)
        children.insert(self.session)
        self._bulk_events(ids, "candidate.created", {"via": via})
        batch.pending.clear()
        batch.pending_keys.clear()

    def _bulk_events(
        self, candidate_ids: builtins.list[int], type_: str, data: dict[str, Any]
    ) -> None:
        now = utcnow()
        rows = [
            {
                "workspace_id": self.workspace_id,
                "type": type_,
                "candidate_id": candidate_id,
                "actor_user_id": self.actor_user_id,
                "data": data,
                "created_at": now,
                "updated_at": now,
            }
            for candidate_id in candidate_ids
        ]
        self.session.execute(insert(ActivityEvent), rows)

    def _event(self, type_: str, candidate_id: int, data: dict[str, Any]) -> ActivityEvent:
        return record_event(
            self.session,
            self.workspace_id,
            type_,
            candidate_id=candidate_id,
            actor_user_id=self.actor_user_id,
            data=data,
        )

    def update(self, candidate_id: int, data: schemas.CandidateUpdate) -> Candidate:
        candidate = self.repo.get_full(candidate_id)
        changed = _UpdateApplier(self, candidate).apply(data)
        refresh_search_fields(candidate)
        self.session.flush()
        if changed:
            self._event("candidate.updated", candidate.id, {"fields": changed})
        self.session.flush()
        return candidate

    def delete(self, candidate_id: int) -> None:
        candidate = self.repo.get(candidate_id)
        record_event(
            self.session,
            self.workspace_id,
            "candidate.deleted",
            actor_user_id=self.actor_user_id,
            data={"candidate_id": candidate.id, "full_name": candidate.full_name},
        )
        self.repo.delete(candidate)

    # -- reading -------------------------------------------------------------------------

    def get(self, candidate_id: int) -> Candidate:
        return self.repo.get_full(candidate_id)

    def list(
        self,
        q: str | None = None,
        filters: CandidateFilters | None = None,
        cursor: str | None = None,
        limit: int = 50,
        with_total: bool = True,
    ) -> Page[Candidate]:
        filters = filters or CandidateFilters()
        limit = clamp_limit(limit)
        after_id = _cursor_id(cursor) if cursor else None
        rows = self.repo.page(q, filters, after_id, limit)
        next_cursor = encode_cursor({"id": rows[limit - 1].id}) if len(rows) > limit else None
        total = self.repo.count(q, filters) if with_total else None
        return Page(items=rows[:limit], next_cursor=next_cursor, total=total)

    def filter_options(self) -> FilterOptions:
        """Values present in this workspace, so every choice in a filter finds someone."""
        return FilterOptions(
            countries=self.repo.countries_present(), sources=self.repo.distinct_values("source")
        )

    def timeline(self, candidate_id: int) -> builtins.list[ActivityEvent]:
        self.repo.get(candidate_id)
        return candidate_timeline(self.session, self.workspace_id, candidate_id)

    @staticmethod
    def to_schema(candidate: Candidate) -> schemas.Candidate:
        return schemas.Candidate(
            id=candidate.id,
            full_name=candidate.full_name,
            first_name=candidate.first_name,
            last_name=candidate.last_name,
            emails=[e.email for e in candidate.emails],
            phones=[p.number for p in candidate.phones],
            linkedin_url=candidate.linkedin_url,
            links=list(candidate.links),
            location=schemas.Location(
                city=candidate.city,
                region=candidate.region,
                country_code=candidate.country_code,
                country_name=candidate.country_name,
            ),
            headline=candidate.headline,
            summary=candidate.summary,
            skills=list(candidate.skills),
            experiences=[schemas.Experience.model_validate(e) for e in candidate.experiences],
            educations=[schemas.Education.model_validate(e) for e in candidate.educations],
            source=candidate.source,
            owner_id=candidate.owner_id,
            created_at=candidate.created_at,
            updated_at=candidate.updated_at,
        )


def _cursor_id(cursor: str) -> int:
    value = decode_cursor(cursor).get("id")
    if not isinstance(value, int):
        raise ValidationFailed("The cursor is not valid.", field="cursor")
    return value


class _UpdateApplier:
    """Applies a partial update field by field; identity fields are checked for duplicates."""

    def __init__(self, service: CandidateService, candidate: Candidate) -> None:
        self.service = service
        self.candidate = candidate
        self.changed: list[str] = []

    def apply(self, data: schemas.CandidateUpdate) -> list[str]:
        given = data.model_fields_set
        self._names(data, given)
        for name in ("headline", "summary", "source"):
            if name in given and getattr(data, name) is not None:
                self._set(name, getattr(data, name).strip())
        if "owner_id" in given:
            self._owner(data.owner_id)
        self._contact(data, given)
        self._history(data, given)
        return self.changed

    def _set(self, name: str, value: Any) -> None:
        if getattr(self.candidate, name) != value:
            setattr(self.candidate, name, value)
            self.changed.append(name)

    def _names(self, data: schemas.CandidateUpdate, given: set[str]) -> None:
        if not given & {"full_name", "first_name", "last_name"}:
            return
        merged = schemas.CandidateCreate(
            full_name=data.full_name if data.full_name is not None else "",
            first_name=data.first_name if data.first_name is not None else "",
            last_name=data.last_name if data.last_name is not None else "",
        )
        if "full_name" not in given:
            merged.full_name = ""
        full, first, last = clean_names(merged)
        if full:
            self._set("full_name", full)
        self._set("first_name", first)
        self._set("last_name", last)

    def _owner(self, owner_id: int | None) -> None:
        if owner_id is not None and not self.service.repo.user_in_workspace(owner_id):
            raise ValidationFailed(
                f"owner_id: no user with id {owner_id} in this workspace.", field="owner_id"
            )
        self._set("owner_id", owner_id)

    def _contact(self, data: schemas.CandidateUpdate, given: set[str]) -> None:
        if "emails" in given and data.emails is not None:
            self._replace_emails(clean_emails(data.emails))
        if "phones" in given and data.phones is not None:
            self._replace_phones(clean_phones(data.phones, self.service.default_region))
        if "linkedin_url" in given:
            self._replace_linkedin(clean_linkedin(data.linkedin_url))
        if "links" in given and data.links is not None:
            self._set("links", dedupe_keep_order([link.strip() for link in data.links]))
        if "location" in given and data.location is not None:
            location = clean_location(data.location)
            for name in ("city", "region", "country_code", "country_name"):
                self._set(name, getattr(location, name))
        if "skills" in given and data.skills is not None:
            skills = dedupe_keep_order([s.strip() for s in data.skills], key="casefold")
            self._set("skills", skills)

    def _replace_emails(self, emails: list[str]) -> None:
        owners = self.service.repo.ids_by_email(emails)
        for email, owner in owners.items():
            if owner != self.candidate.id:
                raise Conflict(
                    f"The email {email} already belongs to candidate {owner}.",
                    "Open that candidate instead, or remove the address there first.",
                )
        if [e.email for e in self.candidate.emails] == emails:
            return
        self.candidate.emails.clear()
        self.service.session.flush()  # free the unique (workspace, email) slots before re-adding
        ws = self.candidate.workspace_id
        for index, email in enumerate(emails):
            self.candidate.emails.append(
                CandidateEmail(workspace_id=ws, email=email, position=index)
            )
        self.changed.append("emails")

    def _replace_phones(self, phones: list[str]) -> None:
        if [p.number for p in self.candidate.phones] == phones:
            return
        self.candidate.phones.clear()
        self.service.session.flush()
        for index, number in enumerate(phones):
            self.candidate.phones.append(CandidatePhone(number=number, position=index))
        self.changed.append("phones")

    def _replace_linkedin(self, url: str | None) -> None:
        if url:
            owner = self.service.repo.ids_by_linkedin([url]).get(url)
            if owner is not None and owner != self.candidate.id:
                raise Conflict(
                    f"The LinkedIn profile {url} already belongs to candidate {owner}.",
                    "Open that candidate instead.",
                )
        self._set("linkedin_url", url)

    def _history(self, data: schemas.CandidateUpdate, given: set[str]) -> None:
        if "experiences" in given and data.experiences is not None:
            roles = clean_experiences(data.experiences)
            if _history_rows(self.candidate.experiences, ExperienceIn) != roles:
                self.candidate.experiences.clear()
                self.candidate.experiences.extend(
                    experience_row(role, i) for i, role in enumerate(roles)
                )
                self.changed.append("experiences")
        if "educations" in given and data.educations is not None:
            schools = clean_educations(data.educations)
            if _history_rows(self.candidate.educations, EducationIn) != schools:
                self.candidate.educations.clear()
                self.candidate.educations.extend(
                    education_row(school, i) for i, school in enumerate(schools)
                )
                self.changed.append("educations")


HistoryT = TypeVar("HistoryT", ExperienceIn, EducationIn)


def _history_rows(rows: Iterable[object], shape: type[HistoryT]) -> builtins.list[HistoryT]:
    """Stored roles or schools in their input shape, to tell whether an update changes them."""
    return [shape.model_validate(row, from_attributes=True) for row in rows]
