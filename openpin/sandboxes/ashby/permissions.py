"""Ashby's module permissions: each API key gets read and/or write per module.

The docs name permissions in camelCase (`candidatesWrite`); `apiKey.info` reports them as scopes in
`module:action` form (`candidates:write`). Both spellings are accepted where a key is created.
"""

from __future__ import annotations

from collections.abc import Iterable

MODULES = (
    "candidates",
    "jobs",
    "organization",
    "hiringProcessMetadata",
    "apiKeys",
    "interviews",
    "offers",
    "approvals",
    "reports",
)
ACTIONS = ("Read", "Write")

CANDIDATES_READ = "candidatesRead"
CANDIDATES_WRITE = "candidatesWrite"
JOBS_READ = "jobsRead"
ORGANIZATION_READ = "organizationRead"
HIRING_PROCESS_METADATA_READ = "hiringProcessMetadataRead"
HIRING_PROCESS_METADATA_WRITE = "hiringProcessMetadataWrite"
API_KEYS_READ = "apiKeysRead"

ALL_PERMISSIONS = tuple(f"{module}{action}" for module in MODULES for action in ACTIONS)


def normalise_permission(name: str) -> str:
    """`candidates:read` or `candidatesRead` -> `candidatesRead`; ValueError for anything else."""
    if ":" in name:
        module, _, action = name.partition(":")
        name = f"{module}{action.capitalize()}"
    if name not in ALL_PERMISSIONS:
        raise ValueError(
            f"unknown permission {name!r}; use one of {', '.join(ALL_PERMISSIONS)} "
            "or their module:action form"
        )
    return name


def normalise_permissions(names: Iterable[str]) -> list[str]:
    unique = {normalise_permission(name) for name in names}
    return [permission for permission in ALL_PERMISSIONS if permission in unique]


def as_scope(permission: str) -> str:
    """`hiringProcessMetadataRead` -> `hiringProcessMetadata:read` (apiKey.info's form)."""
    for action in ACTIONS:
        if permission.endswith(action):
            return f"{permission[: -len(action)]}:{action.lower()}"
    raise ValueError(f"not a permission name: {permission!r}")
