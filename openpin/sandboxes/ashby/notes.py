"""HTML notes as Ashby keeps them: only b, i, u, a, ul, ol, li, code and pre survive.

Other tags are stripped but their text is kept; the content of script and style is dropped.
Links keep only an http(s) or mailto `href`.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

ALLOWED_TAGS = frozenset({"b", "i", "u", "a", "ul", "ol", "li", "code", "pre"})
DROPPED_CONTENT_TAGS = frozenset({"script", "style"})
SAFE_LINK_SCHEMES = ("http://", "https://", "mailto:")


class _NoteSanitiser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_CONTENT_TAGS:
            self._dropping += 1
        elif tag in ALLOWED_TAGS and not self._dropping:
            self.parts.append(_open_tag(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED_CONTENT_TAGS:
            self._dropping = max(0, self._dropping - 1)
        elif tag in ALLOWED_TAGS and not self._dropping:
            self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            self.parts.append(escape(data, quote=False))


def _open_tag(tag: str, attrs: dict[str, str | None]) -> str:
    href = attrs.get("href") or ""
    if tag == "a" and href.lower().startswith(SAFE_LINK_SCHEMES):
        return f'<a href="{escape(href)}">'
    return f"<{tag}>"


def sanitise_note_html(html: str) -> str:
    parser = _NoteSanitiser()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)
