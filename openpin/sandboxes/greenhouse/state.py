"""The sandbox's whole state: Harvest v3 records as the API shows them, credentials and tokens.

Records are kept as JSON objects in their v3 response shape, so serving them needs no mapping and
persisting the state is one JSON document. Everything runs on the server's event loop, one request
at a time between awaits, so the state needs no lock.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpin.sandboxes.common import read_json, write_json_atomically

Record = dict[str, Any]

COLLECTIONS: tuple[str, ...] = (
    "users",
    "departments",
    "offices",
    "jobs",
    "job_interview_stages",
    "sources",
    "custom_field_options",
    "candidates",
    "applications",
    "attachments",
    "notes",
    "candidate_educations",
    "candidate_employments",
)

# Greenhouse ids are large integers; distinct bases per collection make a mixed-up id obvious.
ID_BASES: dict[str, int] = {
    "users": 4_100_000,
    "departments": 4_200_000,
    "offices": 4_300_000,
    "jobs": 4_400_000,
    "job_interview_stages": 4_500_000,
    "sources": 4_600_000,
    "custom_field_options": 4_700_000,
    "candidates": 50_000_000,
    "applications": 60_000_000,
    "attachments": 70_000_000,
    "notes": 80_000_000,
    "candidate_educations": 90_000_000,
    "candidate_employments": 91_000_000,
}


@dataclass
class GreenhouseState:
    records: dict[str, dict[int, Record]] = field(
        default_factory=lambda: {name: {} for name in COLLECTIONS}
    )
    next_ids: dict[str, int] = field(default_factory=lambda: dict(ID_BASES))
    credentials: dict[str, Record] = field(default_factory=dict)
    tokens: dict[str, Record] = field(default_factory=dict)
    attachment_files: dict[int, Record] = field(default_factory=dict)
    """Per attachment id: `content` (base64) and `content_type`, or the `source_url` given."""
    hidden_until: dict[int, float] = field(default_factory=dict)
    """Candidate id -> wall-clock time before which reads answer as if it did not exist."""

    def new_id(self, collection: str) -> int:
        self.next_ids[collection] += 1
        return self.next_ids[collection]

    def add(self, collection: str, record: Record) -> Record:
        if "id" not in record:
            record = {"id": self.new_id(collection), **record}
        self.records[collection][record["id"]] = record
        return record

    def get(self, collection: str, record_id: int) -> Record | None:
        return self.records[collection].get(record_id)

    def all(self, collection: str) -> list[Record]:
        return list(self.records[collection].values())

    def is_hidden(self, candidate_id: int) -> bool:
        return time.time() < self.hidden_until.get(candidate_id, 0.0)

    def to_document(self) -> dict[str, Any]:
        return {
            "records": {name: list(rows.values()) for name, rows in self.records.items()},
            "next_ids": self.next_ids,
            "credentials": self.credentials,
            "tokens": self.tokens,
            "attachment_files": {str(key): value for key, value in self.attachment_files.items()},
        }

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> GreenhouseState:
        state = cls()
        for name in COLLECTIONS:
            state.records[name] = {row["id"]: row for row in document["records"].get(name, [])}
        state.next_ids.update(document["next_ids"])
        state.credentials = document["credentials"]
        state.tokens = document["tokens"]
        state.attachment_files = {
            int(key): value for key, value in document["attachment_files"].items()
        }
        return state

    def save(self, path: Path) -> None:
        write_json_atomically(path, self.to_document())

    @classmethod
    def load(cls, path: Path) -> GreenhouseState:
        return cls.from_document(read_json(path))
