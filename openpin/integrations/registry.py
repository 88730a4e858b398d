"""Provider name → factory. A new ATS joins by adding its package and one entry in `_FACTORIES`.

Factories are imported lazily so that importing the registry (e.g. to list provider names in a
form) does not import every vendor client.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from openpin.integrations.base import AtsProvider, ConnectionConfig


@dataclass(frozen=True)
class ProviderInfo:
    name: str
    display_name: str
    credential_fields: tuple[str, ...]
    default_base_url: str
    factory_path: str  # "module:function" taking a ConnectionConfig

    def build(self, config: ConnectionConfig) -> AtsProvider:
        module_name, _, attribute = self.factory_path.partition(":")
        factory: Any = importlib.import_module(module_name)
        for name in attribute.split("."):
            factory = getattr(factory, name)
        provider: AtsProvider = factory(config)
        return provider


_FACTORIES: dict[str, ProviderInfo] = {
    "greenhouse": ProviderInfo(
        name="greenhouse",
        display_name="Greenhouse",
        credential_fields=("client_id", "client_secret"),
        default_base_url="https://harvest.greenhouse.io",
        factory_path="openpin.integrations.greenhouse.provider:GreenhouseProvider.from_config",
    ),
    "ashby": ProviderInfo(
        name="ashby",
        display_name="Ashby",
        credential_fields=("api_key",),
        default_base_url="https://api.ashbyhq.com",
        factory_path="openpin.integrations.ashby.provider:AshbyProvider.from_config",
    ),
}


class UnknownProvider(ValueError):
    pass


def provider_names() -> tuple[str, ...]:
    return tuple(_FACTORIES)


def provider_info(name: str) -> ProviderInfo:
    try:
        return _FACTORIES[name]
    except KeyError:
        known = ", ".join(_FACTORIES)
        raise UnknownProvider(f"Unknown ATS {name!r}: choose one of {known}.") from None


def build_provider(
    name: str,
    credentials: dict[str, str],
    base_url: str | None = None,
    options: dict[str, Any] | None = None,
) -> AtsProvider:
    """The provider for one connection. `base_url` empty or None means the vendor's default."""
    info = provider_info(name)
    config = ConnectionConfig(
        provider=name,
        credentials=dict(credentials),
        base_url=(base_url or info.default_base_url).rstrip("/"),
        options=dict(options or {}),
    )
    return info.build(config)
