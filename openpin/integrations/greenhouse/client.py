"""A Harvest v3 HTTP client written from Greenhouse's documentation (see reference/greenhouse.md).

HTTP only: tokens, requests, pagination and error classification. What the records mean for
OpenPin is in `mapping.py` and `provider.py`.

- Auth: OAuth 2.0 client credentials. `POST <token_url>` with Basic `client_id:client_secret` and
  the form body `grant_type=client_credentials&sub=<user id>`; the token is cached and minted
  again 60 s before it expires (`expires_in`, else `expires_at`, else 3600 s), or once on a 401.
- Lists are bare arrays paged by following `Link: <...>; rel="next"` exactly: the cursor URL must
  carry no other parameter.
- Errors: `{"message", "errors": [string | {field: message}]}`; 401 means the token or the
  credentials are bad, 403 a missing scope, 404 not found (also briefly after a create), 422 a
  validation error.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from openpin.integrations.errors import (
    AuthError,
    IntegrationError,
    MissingPermission,
    NotFoundInAts,
    RejectedError,
)
from openpin.integrations.greenhouse.schemas import TokenGrant
from openpin.integrations.http import (
    HttpSender,
    Pacer,
    RetryPolicy,
    new_http_client,
    pacer_for,
)

PROVIDER = "greenhouse"
DEFAULT_BASE_URL = "https://harvest.greenhouse.io"
DEFAULT_TOKEN_URL = "https://auth.greenhouse.io/token"
MAX_PER_PAGE = 500
MAX_IDS = 50
TOKEN_REFRESH_MARGIN_SECONDS = 60.0
DEFAULT_TOKEN_LIFETIME_SECONDS = 3600.0
RECONNECT = "Reconnect Greenhouse in Settings > ATS Integrations"

Params = Mapping[str, str | int]
Record = dict[str, Any]


def token_url_for(base_url: str) -> str:
    """Greenhouse mints tokens on its auth host; a sandbox or proxy serves `/token` itself."""
    if base_url.rstrip("/") == DEFAULT_BASE_URL:
        return DEFAULT_TOKEN_URL
    return f"{base_url.rstrip('/')}/token"


@dataclass(frozen=True)
class Page:
    records: list[Record]
    next_url: str | None


@dataclass
class _Token:
    value: str
    refresh_at: float  # monotonic


class GreenhouseClient:
    """Thread-safe: one token is shared, and minted by one thread at a time."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        on_behalf_of: str | None = None,
        token_url: str | None = None,
        timeout_seconds: float | None = None,
        pacer: Pacer | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        if not client_id or not client_secret:
            raise AuthError(
                "Greenhouse needs a client ID and a client secret (Dev Center > API Credentials, "
                "type Harvest V3 (OAuth)).",
                provider=PROVIDER,
            )
        self.base_url = base_url.rstrip("/")
        self.on_behalf_of = str(on_behalf_of) if on_behalf_of not in (None, "") else None
        self._auth = (client_id, client_secret)
        self._token_url = token_url or token_url_for(self.base_url)
        self._http = new_http_client(self.base_url, timeout_seconds)
        self.pacer = pacer or pacer_for(PROVIDER, self.base_url, client_id)
        self._sender = HttpSender(PROVIDER, self._http, self.pacer, retry)
        # The token endpoint has its own rate window, so its own pacer.
        token_pacer = pacer_for(PROVIDER, self._token_url, f"token:{client_id}")
        self._token_sender = HttpSender(PROVIDER, self._http, token_pacer, retry)
        self._token: _Token | None = None
        self._token_lock = threading.Lock()

    def close(self) -> None:
        self._http.close()

    # --- tokens ---------------------------------------------------------------------------------

    def access_token(self) -> str:
        with self._token_lock:
            token = self._token
            if token is None or time.monotonic() >= token.refresh_at:
                token = self._token = self._mint()
            return token.value

    def _forget_token(self, value: str) -> None:
        with self._token_lock:
            if self._token is not None and self._token.value == value:
                self._token = None

    def _mint(self) -> _Token:
        form = {"grant_type": "client_credentials"}
        if self.on_behalf_of is not None:
            form["sub"] = self.on_behalf_of
        response = self._token_sender.send(
            "POST", self._token_url, write=False, data=form, auth=self._auth
        )
        if response.status_code != 200:
            raise self._token_error(response)
        grant = TokenGrant.model_validate(response.json())
        lifetime = _lifetime_seconds(grant)
        refresh_in = max(lifetime - TOKEN_REFRESH_MARGIN_SECONDS, lifetime / 2)
        return _Token(grant.access_token, time.monotonic() + refresh_in)

    def _token_error(self, response: httpx.Response) -> IntegrationError:
        body = _json_or_empty(response)
        if response.status_code == 401:
            return AuthError(
                "Greenhouse refused the client ID or secret. Check them in Greenhouse (Dev Center "
                f"> API Credentials) and {RECONNECT.lower()}.",
                provider=PROVIDER,
            )
        if response.status_code == 400 and "sub" in str(body.get("message", "")):
            return AuthError(
                f"Greenhouse does not accept user {self.on_behalf_of} as the user the "
                f"integration acts as (not an active user). Choose another user: {RECONNECT}.",
                provider=PROVIDER,
            )
        # The message may echo the client id: keep it out of the text shown and logged.
        return AuthError(
            f"Greenhouse could not issue a token (HTTP {response.status_code}). {RECONNECT}.",
            provider=PROVIDER,
        )

    # --- requests -------------------------------------------------------------------------------

    def request(
        self, method: str, path_or_url: str, *, params: Params | None = None, json: Any = None
    ) -> httpx.Response:
        """One API call with the bearer token; a 401 mints a new token once, then fails."""
        write = method != "GET"
        for attempt in (1, 2):
            token = self.access_token()
            response = self._sender.send(
                method,
                path_or_url,
                write=write,
                params=params,
                json=json,
                headers={"Authorization": f"Bearer {token}"},
            )
            if response.status_code == 401 and attempt == 1:
                self._forget_token(token)
                continue
            if response.status_code >= 400:
                raise classify_error(response)
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def get_page(
        self, path: str, params: Params | None = None, *, next_url: str | None = None
    ) -> Page:
        """The first page of `path` with `params`, or the page at `next_url` (a Link URL)."""
        if next_url is not None:
            response = self.request("GET", next_url)
        else:
            response = self.request("GET", f"/v3/{path}", params=params)
        records = response.json()
        if not isinstance(records, list):
            raise RejectedError(
                f"Greenhouse answered /v3/{path} with something other than a list.",
                provider=PROVIDER,
            )
        return Page(records, response.links.get("next", {}).get("url"))

    def list_all(self, path: str, params: Params | None = None) -> Iterator[Record]:
        page = self.get_page(path, {"per_page": MAX_PER_PAGE, **(params or {})})
        yield from page.records
        while page.next_url is not None:
            page = self.get_page(path, next_url=page.next_url)
            yield from page.records

    def list_by_ids(self, path: str, key: str, ids: list[int], **params: str) -> list[Record]:
        """Every record whose `key` (`ids`, `candidate_ids`...) is in `ids`, 50 at a time."""
        records: list[Record] = []
        for start in range(0, len(ids), MAX_IDS):
            chunk = ",".join(str(i) for i in ids[start : start + MAX_IDS])
            records.extend(self.list_all(path, {key: chunk, **params}))
        return records

    def post(self, path: str, body: Record) -> Record:
        response = self.request("POST", f"/v3/{path}", json=body)
        return _json_or_empty(response)

    # --- endpoints OpenPin uses -----------------------------------------------------------------

    def users(self) -> list[Record]:
        return list(self.list_all("users", {"deactivated": "false"}))

    def jobs(self, status: str = "open") -> list[Record]:
        return list(self.list_all("jobs", {"status": status}))

    def departments(self) -> list[Record]:
        return list(self.list_all("departments"))

    def offices(self) -> list[Record]:
        return list(self.list_all("offices"))

    def sources(self) -> list[Record]:
        return list(self.list_all("sources"))

    def custom_field_options(self, key: str) -> list[Record]:
        return list(self.list_all("custom_field_options", {"custom_field_key": key}))

    def candidates_by_email(self, email: str) -> list[Record]:
        return list(self.list_all("candidates", {"email": email}))

    def candidates_by_ids(self, ids: list[int]) -> list[Record]:
        return self.list_by_ids("candidates", "ids", ids)

    def applications_of(self, candidate_id: int) -> list[Record]:
        return self.list_by_ids("applications", "candidate_ids", [candidate_id])

    def children_of(self, collection: str, candidate_id: int) -> list[Record]:
        """`attachments`, `notes`, `candidate_educations` or `candidate_employments`."""
        return self.list_by_ids(collection, "candidate_ids", [candidate_id])

    def create_candidate(self, body: Record) -> Record:
        return self.post("candidates", body)

    def create_application(self, body: Record) -> Record:
        return self.post("applications", body)


