"""ATS errors worded for the user."""

from __future__ import annotations

from typing import Any

from openpin.errors import OpenPinError


class AtsUnreachable(OpenPinError):
    """The ATS could not be reached or failed; nothing was saved."""

    status_code = 502
    code = "ats_unreachable"


class VerificationFailed(OpenPinError):
    """The ATS refused the credentials or lacks permissions; nothing was saved."""

    status_code = 422
    code = "ats_verification_failed"

    def __init__(self, message: str, hint: str = "", report: dict[str, Any] | None = None):
        super().__init__(message, hint, **({"report": report} if report else {}))


class NotConnected(OpenPinError):
    status_code = 409
    code = "ats_not_connected"

    def __init__(self) -> None:
        super().__init__(
            "This workspace is not connected to an ATS.",
            "Connect Greenhouse or Ashby under Settings > ATS integrations first.",
        )
