"""The resume PDF a recruiter downloads from a profile, later attached to the candidate in an ATS.

Rendered with fpdf2 in Fira Sans (SIL OFL 1.1) from the `fontpkg-fira-sans` PyPI package: static
TTFs covering Latin (incl. extended), Greek, Cyrillic and Vietnamese, so nothing depends on the
host's fonts. Characters the font cannot draw (CJK, Arabic, emoji, ...) follow `_fallback_char`:
a known ASCII substitute, else the letter without its accents, else "?". Without the font package
the same rule maps text onto latin-1 and the core Helvetica font, so rendering never crashes.

Output is deterministic: the creation date is the candidate's `updated_at` and fpdf2 derives the
file /ID from the content, so an unchanged candidate gives identical bytes (ATS attachment dedupe).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import phonenumbers
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from openpin.models.candidate import Candidate, CandidateEducation, CandidateExperience

__all__ = [
    "EducationEntry",
    "ExperienceEntry",
    "ResumeData",
    "render_resume_pdf",
    "resume_filename",
]

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

INK = (33, 37, 41)
MUTED = (104, 112, 122)
ACCENT = (28, 78, 128)
RULE = (206, 212, 218)

MARGIN = 18.0  # mm
BODY_PT = 9.5
LINE_MM = 4.6
EN_DASH_SPACED = " \u2013 "  # date ranges: "Mar 2021 \u2013 Present"


@dataclass(frozen=True)
class ExperienceEntry:
    title: str = ""
    company: str = ""
    start_date: date | None = None
    end_date: date | None = None
    is_current: bool = False
    description: str = ""


@dataclass(frozen=True)
class EducationEntry:
    school: str = ""
    degree: str = ""
    field_of_study: str = ""
    start_date: date | None = None
    end_date: date | None = None


@dataclass(frozen=True)
class ResumeData:
    """Everything the resume shows, detached from the ORM so rendering never triggers a query."""

    full_name: str
    headline: str = ""
    summary: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    linkedin_url: str | None = None
    links: tuple[str, ...] = ()
    city: str = ""
    region: str = ""
    country: str = ""
    skills: tuple[str, ...] = ()
    experiences: tuple[ExperienceEntry, ...] = ()
    educations: tuple[EducationEntry, ...] = ()
    updated_at: datetime | None = None
    candidate_id: int | None = None

    @classmethod
    def from_model(cls, candidate: Candidate) -> ResumeData:
        """Read a candidate whose emails, phones, experiences and educations are loaded."""
        return cls(
            full_name=candidate.full_name,
            headline=candidate.headline,
            summary=candidate.summary,
            emails=tuple(e.email for e in candidate.emails),
            phones=tuple(p.number for p in candidate.phones),
            linkedin_url=candidate.linkedin_url,
            links=tuple(candidate.links or ()),
            city=candidate.city,
            region=candidate.region,
            country=candidate.country_name or candidate.country_code,
            skills=tuple(candidate.skills or ()),
            experiences=tuple(_experience(x) for x in candidate.experiences),
            educations=tuple(_education(x) for x in candidate.educations),
            updated_at=candidate.updated_at,
            candidate_id=candidate.id,
        )

    @property
    def location(self) -> str:
        return ", ".join(part for part in (self.city, self.region, self.country) if part)


def _experience(row: CandidateExperience) -> ExperienceEntry:
    return ExperienceEntry(
        title=row.title,
        company=row.company,
        start_date=row.start_date,
        end_date=row.end_date,
        is_current=row.is_current,
        description=row.description,
    )


def _education(row: CandidateEducation) -> EducationEntry:
    return EducationEntry(
        school=row.school,
        degree=row.degree,
        field_of_study=row.field_of_study,
        start_date=row.start_date,
        end_date=row.end_date,
    )


# --- text that the chosen font can draw -------------------------------------------------------

# ASCII stand-ins for letters that have no Unicode decomposition (so NFKD cannot strip them)
# and for typography outside latin-1. Only consulted for characters the font lacks.
_SUBSTITUTES = {
    "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "\u0131": "i", "Œ": "OE",
    "œ": "oe", "Ø": "O", "ø": "o", "Æ": "AE", "æ": "ae", "ß": "ss", "Þ": "Th", "þ": "th",
    "Ð": "D", "ð": "d",
    # dashes, quotes, bullet, ellipsis, euro, trademark, thin spaces
    "\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'",
    "\u201a": ",", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2022": "\u00b7",
    "\u2026": "...", "\u20ac": "EUR", "\u2122": "(TM)", "\u2009": " ", "\u202f": " ",
}  # fmt: skip


def _fallback_char(char: str, drawable: Callable[[str], bool]) -> str:
    """The rule for a character the font lacks: a substitute, else the bare letter, else "?"."""
    for candidate in (_SUBSTITUTES.get(char, ""), _strip_marks(char)):
        if candidate and all(drawable(c) for c in candidate):
            return candidate
    return "?"


def _strip_marks(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class _Fonts:
    family: str
    files: tuple[tuple[str, Path], ...]  # (fpdf style, TTF path); empty for the core font
    charset: frozenset[int] | None  # code points the TTF maps; None means latin-1 (core font)

    def drawable(self, char: str) -> bool:
        if self.charset is None:
            return ord(char) < 256
        return ord(char) in self.charset

    def clean(self, text: str) -> str:
        """Text the font can draw: controls dropped, tabs to spaces, missing glyphs substituted."""
        out = []
        for char in text.replace("\t", " "):
            if unicodedata.category(char) == "Cc" and char != "\n":
                continue
            out.append(char if self.drawable(char) else _fallback_char(char, self.drawable))
        return "".join(out)


@lru_cache(maxsize=1)
def _fonts() -> _Fonts:
    try:
        root = Path(str(files("fontpkg_fira_sans") / "files"))
    except ModuleNotFoundError:
        return _Fonts("helvetica", (), None)
    styles = (("", "Regular"), ("B", "SemiBold"), ("I", "Italic"))
    paths = tuple((style, root / f"FiraSans-{name}.ttf") for style, name in styles)
    return _Fonts("fira", paths, _cmap(paths[0][1]))


def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # fpdf2's own dependency; only needed with a TTF

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


# --- formatting helpers ----------------------------------------------------------------------


def format_month(value: date) -> str:
    # A fixed English table: strftime("%b") follows the process locale and would change the bytes.
    return f"{MONTHS[value.month - 1]} {value.year}"


def experience_dates(entry: ExperienceEntry) -> str:
    start = format_month(entry.start_date) if entry.start_date else ""
    end = format_month(entry.end_date) if entry.end_date else ""
    if entry.is_current:
        end = "Present"
    return EN_DASH_SPACED.join(part for part in (start, end) if part)


def education_years(entry: EducationEntry) -> str:
    years = [str(d.year) for d in (entry.start_date, entry.end_date) if d]
    if len(years) == 2 and years[0] == years[1]:
        return years[0]
    return EN_DASH_SPACED.join(years)


def format_phone(number: str) -> str:
    """E.164 as stored, shown in international grouping ("+44 20 7946 0958")."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def display_url(url: str) -> str:
    """A URL without scheme, "www." and trailing slash: what a reader needs to recognise it."""
    shown = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip(), flags=re.IGNORECASE)
    return shown.removeprefix("www.").rstrip("/")


