"""Small helpers for driving the Greenhouse sandbox's admin API in tests."""

from __future__ import annotations

from typing import Any

import httpx


def new_credential(admin: httpx.Client, scopes: list[str]) -> tuple[str, str]:
    answer = admin.post("/credentials", json={"name": "limited", "scopes": scopes})
    answer.raise_for_status()
    return answer.json()["client_id"], answer.json()["client_secret"]


def set_faults(admin: httpx.Client, **faults: Any) -> None:
    admin.patch("/faults", json=faults).raise_for_status()
