"""Greenhouse token endpoint, bearer auth, expiry and scopes."""

from __future__ import annotations

import httpx
import pytest

from openpin.sandboxes.greenhouse import GreenhouseSandboxConfig
from openpin.sandboxes.greenhouse.auth import UNDECODABLE
from openpin.sandboxes.testing import RunningGreenhouse, running_greenhouse


def _token(greenhouse: RunningGreenhouse, **kwargs: object) -> httpx.Response:
    return httpx.post(f"{greenhouse.base_url}/token", **kwargs)  # type: ignore[arg-type]


def test_token_is_minted_with_client_credentials(greenhouse: RunningGreenhouse) -> None:
    response = _token(
        greenhouse, auth=greenhouse.client_auth, data={"grant_type": "client_credentials"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["access_token"].count(".") == 2, "a JWT"
    assert response.headers["X-RateLimit-Limit"] == "50"


@pytest.mark.parametrize(
    ("kwargs", "status", "expected"),
    [
        ({"data": {"grant_type": "client_credentials"}}, 401, "errorId"),
        (
            {
                "auth": ("openpin-sandbox-client", "wrong"),
                "data": {"grant_type": "client_credentials"},
            },
            401,
            "error",
        ),
        ({"auth": ("nobody", "x"), "data": {"grant_type": "client_credentials"}}, 401, "error"),
        ({"data": {"grant_type": "password"}, "use_default_auth": True}, 400, "message"),
        ({"data": {}, "use_default_auth": True}, 400, "message"),
        (
            {"data": {"grant_type": "client_credentials", "sub": "99"}, "use_default_auth": True},
            400,
            "message",
        ),
    ],
)
def test_token_errors(
    greenhouse: RunningGreenhouse, kwargs: dict[str, object], status: int, expected: str
) -> None:
    if kwargs.pop("use_default_auth", False):
        kwargs["auth"] = greenhouse.client_auth
    response = _token(greenhouse, **kwargs)
    assert response.status_code == status
    assert expected in response.json()
    if status == 401 and expected == "error":
        assert response.json() == {"error": "invalid_client"}


def test_sub_must_be_a_site_admin_to_read(greenhouse: RunningGreenhouse) -> None:
    users = greenhouse.sandbox.state.all("users")
    admin = next(u for u in users if u["site_admin"] and not u["service_account"])
    plain = next(u for u in users if not u["site_admin"] and not u["deactivated"])
    with greenhouse.client(greenhouse.mint_token(sub=admin["id"])) as client:
        assert len(client.get("/v3/jobs").json()) > 10
    with greenhouse.client(greenhouse.mint_token(sub=plain["id"])) as client:
        response = client.get("/v3/jobs")
    assert response.status_code == 200 and response.json() == []


def test_bearer_failures_answer_401_in_the_documented_shape(greenhouse: RunningGreenhouse) -> None:
    missing = httpx.get(f"{greenhouse.base_url}/v3/candidates")
    garbage = httpx.get(
        f"{greenhouse.base_url}/v3/candidates", headers={"Authorization": "Bearer not-a-token"}
    )
    assert missing.status_code == 401 and missing.json()["message"] == "Unauthorized"
    assert garbage.status_code == 401
    assert garbage.json() == {"message": "Unauthorized", "errors": [UNDECODABLE]}
    assert "X-RateLimit-Remaining" in garbage.headers, "error answers carry the headers too"


def test_expired_tokens_answer_401() -> None:
    config = GreenhouseSandboxConfig(token_ttl_seconds=0, not_found_after_create_seconds=0)
    with running_greenhouse(config) as greenhouse, greenhouse.client() as client:
        response = client.get("/v3/users")
    assert response.status_code == 401
    assert "expired" in response.json()["errors"][0]


def test_token_expiry_fault_expires_every_token(
    greenhouse: RunningGreenhouse, gh: httpx.Client
) -> None:
    assert gh.get("/v3/sources").status_code == 200
    httpx.patch(f"{greenhouse.base_url}/_sandbox/faults", json={"expire_tokens": True})
    assert gh.get("/v3/sources").status_code == 401
    httpx.patch(f"{greenhouse.base_url}/_sandbox/faults", json={"expire_tokens": False})
    assert gh.get("/v3/sources").status_code == 200


def test_missing_scope_is_403_and_removal_applies_to_live_tokens(
    greenhouse: RunningGreenhouse,
) -> None:
    created = httpx.post(
        f"{greenhouse.base_url}/_sandbox/credentials",
        json={"scopes": ["harvest:candidates:list", "harvest:jobs:list"]},
    ).json()
    token = greenhouse.mint_token((created["client_id"], created["client_secret"]))
    with greenhouse.client(token) as client:
        assert client.get("/v3/candidates").status_code == 200
        forbidden = client.post("/v3/candidates", json={"first_name": "A", "last_name": "B"})
        assert forbidden.status_code == 403
        assert "harvest:candidates:create" in forbidden.json()["errors"][0]
        httpx.patch(
            f"{greenhouse.base_url}/_sandbox/credentials/{created['client_id']}",
            json={"scopes": ["harvest:jobs:list", "harvest:users:list"]},
        )
        assert client.get("/v3/candidates").status_code == 403, "removal takes effect at once"
        assert client.get("/v3/users").status_code == 403, "additions need a new token"
    with greenhouse.client(
        greenhouse.mint_token((created["client_id"], created["client_secret"]))
    ) as client:
        assert client.get("/v3/users").status_code == 200


def test_token_endpoint_has_its_own_rate_limit() -> None:
    config = GreenhouseSandboxConfig(token_rate_limit=2, not_found_after_create_seconds=0)
    with running_greenhouse(config) as greenhouse:
        form = {"grant_type": "client_credentials"}
        statuses = [_token(greenhouse, auth=greenhouse.client_auth, data=form) for _ in range(3)]
        assert [r.status_code for r in statuses] == [200, 200, 429]
        assert int(statuses[-1].headers["Retry-After"]) >= 1
        with greenhouse.client(statuses[0].json()["access_token"]) as client:
            assert client.get("/v3/jobs").status_code == 200, "the API window is separate"
