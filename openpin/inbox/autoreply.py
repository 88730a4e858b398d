"""Automatic answers (out of office, vacation, "we received your email"): recorded, never counted
as the candidate replying.

Headers first: RFC 3834 `Auto-Submitted` (anything but "no"), the de facto `X-Autoreply`,
`X-Autorespond`, Exchange's `X-Auto-Response-Suppress`, and `Precedence: auto_reply/bulk/junk`.
Then the subject lines the common clients put on out-of-office answers, in several languages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

OUT_OF_OFFICE_SUBJECTS = re.compile(
    r"^\s*(auto(matic)?[ -]?(reply|response|antwort)|autoreply|auto:|out of (the )?office"
    r"|ooo\b|away from (the )?office|on vacation|on holiday|abwesenheit|abwesenheitsnotiz"
    r"|r[ée]ponse automatique|absence|respuesta autom[áa]tica|fuera de la oficina"
    r"|risposta automatica|fuori sede|automatisch antwoord|afwezig|frånvaro|autosvar)",
    re.I,
)
AUTOMATIC_PRECEDENCE = frozenset({"auto_reply", "bulk", "junk"})


def auto_reply_reason(headers: Mapping[str, str], subject: str) -> str:
    """Why this message is automatic ("Auto-Submitted: auto-replied", ...); "" if it is not."""
    auto_submitted = headers.get("Auto-Submitted", "").strip().lower()
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        return f"Auto-Submitted: {auto_submitted}"
    for name in ("X-Autoreply", "X-Autorespond"):
        if headers.get(name):
            return f"{name}: {headers[name]}"
    suppress = headers.get("X-Auto-Response-Suppress", "")
    if re.search(r"\b(all|oof|autoreply)\b", suppress, re.I):
        return f"X-Auto-Response-Suppress: {suppress}"
    precedence = headers.get("Precedence", "").strip().lower()
    if precedence in AUTOMATIC_PRECEDENCE:
        return f"Precedence: {precedence}"
    if OUT_OF_OFFICE_SUBJECTS.search(_without_reply_prefix(subject)):
        return f"Subject: {subject[:100]}"
    return ""


def _without_reply_prefix(subject: str) -> str:
    # Some clients put "RE:" before "Automatic reply: ...", which must still count.
    return re.sub(r"^\s*((re|aw|sv|fw|fwd|tr)\s*:\s*)+", "", subject, flags=re.I)
