"""Greenhouse Harvest v3 sandbox: `create_app(GreenhouseSandboxConfig(...))`."""

from openpin.sandboxes.greenhouse.app import GreenhouseSandbox, create_app
from openpin.sandboxes.greenhouse.config import GreenhouseSandboxConfig

__all__ = ["GreenhouseSandbox", "GreenhouseSandboxConfig", "create_app"]
