"""Sending one email over SMTP (stdlib `smtplib`), every failure classified with the server's text.

Classification (ARCHITECTURE Convention 6):
- `SmtpTemporaryError` (a `TransientError`): a 4xx reply, or the connection failed before the
  message was handed over. Nothing was delivered; retrying later is safe.
- `SmtpPermanentError` (a `RejectedError`): a 5xx reply to MAIL, RCPT or the end of DATA. Nothing
  was delivered and retrying will not help; the server's own words are kept for the recruiter.
  `SmtpRecipientRejected` is the one case that says the address itself is bad (a 5xx to RCPT TO
  such as "550 5.1.1 user unknown"): the caller treats it as a hard bounce. A 5xx for the sender,
  the relay, our reputation or the content says nothing about the address and is not one.
- `SmtpAuthError` (an `AuthError`): the server refused the login or TLS; a person must fix it.
- `SmtpOutcomeUnknown`: the connection broke after the whole message was sent but before the
  server answered. The server may have accepted it, so it must NOT be retried blindly.

MAIL, RCPT and DATA are sent as separate commands (not `sendmail`) precisely so that the last
case can be told apart from the others.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY

from openpin.integrations.errors import AuthError, RejectedError, TransientError

PROVIDER = "smtp"
DEFAULT_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str = "starttls"  # "ssl", "starttls" or "none"
    username: str = ""
    password: str = field(default="", repr=False)
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS


class SmtpTemporaryError(TransientError):
    pass


class SmtpPermanentError(RejectedError):
    pass


class SmtpRecipientRejected(SmtpPermanentError):
    """The server refused the recipient's address for good: there is no such mailbox."""

    def __init__(self, message: str, *, recipient: str, reply: str, status_code: int) -> None:
        super().__init__(message, status_code=status_code, provider=PROVIDER)
        self.recipient = recipient
        self.reply = reply  # the server's own words, e.g. "550 5.1.1 user unknown"


class SmtpAuthError(AuthError):
    pass


class SmtpOutcomeUnknown(TransientError):
    def __init__(self, message: str) -> None:
        super().__init__(message, ambiguous=True, provider=PROVIDER)


# RFC 3463 enhanced status codes that say the recipient's address is bad: 5.1.1 no such mailbox,
# 5.1.2 no such domain, 5.1.3 malformed, 5.1.6 moved away, 5.1.10 null MX, 5.2.1 disabled.
# Others (5.7.x policy such as "relay access denied" or a blocklisted IP, 5.2.2 mailbox full,
# 5.1.7/5.1.8 sender) do not make the address bad.
BAD_RECIPIENT_STATUSES = frozenset({"5.1.1", "5.1.2", "5.1.3", "5.1.6", "5.1.10", "5.2.1"})
ENHANCED_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
# Servers that send no enhanced code: their usual words for "no such recipient".
NO_SUCH_RECIPIENT = re.compile(
    r"user unknown|unknown user|unknown recipient|no such (user|recipient|mailbox)"
    r"|recipient not found|mailbox not found|invalid recipient|does not exist",
    re.I,
)


def says_recipient_is_bad(code: int, words: str) -> bool:
    """True when a reply to RCPT TO means the address cannot receive mail, ever."""
    if not 500 <= code < 600:
        return False
    status = ENHANCED_STATUS.search(words)
    if status:
        return status.group(1) in BAD_RECIPIENT_STATUSES
    return bool(NO_SUCH_RECIPIENT.search(words)) and "sender" not in words.lower()


def _reply_text(code: int, reply: bytes | str) -> str:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {' '.join(text.split())}".strip()


def classify_reply(code: int, reply: bytes | str, during: str) -> Exception:
    """A non-success reply, as the right error; `during` says which command it answered."""
    words = _reply_text(code, reply)
    if 400 <= code < 500:
        return SmtpTemporaryError(
            f"The mail server deferred the message ({during}): {words}",
            status_code=code,
            provider=PROVIDER,
        )
    return SmtpPermanentError(
        f"The mail server refused the message ({during}): {words}",
        status_code=code,
        provider=PROVIDER,
    )


