"""The demo's ATS: the demo workspace connected to the Greenhouse sandbox, an export rule enabled
on a demo job, and one candidate exported by hand, so a newcomer sees a person reach the ATS
within a minute of starting (on the profile's ATS card and under Settings > ATS integrations >
Integration health). Idempotent: a restarted demo keeps its connection and rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from openpin.ats import schemas
from openpin.ats.service import AtsService
from openpin.config import Settings
from openpin.db import transaction
from openpin.demo.seed import DEMO_EMAIL
from openpin.errors import OpenPinError
from openpin.kit.crypto import SecretBox, load_secret_key
from openpin.models import Candidate, Job, User
from openpin.sandboxes.common import RunningServer
from openpin.sandboxes.greenhouse.config import GreenhouseSandboxConfig


class _NamedAtsJob(Protocol):
    name: str
    external_id: str


AtsJobT = TypeVar("AtsJobT", bound=_NamedAtsJob)


@dataclass
class DemoAts:
    summary: str
    problem: str = ""


def connect_demo_ats(
    settings: Settings,
    factory: sessionmaker[Session],
    server: RunningServer | None,
    config: GreenhouseSandboxConfig,
) -> DemoAts:
    if server is None:
        return DemoAts("", "The ATS demo is off: the Greenhouse sandbox did not start.")
    try:
        with transaction(factory) as session:
            return _connect(session, settings, server, config)
    except OpenPinError as exc:
        return DemoAts("", f"The demo could not connect to the Greenhouse sandbox: {exc.message}")


def _connect(
    session: Session, settings: Settings, server: RunningServer, config: GreenhouseSandboxConfig
) -> DemoAts:
    user = session.scalar(select(User).where(User.email == DEMO_EMAIL))
    assert user is not None  # seeded just before
    box = SecretBox(load_secret_key(settings))
    service = AtsService(session, user.workspace_id, user.id, box, settings)
    connection = service.connection()
    if connection is None:
        credentials = {
            "client_id": config.default_client_id,
            "client_secret": config.default_client_secret,
        }
        probe = schemas.CredentialsProbe(
            provider="greenhouse", credentials=credentials, base_url=server.base_url
        )
        acting = next(u.id for u in service.list_users(probe) if u.can_act_as)
        body = schemas.ConnectionCreate(
            provider="greenhouse",
            credentials=credentials,
            base_url=server.base_url,
            acting_user_id=acting,
        )
        connection, _secret = service.connect(body)
    return _rule_and_first_export(session, service, user.workspace_id)


def _closest_ats_job(title: str, ats_jobs: list[AtsJobT]) -> AtsJobT:
    """The ATS job sharing most words with the OpenPin job's title (the first one on a tie)."""
    words = set(title.lower().split())
    return max(ats_jobs, key=lambda job: len(words & set(job.name.lower().split())))


def _rule_and_first_export(session: Session, service: AtsService, workspace_id: int) -> DemoAts:
    job = session.scalar(
        select(Job).where(Job.workspace_id == workspace_id).order_by(Job.id).limit(1)
    )
    _connection, ats_jobs = service.jobs()
    if job is None or not ats_jobs:
        return DemoAts("", "The demo has no job or the sandbox no open job to export to.")
    rule = service.rule(job.id)
    if rule is None:
        target = _closest_ats_job(job.title, ats_jobs)
        rule = service.set_rule(
            job.id,
            schemas.ExportRuleIn(
                ats_job_id=target.external_id, trigger="added_to_sequence", enabled=True
            ),
        )
        first = session.scalar(
            select(Candidate.id)
            .where(Candidate.workspace_id == workspace_id)
            .order_by(Candidate.id)
            .limit(1)
        )
        if first is not None:
            service.export_manually([first], rule.ats_job_id)
    return DemoAts(
        f"Greenhouse sandbox; “{job.title}” exports to “{rule.ats_job_name}” when a candidate "
        "is added to a sequence"
    )
