"""All SQLAlchemy models. Importing this package registers every table on `Base.metadata`."""

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