class SmtpClient:
    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    def _connect(self) -> smtplib.SMTP:
        """Connect, upgrade to TLS and log in; every failure here means nothing was sent."""
        cfg = self.config
        where = f"{cfg.host}:{cfg.port}"
        try:
            smtp = self._open_socket()
        except (OSError, smtplib.SMTPException) as exc:
            raise SmtpTemporaryError(
                f"Could not connect to the mail server {where}: {_describe(exc)}",
                provider=PROVIDER,
            ) from exc
        try:
            self._secure_and_login(smtp)
        except BaseException:
            _close(smtp)
            raise
        return smtp

    def _open_socket(self) -> smtplib.SMTP:
        cfg = self.config
        if cfg.security == "ssl":
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(
                cfg.host, cfg.port, timeout=cfg.timeout_seconds, context=context
            )
        return smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout_seconds)

    def _secure_and_login(self, smtp: smtplib.SMTP) -> None:
        cfg = self.config
        try:
            smtp.ehlo()
            if cfg.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if cfg.username:
                _login(smtp, cfg.username, cfg.password)
        except smtplib.SMTPAuthenticationError as exc:
            raise SmtpAuthError(
                "The mail server refused the user name or password: "
                f"{_reply_text(exc.smtp_code, exc.smtp_error)}",
                provider=PROVIDER,
            ) from exc
        except (smtplib.SMTPNotSupportedError, ssl.SSLError) as exc:
            raise SmtpAuthError(
                f"Could not set up a secure connection: {_describe(exc)}. "
                "Check the security setting (SSL on port 465, STARTTLS on port 587).",
                provider=PROVIDER,
            ) from exc
        except smtplib.SMTPResponseException as exc:
            raise classify_reply(exc.smtp_code, exc.smtp_error, "greeting") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise SmtpTemporaryError(
                f"The connection to the mail server failed: {_describe(exc)}", provider=PROVIDER
            ) from exc

    def check(self) -> str:
        """Connect and log in, then say goodbye; returns the server's greeting name."""
        smtp = self._connect()
        try:
            return smtp.ehlo_resp.decode(errors="replace").split("\n")[0] if smtp.ehlo_resp else ""
        finally:
            _close(smtp)

    def send(self, message: EmailMessage) -> str:
        """Deliver `message` to its From/To; returns the server's final reply text."""
        sender = str(message["From"].addresses[0].addr_spec)
        recipients = [a.addr_spec for a in message["To"].addresses]
        payload = message.as_bytes(policy=SMTP_POLICY)
        smtp = self._connect()
        try:
            self._envelope(smtp, sender, recipients)
            return self._data(smtp, payload)
        finally:
            _close(smtp)

    def _envelope(self, smtp: smtplib.SMTP, sender: str, recipients: list[str]) -> None:
        try:
            code, reply = smtp.mail(sender)
            if code != 250:
                raise classify_reply(code, reply, "MAIL FROM")
            for recipient in recipients:
                code, reply = smtp.rcpt(recipient)
                if code not in (250, 251):
                    raise _rcpt_refusal(code, reply, recipient)
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            raise SmtpTemporaryError(
                f"The connection to the mail server failed: {_describe(exc)}", provider=PROVIDER
            ) from exc

    def _data(self, smtp: smtplib.SMTP, payload: bytes) -> str:
        try:
            code, reply = smtp.data(payload)
        except smtplib.SMTPDataError as exc:
            # The DATA command itself was refused: the content was never sent.
            raise classify_reply(exc.smtp_code, exc.smtp_error, "DATA") from exc
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            raise SmtpOutcomeUnknown(
                "The connection to the mail server broke after the message was sent but before "
                f"the server confirmed it ({_describe(exc)}); it may have been delivered."
            ) from exc
        if code != 250:
            raise classify_reply(code, reply, "end of DATA")
        return _reply_text(code, reply)


def _rcpt_refusal(code: int, reply: bytes, recipient: str) -> Exception:
    words = _reply_text(code, reply)
    if says_recipient_is_bad(code, words):
        return SmtpRecipientRejected(
            f"The mail server refused the recipient (RCPT TO {recipient}): {words}",
            recipient=recipient,
            reply=words,
            status_code=code,
        )
    return classify_reply(code, reply, f"RCPT TO {recipient}")


def _login(smtp: smtplib.SMTP, username: str, password: str) -> None:
    try:
        smtp.login(username, password)
    except smtplib.SMTPNotSupportedError as exc:
        raise SmtpAuthError(
            "The mail server does not offer a login (no AUTH after the greeting). Turn on "
            "STARTTLS or SSL if it only allows login over TLS, or leave the user name empty.",
            provider=PROVIDER,
        ) from exc


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply_text(exc.smtp_code, exc.smtp_error)
    return str(exc) or type(exc).__name__


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()
