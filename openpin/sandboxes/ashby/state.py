"""The sandbox's live state: the organisation, its lock, and its optional file on disk."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from openpin.sandboxes.ashby.config import AshbySandboxConfig
from openpin.sandboxes.ashby.records import Organization
from openpin.sandboxes.ashby.seed import build_organization
from openpin.sandboxes.common import write_json_atomically


class SandboxState:
    """One organisation, read and written under one lock.

    Handlers are short and in memory, so a single lock keeps every request atomic (a write either
    happened completely or not at all) without slowing the sandbox down noticeably.
    """

    def __init__(self, config: AshbySandboxConfig) -> None:
        self._config = config
        self._lock = threading.RLock()
        self.org = self._initial_organization()

    @property
    def default_api_key(self) -> str:
        return self._config.api_key()

    @contextmanager
    def locked(self) -> Iterator[Organization]:
        with self._lock:
            yield self.org

    def reset(self) -> None:
        """Back to the seeded data of the current seed; keys created at run time are dropped."""
        self.reseed(self.org.seed)

    def reseed(self, seed: int) -> None:
        with self._lock:
            fresh = build_organization(seed, self.default_api_key)
            # A new epoch expires every cursor and sync token handed out before the reset, even
            # when the seed (and so the seeded epoch) is unchanged.
            fresh.epoch = str(uuid.uuid4())
            self.org = fresh
            self.persist()

    def persist(self) -> None:
        """Write the state to the persist file, if there is one (after every change)."""
        path = self._config.persist_path
        if path is None:
            return
        with self._lock:
            document = self.org.model_dump(mode="json")
        write_json_atomically(path, document)

    def _initial_organization(self) -> Organization:
        path = self._config.persist_path
        if path is not None and path.exists():
            return _load(path)
        org = build_organization(self._config.seed, self.default_api_key)
        if path is not None:
            write_json_atomically(path, org.model_dump(mode="json"))
        return org


def _load(path: Path) -> Organization:
    try:
        return Organization.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ValueError(
            f"{path} is not a state file this sandbox wrote ({error}); "
            "delete it or pass another --persist path"
        ) from error
