"""format 2: why a medicine was stopped

lac-health-record/2 adds `medications[].stop_reason`, asked for when a nurse stops a medicine
on the record page (issue 14).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("medications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stop_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("medications", schema=None) as batch_op:
        batch_op.drop_column("stop_reason")
