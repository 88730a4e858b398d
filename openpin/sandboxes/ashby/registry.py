"""The RPC methods the sandbox serves: name -> permission, body model, handler."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from openpin.sandboxes.ashby.inputs import Body
from openpin.sandboxes.ashby.records import ApiKey, Organization


@dataclass
class RpcContext:
    """What a handler may use: the organisation (already locked), the caller and the clock."""

    org: Organization
    api_key: ApiKey
    base_url: str
    sync_tokens_expired: bool = False
    changed: bool = False
    """Set by handlers that wrote something, so the state is persisted once after the call."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def touch(self) -> int:
        """Marks the organisation changed; returns the new change number for the written record."""
        self.changed = True
        return self.org.next_change()


def new_id() -> str:
    return str(uuid.uuid4())


Handler = Callable[[RpcContext, Any], Any]
H = TypeVar("H", bound=Handler)


@dataclass(frozen=True)
class Endpoint:
    name: str
    permission: str
    body: type[Body]
    handler: Handler
    writes: bool
    multipart_file_field: str | None = None
    """The form field holding the file when the endpoint also takes `multipart/form-data`."""


ENDPOINTS: dict[str, Endpoint] = {}


def rpc(
    name: str,
    *,
    permission: str,
    body: type[Body],
    writes: bool = False,
    multipart_file_field: str | None = None,
) -> Callable[[H], H]:
    """Registers a handler for `POST /<name>`."""

    def register(handler: H) -> H:
        if name in ENDPOINTS:
            raise RuntimeError(f"{name} is registered twice")
        ENDPOINTS[name] = Endpoint(name, permission, body, handler, writes, multipart_file_field)
        return handler

    return register
