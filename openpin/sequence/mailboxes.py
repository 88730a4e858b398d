"""Mailboxes: sending addresses; secrets encrypted on the way in, masked on the way out.

Also the two connection checks the settings page offers ("Send test email", "Check inbox"), which
report the server's own words when they fail.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError
from sqlalchemy import select
from sqlalchemy.orm import Session

from openpin.activity.service import record_event
from openpin.errors import ValidationFailed
from openpin.integrations.errors import IntegrationError
from openpin.integrations.smtp.client import SmtpClient, SmtpConfig
from openpin.kit.crypto import SecretBox, mask_secret
from openpin.kit.normalise import NormalisationError, normalise_email
from openpin.kit.repository import WorkspaceRepository
from openpin.models.sequence import Mailbox
from openpin.sequence import schemas
from openpin.sequence.calendar import check_holiday_country, check_timezone
from openpin.sequence.lifecycle import ImapSettings, mailbox_imap_settings

IMAP_TIMEOUT_SECONDS = 20.0
_SECRET_FIELDS = {
    "smtp_password": "smtp_password_encrypted",
    "imap_password": "imap_password_encrypted",
}
_CLOCK_FIELDS = {"window_start": "window_start_minute", "window_end": "window_end_minute"}


class MailboxRepository(WorkspaceRepository[Mailbox]):
    model = Mailbox
    noun = "mailbox"

    def all(self) -> list[Mailbox]:
        return list(self.session.scalars(self.base_query().order_by(Mailbox.id)))


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str


class MailboxService:
    def __init__(
        self,
        session: Session,
        workspace_id: int,
        secrets: SecretBox,
        actor_user_id: int | None = None,
    ) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.secrets = secrets
        self.actor_user_id = actor_user_id
        self.repo = MailboxRepository(session, workspace_id)

    def list(self) -> list[Mailbox]:
        return self.repo.all()

    def get(self, mailbox_id: int) -> Mailbox:
        return self.repo.get(mailbox_id)

    def create(self, data: schemas.MailboxCreate) -> Mailbox:
        mailbox = Mailbox(
            workspace_id=self.workspace_id, owner_user_id=self.actor_user_id, **_column_defaults()
        )
        self._apply(
            mailbox, data, data.model_fields_set | {"from_name", "from_address", "smtp_host"}
        )
        self.repo.add(mailbox)
        self._event("mailbox.created", mailbox)
        return mailbox

    def update(self, mailbox_id: int, data: schemas.MailboxUpdate) -> Mailbox:
        mailbox = self.repo.get(mailbox_id)
        self._apply(mailbox, data, data.model_fields_set)
        self.session.flush()
        self._event("mailbox.updated", mailbox)
        return mailbox

    def delete(self, mailbox_id: int) -> None:
        mailbox = self.repo.get(mailbox_id)
        self._event("mailbox.deleted", mailbox)
        self.repo.delete(mailbox)

    def _event(self, type_: str, mailbox: Mailbox) -> None:
        record_event(
            self.session,
            self.workspace_id,
            type_,
            actor_user_id=self.actor_user_id,
            data={"mailbox_id": mailbox.id, "from_address": mailbox.from_address},
        )

    def _apply(self, mailbox: Mailbox, data: schemas._MailboxFields, given: set[str]) -> None:
        for name in sorted(given):
            value = getattr(data, name)
            if value is None:
                continue  # left out: keep what is saved (passwords above all)
            self._set(mailbox, name, value)
        check_timezone(mailbox.timezone or "UTC")
        check_holiday_country(mailbox.holiday_country or "", mailbox.holiday_subdivision or "")
        if mailbox.window_end_minute <= mailbox.window_start_minute:
            raise ValidationFailed(
                "window_end: the send window must end after it starts.",
                "For example 09:00 to 17:00.",
                field="window_end",
            )

    def _set(self, mailbox: Mailbox, name: str, value: Any) -> None:
        if name in _SECRET_FIELDS:
            if value != "":  # an empty password box means "keep the saved one"
                setattr(mailbox, _SECRET_FIELDS[name], self.secrets.encrypt(value))
        elif name in _CLOCK_FIELDS:
            setattr(mailbox, _CLOCK_FIELDS[name], schemas.clock_to_minutes(value))
        elif name == "from_address":
            mailbox.from_address = _address(value)
        elif name == "pause_dates":
            mailbox.pause_dates = sorted({d.isoformat() for d in value})
        elif name in ("holiday_country", "holiday_subdivision"):
            setattr(mailbox, name, value.strip().upper())
        elif isinstance(value, str):
            setattr(mailbox, name, value.strip() if name != "signature" else value.rstrip())
        else:
            setattr(mailbox, name, value)

    # -- reading ---------------------------------------------------------------------------

    def to_schema(self, mailbox: Mailbox) -> schemas.Mailbox:
        return schemas.Mailbox(
            id=mailbox.id,
            **{name: getattr(mailbox, name) for name in _PLAIN_FIELDS},
            smtp_password=self._masked(mailbox.smtp_password_encrypted),
            imap_password=self._masked(mailbox.imap_password_encrypted),
            window_start=schemas.minutes_to_clock(mailbox.window_start_minute),
            window_end=schemas.minutes_to_clock(mailbox.window_end_minute),
            pause_dates=list(mailbox.pause_dates),
            created_at=mailbox.created_at,
        )

    def _masked(self, encrypted: str) -> str:
        return mask_secret(self.secrets.decrypt(encrypted)) if encrypted else ""

    # -- checks ----------------------------------------------------------------------------

    def send_test_email(self, mailbox_id: int, to: str) -> CheckResult:
        mailbox = self.repo.get(mailbox_id)
        message = EmailMessage()
        message["From"] = formataddr((mailbox.from_name, mailbox.from_address))
        message["To"] = _address(to, field="to")
        message["Subject"] = "OpenPin test email"
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=_domain(mailbox.from_address))
        message.set_content(
            f"This is a test from OpenPin: {mailbox.from_address} can send through "
            f"{mailbox.smtp_host}.\n"
        )
        try:
            reply = smtp_client_for(mailbox, self.secrets).send(message)
        except IntegrationError as exc:
            return CheckResult(False, exc.message)
        return CheckResult(True, f"Sent to {message['To']}. The server answered: {reply}")

    def check_inbox(self, mailbox_id: int) -> CheckResult:
        mailbox = self.repo.get(mailbox_id)
        if not mailbox.imap_configured:
            return CheckResult(
                False, "No IMAP settings yet: add the IMAP host, user name and password first."
            )
        settings = mailbox_imap_settings(self.session, mailbox.id, self.secrets)
        return check_imap(settings)


_PLAIN_FIELDS = (
    "label",
    "from_name",
    "from_address",
    "signature",
    "smtp_host",
    "smtp_port",
    "smtp_security",
    "smtp_username",
    "imap_host",
    "imap_port",
    "imap_ssl",
    "imap_username",
    "imap_folder",
    "imap_sent_folder",
    "timezone",
    "daily_cap",
    "min_gap_seconds",
    "send_days",
    "holiday_country",
    "holiday_subdivision",
    "track_opens",
    "track_clicks",
    "is_active",
)


def _column_defaults() -> dict[str, Any]:
    """The model's defaults, applied up front so that the checks below see them before a flush."""
    values: dict[str, Any] = {}
    for column in Mailbox.__table__.columns:
        default = column.default
        if default is None or column.primary_key or not hasattr(default, "arg"):
            continue
        arg = default.arg
        values[column.key] = arg(None) if callable(arg) else arg
    return values


