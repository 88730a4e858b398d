"""Authentication (Basic, key as username), module permissions, and transport-level errors."""

from __future__ import annotations

import httpx
import pytest

from openpin.sandboxes.ashby.registry import ENDPOINTS
from openpin.sandboxes.ashby.testing import ServedAshbySandbox
from tests.sandboxes.ashby.conftest import ClientFactory
from tests.sandboxes.ashby.helpers import results

READ_PERMISSIONS = [
    "candidatesRead",
    "jobsRead",
    "organizationRead",
    "hiringProcessMetadataRead",
    "apiKeysRead",
]


def create_key(admin: httpx.Client, permissions: list[str]) -> str:
    response = admin.post("/credentials", json={"title": "Test key", "permissions": permissions})
    assert response.status_code == 201, response.text
    return str(response.json()["key"])


def test_no_key_is_401(make_client: ClientFactory) -> None:
    client = make_client()
    response = client.post("/apiKey.info", json={}, auth=None)  # None: send no credentials
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert response.json()["success"] is False
    bearer = client.post(
        "/apiKey.info", json={}, auth=None, headers={"Authorization": "Bearer abc"}
    )
    assert bearer.status_code == 401


def test_wrong_or_deactivated_key_is_403_invalid_api_key(
    make_client: ClientFactory, admin: httpx.Client
) -> None:
    response = make_client("not-a-key").post("/apiKey.info", json={})
    assert response.status_code == 403
    assert response.json()["errorInfo"]["code"] == "invalid_api_key"
    key = create_key(admin, READ_PERMISSIONS)
    assert make_client(key).post("/apiKey.info", json={}).status_code == 200
    assert admin.patch(f"/credentials/{key}", json={"is_active": False}).status_code == 200
    response = make_client(key).post("/apiKey.info", json={})
    assert response.status_code == 403
    assert response.json()["errorInfo"]["code"] == "invalid_api_key"


def test_key_sent_as_both_username_and_password_works(
    make_client: ClientFactory, ashby: ServedAshbySandbox
) -> None:
    client = make_client()
    response = client.post("/apiKey.info", json={}, auth=(ashby.api_key, ashby.api_key))
    assert response.status_code == 200


def test_api_key_info_reports_the_granted_scopes(
    make_client: ClientFactory, admin: httpx.Client
) -> None:
    key = create_key(admin, ["apiKeysRead", "candidates:read"])
    info = results(make_client(key), "apiKey.info")
    assert info["title"] == "Test key"
    assert info["scopes"] == ["candidates:read", "apiKeys:read"]


@pytest.mark.parametrize("method", sorted(ENDPOINTS))
def test_every_endpoint_needs_its_module_permission(
    method: str, make_client: ClientFactory, admin: httpx.Client
) -> None:
    needed = ENDPOINTS[method].permission
    everything_else = [
        p
        for p in (*READ_PERMISSIONS, "candidatesWrite", "hiringProcessMetadataWrite")
        if p != needed
    ]
    response = make_client(create_key(admin, everything_else)).post(f"/{method}", json={})
    assert response.status_code == 403
    info = response.json()["errorInfo"]
    assert info["code"] == "missing_endpoint_permission"
    assert needed in info["message"]


def test_the_documented_permission_per_endpoint() -> None:
    expected = {
        "apiKey.info": "apiKeysRead",
        "user.list": "organizationRead",
        "job.list": "jobsRead",
        "job.info": "jobsRead",
        "source.list": "hiringProcessMetadataRead",
        "candidateTag.list": "hiringProcessMetadataRead",
        "candidateTag.create": "hiringProcessMetadataWrite",
        "customField.list": "hiringProcessMetadataRead",
        "candidate.search": "candidatesRead",
        "candidate.list": "candidatesRead",
        "candidate.info": "candidatesRead",
        "application.list": "candidatesRead",
        "application.info": "candidatesRead",
    }
    for method, permission in expected.items():
        assert ENDPOINTS[method].permission == permission
    writes = {
        name for name, endpoint in ENDPOINTS.items() if endpoint.permission == "candidatesWrite"
    }
    assert writes == {
        "candidate.create",
        "candidate.update",
        "candidate.createNote",
        "candidate.addTag",
        "application.create",
        "application.changeStage",
        "candidate.uploadResume",
        "candidate.uploadFile",
        "file.createFileUploadHandle",
    }


def test_admin_refuses_unknown_permission_names(admin: httpx.Client) -> None:
    response = admin.post("/credentials", json={"permissions": ["candidatesDelete"]})
    assert response.status_code == 400
    assert "candidatesDelete" in response.json()["error"]


def test_unknown_method_is_404(client: httpx.Client) -> None:
    response = client.post("/candidate.teleport", json={})
    assert response.status_code == 404
    assert response.json()["success"] is False


def test_body_must_be_json_object_with_json_content_type(client: httpx.Client) -> None:
    wrong_type = client.post(
        "/candidate.search", content=b'{"email":"a@b.c"}', headers={"Content-Type": "text/plain"}
    )
    assert wrong_type.status_code == 200
    assert wrong_type.json()["errorInfo"]["code"] == "invalid_input"
    malformed = client.post(
        "/candidate.search", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert malformed.json()["errorInfo"] == {
        **malformed.json()["errorInfo"],
        "code": "invalid_input",
        "message": "Request payload is malformed: the body is not valid JSON",
    }
    array = client.post("/candidate.search", json=[])
    assert array.json()["errorInfo"]["code"] == "invalid_input"
    empty = client.post("/apiKey.info", content=b"")
    assert empty.status_code == 200 and empty.json()["success"] is True