def link_target(url: str) -> str:
    url = url.strip()
    return url if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.IGNORECASE) else f"https://{url}"


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary with an ellipsis."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(None, 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.-") + "…"


def _sort_key(entry: ExperienceEntry) -> tuple[int, int, int]:
    end = date.max if entry.is_current else entry.end_date or entry.start_date
    start = entry.start_date or end
    if end is None or start is None:
        return (1, 0, 0)
    return (0, -end.toordinal(), -start.toordinal())


def ordered_experiences(entries: Iterable[ExperienceEntry]) -> list[ExperienceEntry]:
    """Current roles first, then most recent end date; undated roles last, in their given order.

    Imports arrive in any order, while a resume reader expects reverse chronology.
    """
    return sorted(entries, key=_sort_key)


# --- length budget -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Budget:
    """How much of a long profile to show.

    A resume longer than two pages is not read, so long profiles are shortened: summaries and
    role descriptions are clipped, only the most recent roles keep their description, older
    roles are listed in one line each and the rest counted. The renderer tries the budgets in
    order and keeps the first result that fits on two pages.
    """

    summary_chars: int
    detailed_roles: int
    description_chars: int
    listed_roles: int
    skills: int
    educations: int


_BUDGETS = (
    _Budget(1200, 5, 700, 14, 40, 5),
    _Budget(700, 3, 400, 10, 30, 4),
    _Budget(300, 2, 200, 6, 20, 3),
    _Budget(150, 0, 0, 4, 12, 2),
)
MAX_PAGES = 2


