"""Small helpers for reading the Ashby sandbox back and driving its admin API in tests."""

from __future__ import annotations

import httpx


def results(api: httpx.Client, method: str, body: dict[str, object] | None = None) -> object:
    answer = api.post(f"/{method}", json=body or {}).json()
    assert answer["success"], answer
    return answer["results"]


def new_key(admin: httpx.Client, permissions: list[str]) -> str:
    answer = admin.post("/credentials", json={"name": "limited", "permissions": permissions})
    answer.raise_for_status()
    return str(answer.json()["key"])


def set_faults(admin: httpx.Client, **faults: object) -> None:
    admin.patch("/faults", json=faults).raise_for_status()
