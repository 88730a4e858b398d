"""Candidate rules: dedupe-on-write, partial updates, listing, timeline. Never commits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from openpin.activity.service import candidate_timeline, record_event
from openpin.candidate import schemas
from openpin.candidate.merge import (
    build_candidate,
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
from openpin.errors import Conflict, OpenPinError, ValidationFailed
from openpin.kit.pagination import Page, clamp_limit, decode_cursor, encode_cursor
from openpin.models import ActivityEvent, Candidate, CandidateEmail, CandidatePhone

DEFAULT_REGION = "US"


@dataclass
class WriteOutcome:
    """The result of writing one input record: created, merged, or an error for that record."""

    line: int
    candidate: Candidate | None = None
    merged: bool = False
    failure: OpenPinError | None = None

    @property
    def error(self) -> str | None:
        return self.failure.message if self.failure else None


@dataclass
class _BatchState:
    """Identity keys seen in this batch, so two rows for one person become one candidate."""

    by_key: dict[str, Candidate]
    stored_owner: dict[str, int]

    def owner_of(self, key: str) -> Candidate | int | None:
        return self.by_key.get(key) or self.stored_owner.get(key)


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

    def create(self, data: schemas.CandidateCreate, via: str = "api") -> schemas.CandidateWriteResult:
        outcome = self.write_many([(1, data)], via=via)[0]
        if outcome.failure is not None:
            raise outcome.failure
        assert outcome.candidate is not None
        candidate = self.repo.get_full(outcome.candidate.id)
        return schemas.CandidateWriteResult(
            candidate=self.to_schema(candidate),
            merged=outcome.merged,
            merged_into_id=candidate.id if outcome.merged else None,
        )

    def write_many(
        self, rows: Iterable[tuple[int, schemas.CandidateCreate]], via: str = "import"
    ) -> list[WriteOutcome]:
        """Create or merge many records with a handful of queries (the import path).

        A record matching an existing candidate (or an earlier record of the same batch) by any
        normalised email or the LinkedIn URL is merged into it, never created twice.
        """
        outcomes: list[WriteOutcome] = []
        cleaned: list[tuple[WriteOutcome, CleanCandidate]] = []
        for line, data in rows:
            outcome = WriteOutcome(line=line)
            outcomes.append(outcome)
            try:
                cleaned.append((outcome, self._clean(data)))
            except OpenPinError as exc:
                outcome.failure = exc
        state = self._load_batch_state([clean for _, clean in cleaned])
        merged_changes: dict[int, dict[str, Any]] = {}
        for outcome, clean in cleaned:
            self._write_one(outcome, clean, state, merged_changes)
        self.session.flush()
        self._record_write_events(outcomes, merged_changes, via)
        return outcomes

    def _clean(self, data: schemas.CandidateCreate) -> CleanCandidate:
        clean = clean_candidate(data, self.default_region)
        if clean.owner_id is not None and not self.repo.user_in_workspace(clean.owner_id):
            raise ValidationFailed(
                f"owner_id: no user with id {clean.owner_id} in this workspace.", field="owner_id"
            )
        return clean

    def _load_batch_state(self, cleaned: list[CleanCandidate]) -> _BatchState:
        emails = [email for clean in cleaned for email in clean.emails]
        urls = [clean.linkedin_url for clean in cleaned if clean.linkedin_url]
        stored = {f"email:{e}": cid for e, cid in self.repo.ids_by_email(emails).items()}
        stored.update({f"linkedin:{u}": cid for u, cid in self.repo.ids_by_linkedin(urls).items()})
        loaded = self.repo.load_full(stored.values())
        by_key = {key: loaded[cid] for key, cid in stored.items() if cid in loaded}
        return _BatchState(by_key=by_key, stored_owner=stored)

    def _write_one(
        self,
        outcome: WriteOutcome,
        clean: CleanCandidate,
        state: _BatchState,
        merged_changes: dict[int, dict[str, Any]],
    ) -> None:
        target = next(
            (state.by_key[key] for key in clean.identity_keys if key in state.by_key), None
        )
        if target is None:
            target = build_candidate(self.workspace_id, clean)
            self.session.add(target)
        else:
            emails, linkedin = self._identity_values_free_for(target, clean, state)
            changes = merge_into(target, clean, emails, linkedin)
            outcome.merged = True
            merged_changes.setdefault(id(target), {}).update(changes)
        for key in clean.identity_keys:
            state.by_key.setdefault(key, target)
        outcome.candidate = target

    @staticmethod
    def _identity_values_free_for(
        target: Candidate, clean: CleanCandidate, state: _BatchState
    ) -> tuple[list[str], str | None]:
        """Emails and LinkedIn URL that belong to nobody else; another person's are left alone."""

        def free(key: str) -> bool:
            owner = state.owner_of(key)
            return owner is None or owner is target or owner == target.id

        emails = [email for email in clean.emails if free(f"email:{email}")]
        linkedin = clean.linkedin_url
        if linkedin and not free(f"linkedin:{linkedin}"):
            linkedin = None
        return emails, linkedin

    def _record_write_events(
        self, outcomes: list[WriteOutcome], merged_changes: dict[int, dict[str, Any]], via: str
    ) -> None:
        created_seen: set[int] = set()
        for outcome in outcomes:
            candidate = outcome.candidate
            if candidate is None:
                continue
            if outcome.merged:
                changes = merged_changes.pop(id(candidate), None)
                if changes is not None:
                    self._event("candidate.merged", candidate.id, {"via": via, "added": changes})
            elif candidate.id not in created_seen:
                created_seen.add(candidate.id)
                self._event("candidate.created", candidate.id, {"via": via})
        self.session.flush()

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

    def timeline(self, candidate_id: int) -> list[ActivityEvent]:
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
            self.candidate.emails.append(CandidateEmail(workspace_id=ws, email=email, position=index))
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
            self.candidate.experiences.clear()
            for i, item in enumerate(clean_experiences(data.experiences)):
                self.candidate.experiences.append(experience_row(item, i))
            self.changed.append("experiences")
        if "educations" in given and data.educations is not None:
            self.candidate.educations.clear()
            for i, item in enumerate(clean_educations(data.educations)):
                self.candidate.educations.append(education_row(item, i))
            self.changed.append("educations")