# --- rendering ---------------------------------------------------------------------------------


class _ResumePDF(FPDF):
    def __init__(self, fonts: _Fonts, name: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.resume_fonts = fonts
        self.candidate_name = name
        for style, path in fonts.files:
            self.add_font(fonts.family, style, str(path))
        self.set_margins(MARGIN, 16, MARGIN)
        # No inner cell padding: text lines up exactly with the rules and the margins.
        self.c_margin = 0
        self.set_auto_page_break(auto=True, margin=16)

    @property
    def width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def style(self, size: float, emphasis: str = "", color: tuple[int, int, int] = INK) -> None:
        self.set_font(self.resume_fonts.family, emphasis, size)
        self.set_text_color(*color)

    def lines(self, w: float, h: float, text: str) -> None:
        """Left-aligned wrapped text; the cursor returns to the left margin below it."""
        self.multi_cell(w, h, self.text_(text), align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def text_(self, text: str) -> str:
        return self.resume_fonts.clean(text)

    def footer(self) -> None:
        # Continuation pages carry the name, so a printed page 2 still says whose it is.
        if self.page < 2:
            return
        self.set_y(-11)
        self.style(8, color=MUTED)
        self.cell(0, 4, self.text_(f"{self.candidate_name} — page {self.page}"), align=Align.R)


def render_resume_pdf(candidate: ResumeData) -> bytes:
    """The candidate's resume as PDF bytes: A4, one page for most profiles, never more than two."""
    pdf = _render(candidate, _BUDGETS[0])
    for budget in _BUDGETS[1:]:
        if pdf.pages_count <= MAX_PAGES:
            break
        pdf = _render(candidate, budget)
    return bytes(pdf.output())


def _render(candidate: ResumeData, budget: _Budget) -> _ResumePDF:
    name = candidate.full_name.strip() or "Candidate"
    pdf = _ResumePDF(_fonts(), name)
    _set_metadata(pdf, candidate, name)
    pdf.add_page()
    _header(pdf, candidate, name)
    if candidate.summary.strip():
        _section(pdf, "Summary")
        _paragraphs(pdf, clip(candidate.summary, budget.summary_chars))
    _experience_section(pdf, candidate.experiences, budget)
    _education_section(pdf, candidate.educations[: budget.educations])
    _skills_section(pdf, candidate.skills[: budget.skills])
    return pdf


def _set_metadata(pdf: _ResumePDF, candidate: ResumeData, name: str) -> None:
    pdf.set_title(f"{name} \u2013 Resume")
    pdf.set_author(name)
    pdf.set_subject("Resume")
    pdf.set_creator("OpenPin")
    if candidate.updated_at is not None:
        pdf.set_creation_date(candidate.updated_at)


def _header(pdf: _ResumePDF, candidate: ResumeData, name: str) -> None:
    pdf.style(22, "B")
    pdf.lines(pdf.width, 9.5, name)
    if candidate.headline.strip():
        pdf.style(11.5, color=ACCENT)
        pdf.lines(pdf.width, 6, candidate.headline.strip())
    pdf.ln(1.5)
    pdf.style(9, color=MUTED)
    for row in _contact_rows(candidate):
        _inline_items(pdf, row)
    pdf.ln(2.5)
    _rule(pdf, ACCENT, 0.5)
    pdf.ln(1)


def _contact_rows(candidate: ResumeData) -> list[list[tuple[str, str]]]:
    """(text, link) pairs: where and how to reach the person, then their profiles online."""
    reach: list[tuple[str, str]] = []
    if candidate.location:
        reach.append((candidate.location, ""))
    reach += [(e, f"mailto:{e}") for e in candidate.emails]
    reach += [(format_phone(p), f"tel:{p}") for p in candidate.phones]
    profiles = [(display_url(u), link_target(u)) for u in candidate.links if u.strip()]
    if candidate.linkedin_url:
        profiles.insert(0, (display_url(candidate.linkedin_url), candidate.linkedin_url))
    return [row for row in (reach, profiles) if row]


def _inline_items(pdf: _ResumePDF, items: Sequence[tuple[str, str]]) -> None:
    """Items separated by middots, wrapping between items rather than inside one."""
    separator = "   ·   "
    for index, (text, link) in enumerate(items):
        text = pdf.text_(text)
        room = pdf.w - pdf.r_margin - pdf.get_x()
        if index and pdf.get_string_width(pdf.text_(separator) + text) > room:
            pdf.ln(LINE_MM)
        elif index:
            pdf.write(LINE_MM, pdf.text_(separator))
        pdf.write(LINE_MM, text, link=link)
    pdf.ln(LINE_MM)


def _rule(pdf: _ResumePDF, color: tuple[int, int, int], width: float) -> None:
    pdf.set_draw_color(*color)
    pdf.set_line_width(width)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())


def _section(pdf: _ResumePDF, title: str) -> None:
    # Keep a heading with at least a couple of lines of its content.
    if pdf.will_page_break(22):
        pdf.add_page()
    pdf.ln(4)
    pdf.style(10, "B", ACCENT)
    pdf.set_char_spacing(0.8)
    pdf.cell(pdf.width, 5.5, title.upper(), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_char_spacing(0)
    pdf.ln(0.6)
    _rule(pdf, RULE, 0.25)
    pdf.ln(2.2)


_BULLET = re.compile(r"^\s*[-*•·▪‣◦]\s+")


def _paragraphs(pdf: _ResumePDF, text: str, color: tuple[int, int, int] = INK) -> None:
    """Plain text with its line breaks; lines starting with -, * or • become hanging bullets."""
    pdf.style(BODY_PT, color=color)
    for line in (ln.strip() for ln in text.splitlines()):
        if not line:
            pdf.ln(1.2)
        elif _BULLET.match(line):
            _bullet(pdf, _BULLET.sub("", line))
        else:
            pdf.lines(pdf.width, LINE_MM, line)


def _bullet(pdf: _ResumePDF, text: str) -> None:
    pdf.set_x(pdf.l_margin + 1)
    pdf.cell(3.5, LINE_MM, pdf.text_("•"))
    pdf.lines(pdf.width - 4.5, LINE_MM, text)


def _experience_section(
    pdf: _ResumePDF, entries: Sequence[ExperienceEntry], budget: _Budget
) -> None:
    roles = ordered_experiences(entries)
    if not roles:
        return
    _section(pdf, "Experience")
    for index, role in enumerate(roles[: budget.listed_roles]):
        detailed = index < budget.detailed_roles
        text = clip(role.description, budget.description_chars) if detailed else ""
        _role(pdf, replace(role, description=text))
    hidden = len(roles) - budget.listed_roles
    if hidden > 0:
        pdf.style(8.5, "I", MUTED)
        word = "role" if hidden == 1 else "roles"
        pdf.lines(pdf.width, LINE_MM, f"and {hidden} earlier {word}")


def _role(pdf: _ResumePDF, role: ExperienceEntry) -> None:
    if pdf.will_page_break(LINE_MM * 3):
        pdf.add_page()
    title = role.title.strip() or role.company.strip() or "Role"
    company = role.company.strip() if role.title.strip() else ""
    _entry_heading(pdf, title, company, experience_dates(role))
    if role.description:
        pdf.ln(0.6)
        _paragraphs(pdf, role.description, color=(60, 66, 72))
    pdf.ln(2.4)


def _entry_heading(pdf: _ResumePDF, strong: str, rest: str, dates: str) -> None:
    """ "Strong — rest" on the left and the dates right-aligned on the same baseline.

    When it does not fit on one line the left part wraps inside the space left of the dates.
    """
    y = pdf.get_y()
    pdf.style(8.8, color=MUTED)
    dates = pdf.text_(dates)
    dates_w = pdf.get_string_width(dates) + 2 if dates else 0
    pdf.set_xy(pdf.w - pdf.r_margin - dates_w, y + 0.3)
    pdf.cell(dates_w, LINE_MM + 0.4, dates, align=Align.R)
    pdf.set_xy(pdf.l_margin, y)
    _heading_text(pdf, pdf.text_(strong), pdf.text_(f" — {rest}" if rest else ""), dates_w)


def _heading_text(pdf: _ResumePDF, strong: str, rest: str, reserved: float) -> None:
    room = pdf.width - reserved - 2
    pdf.style(10.5, "B")
    strong_w = pdf.get_string_width(strong)
    pdf.style(10.5)
    if strong_w + pdf.get_string_width(rest) <= room:
        pdf.style(10.5, "B")
        pdf.cell(strong_w, LINE_MM + 0.8, strong)
        pdf.style(10.5)
        pdf.cell(room - strong_w, LINE_MM + 0.8, rest, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    pdf.style(10.5, "B")
    pdf.lines(room, LINE_MM + 0.8, strong)
    if rest:
        pdf.style(10.5)
        pdf.lines(room, LINE_MM + 0.8, rest.removeprefix(" — "))


def _education_section(pdf: _ResumePDF, entries: Sequence[EducationEntry]) -> None:
    if not entries:
        return
    _section(pdf, "Education")
    for entry in entries:
        if pdf.will_page_break(LINE_MM * 2):
            pdf.add_page()
        degree = ", ".join(p.strip() for p in (entry.degree, entry.field_of_study) if p.strip())
        school = entry.school.strip()
        heading = degree or school or "Education"
        _entry_heading(pdf, heading, school if degree else "", education_years(entry))
        pdf.ln(1.6)


def _skills_section(pdf: _ResumePDF, skills: Sequence[str]) -> None:
    names = [s.strip() for s in skills if s.strip()]
    if not names:
        return
    _section(pdf, "Skills")
    pdf.style(BODY_PT)
    _inline_items(pdf, [(name, "") for name in names])


# --- file name ---------------------------------------------------------------------------------


def resume_filename(candidate: ResumeData | Candidate) -> str:
    """ "Jane-Doe-resume.pdf": ASCII letters and digits only, safe in any header or file system.

    Names with no Latin letters at all (e.g. CJK) fall back to the candidate id.
    """
    candidate_id = candidate.candidate_id if isinstance(candidate, ResumeData) else candidate.id
    ascii_name = "".join(_SUBSTITUTES.get(c, c) for c in candidate.full_name)
    ascii_name = _strip_marks(ascii_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-")[:80].rstrip("-")
    if not slug:
        slug = "candidate" if candidate_id is None else f"candidate-{candidate_id}"
    return f"{slug}-resume.pdf"
