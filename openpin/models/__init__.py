"""All SQLAlchemy models. Importing this package registers every table on `Base.metadata`.

Every module in this package is imported below, so a new aggregate's file needs no edit here
to be seen by Alembic and the test fixtures; export its classes here when others use them.
"""

import importlib
import pkgutil

from openpin.models.activity import ActivityEvent
from openpin.models.base import Base
from openpin.models.candidate import (
    Candidate,
    CandidateEducation,
    CandidateEmail,
    CandidateExperience,
    CandidatePhone,
)
from openpin.models.job import Job, JobStatus, Seniority
from openpin.models.task import Task, TaskSchedule, TaskStatus
from openpin.models.workspace import ApiToken, Role, User, Workspace

__all__ = [
    "ActivityEvent",
    "ApiToken",
    "Base",
    "Candidate",
    "CandidateEducation",
    "CandidateEmail",
    "CandidateExperience",
    "CandidatePhone",
    "Job",
    "JobStatus",
    "Role",
    "Seniority",
    "Task",
    "TaskSchedule",
    "TaskStatus",
    "User",
    "Workspace",
]

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
