"""One validated `Settings`, read from `OPENPIN_*` environment variables (nested with `__`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class WebSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # Set to true behind HTTPS so the session cookie is never sent in clear text.
    secure_cookies: bool = False
    session_max_age_seconds: int = 14 * 24 * 3600
    # htmx is installed from the npm registry at setup; by default from ./node_modules.
    htmx_path: Path | None = None


class WorkerSettings(BaseModel):
    poll_interval_seconds: float = Field(default=1.0, gt=0)
    lease_seconds: float = Field(default=300.0, gt=0)
    max_attempts: int = Field(default=10, ge=1)
    backoff_base_seconds: float = Field(default=2.0, gt=0)
    backoff_max_seconds: float = Field(default=3600.0, gt=0)
    batch_size: int = Field(default=1, ge=1)
    # Whether this process enqueues periodic tasks. Safe on every worker: the database lets one
    # enqueue per period; turn it off only to keep schedules out of a particular process.
    run_periodic: bool = True


class CandidateSettings(BaseModel):
    # Region used to read phone numbers written without a country code (ISO 3166 alpha-2).
    default_phone_region: str = "US"

    @field_validator("default_phone_region")
    @classmethod
    def _upper_region(cls, value: str) -> str:
        if len(value) != 2 or not value.isalpha():
            raise ValueError("must be a two-letter ISO 3166 country code, such as US or GB")
        return value.upper()


class AtsSettings(BaseModel):
    # Exports of one candidate run one at a time; a killed worker's hold expires after this.
    candidate_lock_seconds: float = Field(default=120.0, gt=0)
    # After a create whose answer was lost, wait this long for the ATS to show the new person
    # (Greenhouse hides a new candidate from reads for a moment) before looking them up.
    settle_seconds: float = Field(default=3.0, ge=0)
    # Pages of the identity index read per task run (each page is checkpointed).
    index_pages_per_run: int = Field(default=50, ge=1)
    # Before creating a person, an index older than this is refreshed incrementally first, so
    # someone added to the ATS by hand minutes ago is still found by their LinkedIn URL.
    index_max_age_seconds: float = Field(default=300.0, ge=0)


class SourcingSettings(BaseModel):
    # Profiles embedded per indexing task run (about 5 seconds of model time on two cores).
    embed_batch_size: int = Field(default=256, ge=1, le=5000)


class Settings(BaseSettings):
    """Everything configurable. Validated once at start-up and passed in, never read ad hoc."""

    model_config = SettingsConfigDict(
        env_prefix="OPENPIN_", env_nested_delimiter="__", extra="ignore"
    )

    data_dir: Path = Path(".openpin")
    database_url: str | None = None
    secret_key: str | None = None
    base_url: str = "http://127.0.0.1:8000"
    log_level: str = "INFO"
    log_json: bool = False
    web: WebSettings = WebSettings()
    worker: WorkerSettings = WorkerSettings()
    candidate: CandidateSettings = CandidateSettings()
    ats: AtsSettings = AtsSettings()
    sourcing: SourcingSettings = SourcingSettings()

    @property
    def resolved_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file under the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'openpin.db').resolve()}"

    def ensure_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
