"""ats hire status: when an exported application was hired, and where the hires read stands

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import openpin.models.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ats_hire_sync_state",
        sa.Column(
            "connection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("read_checkpoint", sa.Text(), nullable=True),
        sa.Column("read_since", sa.Text(), nullable=True),
        sa.Column("watermark", sa.Text(), nullable=True),
        sa.Column("last_checked_at", openpin.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("hires_recorded", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["ats_connection.id"],
            name=op.f("fk_ats_hire_sync_state_connection_id_ats_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("connection_id", name=op.f("pk_ats_hire_sync_state")),
    )
    # Both columns are nullable, so existing exports need no value (they count as not hired and
    # not yet checked: the first run reads each one's state once).
    with op.batch_alter_table("ats_export", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hired_at", openpin.models.base.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "hire_checked_at", openpin.models.base.UtcDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("ats_export", schema=None) as batch_op:
        batch_op.drop_column("hire_checked_at")
        batch_op.drop_column("hired_at")
    op.drop_table("ats_hire_sync_state")
