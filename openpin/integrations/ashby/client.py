"""An Ashby API client written from Ashby's documentation (see reference/ashby.md).

HTTP only. Every call is `POST /<category>.<method>` with a JSON body (`{}` when empty), HTTP
Basic auth with the API key as the username and an empty password, `Accept: application/json;
version=1`. Answers are `{"success": true, "results": ...}`; logical errors come back as HTTP 200
with `success: false` and `errorInfo {code, message}`, so every 200 is checked. 401 means no key,
403 a wrong key (`invalid_api_key`) or a missing module permission
(`missing_endpoint_permission`), 429 a rate limit with `Retry-After`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from openpin.integrations.ashby.schemas import ErrorInfo, UploadHandle
from openpin.integrations.errors import (
    AuthError,
    IntegrationError,
    MissingPermission,
    NotFoundInAts,
    RateLimited,
    RejectedError,
    SyncExpired,
)
from openpin.integrations.http import HttpSender, Pacer, RetryPolicy, new_http_client, pacer_for

PROVIDER = "ashby"
DEFAULT_BASE_URL = "https://api.ashbyhq.com"
PAGE_LIMIT = 100
KEYS_PAGE = "Admin > Integrations > API Keys"
Record = dict[str, Any]

# The module permission each endpoint needs (Ashby's docs), to name what a 403 is missing.
ENDPOINT_PERMISSIONS = {
    "apiKey.info": "apiKeysRead",
    "user.list": "organizationRead",
    "job.list": "jobsRead",
    "job.info": "jobsRead",
    "source.list": "hiringProcessMetadataRead",
    "candidate.search": "candidatesRead",
    "candidate.list": "candidatesRead",
    "candidate.info": "candidatesRead",
    "candidate.create": "candidatesWrite",
    "candidate.update": "candidatesWrite",
    "candidate.createNote": "candidatesWrite",
    "application.create": "candidatesWrite",
    "application.list": "candidatesRead",
    "application.info": "candidatesRead",
    "file.createFileUploadHandle": "candidatesWrite",
    "candidate.uploadResume": "candidatesWrite",
    "candidate.uploadFile": "candidatesWrite",
}
# Every call is a POST; these change something, so a failure after sending is ambiguous.
WRITES = frozenset(
    {
        "candidate.create",
        "candidate.update",
        "candidate.createNote",
        "application.create",
        "file.createFileUploadHandle",
        "candidate.uploadResume",
        "candidate.uploadFile",
    }
)


@dataclass(frozen=True)
class Page:
    results: list[Record]
    more: bool
    next_cursor: str | None
    sync_token: str | None


class AshbyClient:
    """Thread-safe (httpx clients are)."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout_seconds: float | None = None,
        pacer: Pacer | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        if not api_key:
            raise AuthError(
                f"Ashby needs an API key: create one in Ashby under {KEYS_PAGE}.",
                provider=PROVIDER,
            )
        self.base_url = base_url.rstrip("/")
        self._http = new_http_client(
            self.base_url,
            timeout_seconds,
            auth=(api_key, ""),
            headers={"Accept": "application/json; version=1"},
        )
        self.pacer = pacer or pacer_for(PROVIDER, self.base_url, api_key)
        self._sender = HttpSender(PROVIDER, self._http, self.pacer, retry)

    def close(self) -> None:
        self._http.close()

    def call_raw(self, method: str, body: Record | None = None) -> Record:
        """The whole success envelope of one call (results plus pagination fields)."""
        response = self._sender.send("POST", f"/{method}", write=method in WRITES, json=body or {})
        envelope = _json_object(response)
        if response.status_code != 200 or envelope.get("success") is not True:
            raise classify_error(method, response.status_code, envelope, response.headers)
        return envelope

    def call(self, method: str, body: Record | None = None) -> Any:
        return self.call_raw(method, body).get("results")

    def page(self, method: str, body: Record) -> Page:
        envelope = self.call_raw(method, body)
        results = envelope.get("results")
        return Page(
            results=results if isinstance(results, list) else [],
            more=bool(envelope.get("moreDataAvailable")),
            next_cursor=envelope.get("nextCursor"),
            sync_token=envelope.get("syncToken"),
        )

    def list_all(self, method: str, body: Record | None = None) -> Iterator[Record]:
        request = {"limit": PAGE_LIMIT, **(body or {})}
        while True:
            page = self.page(method, request)
            yield from page.results
            if not page.more or not page.next_cursor:
                return
            request = {**request, "cursor": page.next_cursor}

    def upload(
        self, handle: UploadHandle, filename: str, content: bytes, content_type: str
    ) -> None:
        """POST the file to the presigned storage URL: every field, then the file, last."""
        files = {"file": (filename, content, content_type)}
        response = self._sender.send(
            "POST", handle.url, write=True, data=handle.fields, files=files, auth=None
        )
        if response.status_code >= 300:
            raise RejectedError(
                f"Ashby's file storage refused the upload (HTTP {response.status_code}): "
                f"{response.text[:300]}",
                status_code=response.status_code,
                provider=PROVIDER,
            )


def _json_object(response: httpx.Response) -> Record:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def classify_error(
    method: str, status: int, envelope: Record, headers: httpx.Headers
) -> IntegrationError:
    info = ErrorInfo.model_validate(envelope.get("errorInfo") or {})
    words = info.message or info.code
    if status == 401:
        return AuthError(
            f"Ashby received no usable API key ({words}). Reconnect Ashby with a key from "
            f"{KEYS_PAGE}.",
            provider=PROVIDER,
        )
    if status == 403 and info.code == "missing_endpoint_permission":
        permission = ENDPOINT_PERMISSIONS.get(method, "")
        return MissingPermission(
            f"The Ashby API key lacks the {permission or 'needed'} permission ({method}). "
            f"In Ashby: {KEYS_PAGE}, edit the key and grant it, then verify again.",
            permission=permission,
            provider=PROVIDER,
        )
    if status == 403:
        return AuthError(
            f"Ashby does not accept this API key ({words}): it may have been deleted or "
            f"deactivated. Create a new key in {KEYS_PAGE} and reconnect.",
            provider=PROVIDER,
        )
    return _logical_error(method, status, info)


def _logical_error(method: str, status: int, info: ErrorInfo) -> IntegrationError:
    words = info.message or info.code
    if info.code == "sync_token_expired":
        return SyncExpired(
            f"Ashby's sync token expired ({words}); start a full read.", provider=PROVIDER
        )
    if info.code in ("rate_limit_exceeded", "concurrent_limit_exceeded"):
        return RateLimited(
            f"Ashby asked us to slow down ({words}).", retry_after=1.0, provider=PROVIDER
        )
    if info.code.endswith("_not_found"):
        return NotFoundInAts(
            f"Ashby: {words}", code=info.code, status_code=status, provider=PROVIDER
        )
    return RejectedError(
        f"Ashby refused {method}: {words}",
        field_errors={"": words},
        code=info.code,
        status_code=status,
        provider=PROVIDER,
    )
