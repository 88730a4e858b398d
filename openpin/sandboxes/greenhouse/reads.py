"""The list endpoints: which filters each v3 collection accepts, and what each matches."""

from __future__ import annotations

from collections.abc import Callable

from openpin.sandboxes.greenhouse.querying import (
    Filter,
    ListSpec,
    casefold_filter,
    date_filter,
    enum_parser,
    equals_filter,
    ids_filter,
    parse_bool,
    parse_ids,
    parse_int,
    parse_text,
)
from openpin.sandboxes.greenhouse.sandbox import GreenhouseSandbox
from openpin.sandboxes.greenhouse.state import Record

# Rows say `in_process`; the filter says `active` (sending `in_process` is a 422 in Greenhouse).
APPLICATION_STATUS_FILTER = {"active": "in_process", "rejected": "rejected", "hired": "hired"}


def _standard(*date_fields: str) -> dict[str, Filter]:
    filters = {"ids": ids_filter()}
    filters.update({name: date_filter(name) for name in date_fields})
    return filters


def _parent_ids(key: str) -> Filter:
    return ids_filter(key)


def _any_email(record: Record, email: str) -> bool:
    return any(entry["value"].lower() == email.lower() for entry in record["email_addresses"])


def _any_id_in(key: str) -> Filter:
    return Filter(parse_ids, lambda record, ids: bool(set(record.get(key) or []) & ids))


def users_spec() -> ListSpec:
    filters = _standard("created_at", "updated_at")
    filters.update(
        primary_email=casefold_filter("primary_email"),
        employee_ids=Filter(
            lambda raw: frozenset(raw.split(",")),
            lambda record, ids: record["employee_id"] in ids,
        ),
        office_ids=_any_id_in("office_ids"),
        department_ids=_any_id_in("department_ids"),
        deactivated=equals_filter("deactivated", parse_bool),
        show_service_accounts=Filter(
            parse_bool, lambda record, show: show or not record["service_account"], default="false"
        ),
    )
    return ListSpec("users", filters, present=_without("service_account"))


def jobs_spec() -> ListSpec:
    filters = _standard("created_at", "updated_at", "opened_at")
    filters.update(
        status=equals_filter("status", enum_parser("open", "closed", "draft")),
        department_id=equals_filter("department_id", parse_int),
        office_id=Filter(parse_int, lambda record, office: office in record["office_ids"]),
        requisition_id=equals_filter("requisition_id"),
        confidential=equals_filter("confidential", parse_bool),
    )
    return ListSpec("jobs", filters)


def simple_spec(collection: str, **extra: Filter) -> ListSpec:
    return ListSpec(collection, {**_standard(), **extra})


def custom_field_options_spec() -> ListSpec:
    filters = _standard("created_at", "updated_at")
    filters.update(
        custom_field_key=equals_filter("custom_field_key"),
        custom_field_id=equals_filter("custom_field_id", parse_int),
        active=equals_filter("active", parse_bool),
    )
    return ListSpec("custom_field_options", filters)


def candidates_spec(sandbox: GreenhouseSandbox) -> ListSpec:
    filters = _standard("created_at", "updated_at", "last_activity_at")
    filters.update(
        email=Filter(parse_text, _any_email),
        tag=Filter(parse_text, lambda record, tag: tag in record["tags"]),
        private=equals_filter("private", parse_bool),
    )
    return ListSpec(
        "candidates", filters, visible=lambda record: not sandbox.state.is_hidden(record["id"])
    )


def applications_spec() -> ListSpec:
    filters = _standard("created_at", "updated_at", "last_activity_at")
    filters.update(
        candidate_ids=_parent_ids("candidate_id"),
        job_ids=Filter(parse_ids, lambda record, ids: bool(set(record["job_ids"]) & ids)),
        status=Filter(
            enum_parser(*APPLICATION_STATUS_FILTER),
            lambda record, status: record["status"] == APPLICATION_STATUS_FILTER[status],
        ),
        prospect=equals_filter("prospect", parse_bool),
    )
    return ListSpec("applications", filters)


def attachments_spec() -> ListSpec:
    filters = _standard("created_at")
    filters.update(
        candidate_ids=_parent_ids("candidate_id"),
        application_ids=_parent_ids("application_id"),
        type=equals_filter("type"),
    )
    return ListSpec("attachments", filters)


def candidate_children_spec(collection: str) -> ListSpec:
    filters = _standard("created_at", "updated_at")
    filters.update(candidate_ids=_parent_ids("candidate_id"))
    if collection == "notes":
        filters.update(application_ids=_parent_ids("application_id"))
    return ListSpec(collection, filters)


def _without(*keys: str) -> Callable[[Record], Record]:
    def present(record: Record) -> Record:
        return {key: value for key, value in record.items() if key not in keys}

    return present


def job_stages_spec() -> ListSpec:
    return simple_spec("job_interview_stages", job_ids=ids_filter("job_id"))
