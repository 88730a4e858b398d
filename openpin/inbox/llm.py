"""Reply classification by the workspace's language model, when one is configured.

The model must answer with one label and nothing else; anything else is refused (and the caller
falls back to the offline classifier), so a chatty or confused answer never becomes a label.
"""

from __future__ import annotations

import re

from openpin.integrations.llm.client import LlmClient
from openpin.models.inbox import ReplyLabel

MAX_REPLY_CHARS = 4000
MAX_ANSWER_TOKENS = 8

LABEL_GUIDE = {
    ReplyLabel.INTERESTED: "wants to talk, learn more, apply or schedule a call",
    ReplyLabel.NOT_INTERESTED: "declines: happy where they are, wrong fit, not looking",
    ReplyLabel.NOT_NOW: "maybe later: asks to be contacted again at another time",
    ReplyLabel.OUT_OF_OFFICE: "an automatic away, vacation or left-the-company message",
    ReplyLabel.REFERRAL: "not for them but points to or forwards another person",
    ReplyLabel.QUESTION: "asks about the role (salary, remote, company) without saying yes",
    ReplyLabel.UNSUBSCRIBE: "asks to stop emailing them or to be removed from the list",
}


class InvalidLabelAnswer(ValueError):
    pass


def classification_messages(reply_text: str, subject: str = "") -> list[dict[str, str]]:
    guide = "\n".join(f"- {label.value}: {meaning}" for label, meaning in LABEL_GUIDE.items())
    system = (
        "You classify a candidate's reply to a recruiter's outreach email. Answer with exactly "
        "one label from this list, in lower case, and nothing else:\n" + guide
    )
    body = reply_text[:MAX_REPLY_CHARS]
    user = f"Subject: {subject}\n\nReply:\n<<<\n{body}\n>>>"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def parse_label(answer: str) -> ReplyLabel:
    """The label in a strict answer: one label, optionally quoted or followed by a full stop."""
    cleaned = answer.strip().strip("`'\"").strip().rstrip(".").strip().lower()
    cleaned = re.sub(r"[\s-]+", "_", cleaned)
    try:
        return ReplyLabel(cleaned)
    except ValueError:
        raise InvalidLabelAnswer(
            f"The language model answered {answer[:80]!r}, which is not one of the labels."
        ) from None


def classify_with_llm(client: LlmClient, reply_text: str, subject: str = "") -> ReplyLabel:
    answer = client.complete(
        classification_messages(reply_text, subject), max_tokens=MAX_ANSWER_TOKENS, temperature=0
    )
    return parse_label(answer)
