"""The unsubscribe page behind every email's link and List-Unsubscribe header (RFC 8058).

GET shows a confirmation (link scanners and previews fetch URLs; a GET must change nothing).
POST unsubscribes: from the page's button, or straight from a mail client's one-click
"Unsubscribe" (`List-Unsubscribe=One-Click` in the body). This router is mounted WITHOUT the CSRF
check on purpose: the mail client posting has no session and no CSRF token, and needs none, since
the signed token in the URL is the authorisation (it names one message and cannot be forged);
the worst a forged cross-site POST can do is what the token's owner asked for. No login needed.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from openpin.db import transaction
from openpin.models.sequence import Mailbox
from openpin.sequence.unsubscribe import message_for_token, unsubscribe_by_token
from openpin.web.templating import render

router = APIRouter(include_in_schema=False)


def _page(request: Request, token: str, done: bool) -> Response:
    secrets = request.app.state.secret_box
    with transaction(request.app.state.session_factory) as session:
        if done:
            message = unsubscribe_by_token(session, secrets, token, source="unsubscribe link")
        else:
            message = message_for_token(session, secrets, token)
        mailbox = session.get(Mailbox, message.mailbox_id)
        sender = mailbox.from_name if mailbox else "this sender"
        address = message.to_address
    context = {"done": done, "address": address, "sender": sender}
    return render(request, "unsubscribe/page.html", context)


@router.get("/u/{token}")
def confirm(request: Request, token: str) -> Response:
    return _page(request, token, done=False)


@router.post("/u/{token}")
def unsubscribe(request: Request, token: str) -> Response:
    return _page(request, token, done=True)
