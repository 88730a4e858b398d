"""structlog set-up: JSON or console lines, with secrets redacted before anything is written."""

from __future__ import annotations

import logging
import re
from collections.abc import MutableMapping
from typing import Any

import structlog

SECRET_KEY_PATTERN = re.compile(
    r"(pass(word)?|secret|token|api[_-]?key|authorization|credential|cookie|private)", re.I
)
REDACTED = "[redacted]"
CHATTY_LIBRARIES = ("alembic", "httpx", "httpcore", "fontTools", "mail.log", "imapclient")


def redact_secrets(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Replace the value of any field whose name looks secret, at any depth of dicts."""
    for key, value in list(event_dict.items()):
        if key != "event" and SECRET_KEY_PATTERN.search(key):
            event_dict[key] = REDACTED
        elif isinstance(value, dict):
            event_dict[key] = redact_secrets(_logger, _method, dict(value))
    return event_dict


def configure_logging(level: str = "INFO", json_lines: bool = False) -> None:
    logging.basicConfig(format="%(message)s", level=level.upper())
    # Libraries that narrate routine work at INFO (each HTTP call, each font subset, each SMTP
    # session, each migration plugin): only their warnings help an operator.
    quiet_level = max(logging.WARNING, logging.getLevelName(level.upper()))
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(quiet_level)
    renderer: Any = (
        structlog.processors.JSONRenderer() if json_lines else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            redact_secrets,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        cache_logger_on_first_use=True,
    )


def get_logger(name: str | None = None) -> Any:
    return structlog.get_logger(name)
