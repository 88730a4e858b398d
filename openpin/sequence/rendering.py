"""Email templates: Jinja2 in a sandbox, with a declared set of variables checked when saved.

A template that names a variable we do not provide is refused at save time with the name and the
list of known ones, so a sent email can never contain a blank where a name should be. Rendering
uses `StrictUndefined` as a second guard. The sandbox keeps a template from reaching Python
internals (attributes starting with "_", callables that mutate), since recruiters write them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, meta
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from openpin.errors import ValidationFailed

# Name -> what it holds, shown in the builder next to the editor.
VARIABLES: dict[str, str] = {
    "first_name": "The candidate's first name",
    "last_name": "The candidate's last name",
    "full_name": "The candidate's full name",
    "title": "The candidate's current job title",
    "company": "The candidate's current company",
    "location": "Where the candidate lives (city, country)",
    "job_title": "The title of the job this sequence belongs to",
    "job_location": "The job's location(s)",
    "hiring_company": "Your company (the workspace name)",
    "matched_skills": "Skills the candidate has that the job asks for, e.g. 'Python, SQL and dbt'",
    "recruiter_name": "The sender's name (the mailbox's from name)",
    "personal_line": "A personalised opening drawn from the profile and the job",
}

_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


@dataclass(frozen=True)
class RenderContext:
    first_name: str
    last_name: str
    full_name: str
    title: str
    company: str
    location: str
    job_title: str
    job_location: str
    hiring_company: str
    matched_skills: str
    recruiter_name: str
    personal_line: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


SAMPLE_CONTEXT = RenderContext(
    first_name="Ada",
    last_name="Lovelace",
    full_name="Ada Lovelace",
    title="Senior Data Engineer",
    company="Analytical Engines Ltd",
    location="London, United Kingdom",
    job_title="Staff Data Engineer",
    job_location="Remote (Europe)",
    hiring_company="Acme",
    matched_skills="Python, SQL and Airflow",
    recruiter_name="Sam Recruiter",
    personal_line="Your work as Senior Data Engineer at Analytical Engines Ltd caught my eye.",
)


def check_template(source: str, field: str) -> None:
    """Raise `ValidationFailed` naming the field, the line and the problem, or return."""
    try:
        parsed = _env.parse(source)
        names = meta.find_undeclared_variables(parsed)  # compiles: unknown filters fail here
    except TemplateSyntaxError as exc:
        raise ValidationFailed(
            f"{field}: line {exc.lineno}: {exc.message}",
            "Variables are written {{ first_name }}; check the braces around each one.",
            field=field,
        ) from exc
    unknown = sorted(names - VARIABLES.keys())
    if unknown:
        listed = ", ".join(unknown)
        raise ValidationFailed(
            f"{field}: unknown variable{'s' if len(unknown) > 1 else ''} {listed}.",
            "Use one of: " + ", ".join(VARIABLES) + ".",
            field=field,
        )
    # Rendering the sample catches what parsing cannot (a filter that does not exist, say).
    render(source, SAMPLE_CONTEXT, field)


def render(source: str, context: RenderContext, field: str = "template") -> str:
    try:
        return _env.from_string(source).render(context.as_dict())
    except (UndefinedError, SecurityError, TemplateSyntaxError) as exc:
        raise ValidationFailed(f"{field}: {exc}", field=field) from exc
    except (TypeError, ValueError, AttributeError) as exc:
        raise ValidationFailed(
            f"{field}: the template failed to render: {exc}", field=field
        ) from exc


def join_words(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c": how a person lists things in a sentence."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