def _lifetime_seconds(grant: TokenGrant) -> float:
    if grant.expires_in is not None:
        return max(1.0, float(grant.expires_in))
    if grant.expires_at:
        try:
            expires = datetime.fromisoformat(grant.expires_at.replace("Z", "+00:00"))
            return max(1.0, expires.timestamp() - time.time())
        except ValueError:
            pass
    return DEFAULT_TOKEN_LIFETIME_SECONDS


def _json_or_empty(response: httpx.Response) -> Record:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def error_entries(body: Record) -> tuple[str, dict[str, str]]:
    """Greenhouse's `errors` (strings or `{field: message}` objects, or v1's
    `{"message", "field"}`) as general words and per-field words."""
    general: list[str] = []
    fields: dict[str, str] = {}
    for entry in body.get("errors") or []:
        if isinstance(entry, str):
            general.append(entry)
        elif isinstance(entry, dict) and "field" in entry and "message" in entry:
            fields[str(entry["field"])] = str(entry["message"])
        elif isinstance(entry, dict):
            for name, message in entry.items():
                fields[str(name)] = str(message)
    return "; ".join(general), fields


def classify_error(response: httpx.Response) -> IntegrationError:
    """4xx answers (429 and 5xx are classified by the sender) as OpenPin's error classes."""
    status = response.status_code
    body = _json_or_empty(response)
    general, fields = error_entries(body)
    words = general or "; ".join(f"{k}: {v}" for k, v in fields.items()) or body.get("message", "")
    if status == 401:
        return AuthError(
            f"Greenhouse no longer accepts this connection's token ({words}). {RECONNECT}.",
            provider=PROVIDER,
        )
    if status == 403:
        return _forbidden(words)
    if status == 404:
        return NotFoundInAts(
            "Greenhouse has no such record (it may have been deleted or merged).",
            status_code=404,
            provider=PROVIDER,
        )
    return RejectedError(
        f"Greenhouse refused the request: {words or 'no reason given'}",
        field_errors=fields or ({"": general} if general else {}),
        status_code=status,
        provider=PROVIDER,
    )


def _forbidden(words: str) -> AuthError:
    scope = next(
        (part for part in words.replace(",", " ").split() if part.startswith("harvest:")), ""
    )
    if scope:
        return MissingPermission(
            f"The Greenhouse credential lacks the scope {scope}. In Greenhouse, open Dev Center > "
            f"API Credentials > this credential > Manage Scopes, tick {scope}, then reconnect.",
            permission=scope,
            provider=PROVIDER,
        )
    return AuthError(
        f"Greenhouse refused access ({words or 'forbidden'}): the credential or the user it "
        f"acts as lacks a permission. {RECONNECT}.",
        provider=PROVIDER,
    )