def _address(value: str, field: str = "from_address") -> str:
    try:
        return normalise_email(value)
    except NormalisationError as exc:
        raise ValidationFailed(f"{field}: {exc}", field=field) from exc


def _domain(address: str) -> str:
    return address.rpartition("@")[2] or "openpin.local"


def smtp_client_for(mailbox: Mailbox, secrets: SecretBox) -> SmtpClient:
    password = (
        secrets.decrypt(mailbox.smtp_password_encrypted) if mailbox.smtp_password_encrypted else ""
    )
    return SmtpClient(
        SmtpConfig(
            host=mailbox.smtp_host,
            port=mailbox.smtp_port,
            security=mailbox.smtp_security.value,
            username=mailbox.smtp_username,
            password=password,
        )
    )


def open_imap(settings: ImapSettings) -> IMAPClient:
    client = IMAPClient(
        settings.host, port=settings.port, ssl=settings.ssl, timeout=IMAP_TIMEOUT_SECONDS
    )
    client.login(settings.username, settings.password)
    return client


def check_imap(settings: ImapSettings) -> CheckResult:
    """Log in and open the folder read-only; the server's own words on failure."""
    where = f"{settings.host}:{settings.port}"
    try:
        client = open_imap(settings)
        try:
            info = client.select_folder(settings.folder, readonly=True)
        finally:
            _logout(client)
    except IMAPClientError as exc:
        return CheckResult(False, f"The IMAP server {where} said: {_imap_words(exc)}")
    except (TimeoutError, OSError, ssl.SSLError) as exc:
        return CheckResult(False, f"Could not connect to the IMAP server {where}: {exc}")
    count = info.get(b"EXISTS", 0)
    return CheckResult(True, f"Connected to {where}: {settings.folder} holds {count} messages.")


def _imap_words(exc: Exception) -> str:
    text = str(exc)
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return text


def _logout(client: IMAPClient) -> None:
    try:
        client.logout()
    except (IMAPClientError, OSError):
        client.shutdown()


def all_mailboxes(session: Session, workspace_id: int) -> list[Mailbox]:
    query = select(Mailbox).where(Mailbox.workspace_id == workspace_id).order_by(Mailbox.id)
    return list(session.scalars(query))


def parse_pause_dates(text: str) -> list[date]:
    """One ISO date per line or comma: what the settings form's textarea holds."""
    values = [part.strip() for part in text.replace(",", "\n").splitlines() if part.strip()]
    try:
        return [date.fromisoformat(value) for value in values]
    except ValueError as exc:
        raise ValidationFailed(
            f"pause_dates: {exc}.", "Write dates as YYYY-MM-DD, one per line.", field="pause_dates"
        ) from exc
