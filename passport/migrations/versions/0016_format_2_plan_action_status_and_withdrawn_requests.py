"""format 2: who marked a plan action done or cancelled it, when and why it was cancelled;
an information request withdrawn, when and why; when a screening test's result came

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-04 16:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plan_actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("cancelled_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("cancelled_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("information_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("screenings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("result_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("screenings", schema=None) as batch_op:
        batch_op.drop_column("result_on")
    with op.batch_alter_table("information_requests", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_reason")
        batch_op.drop_column("withdrawn_on")
    with op.batch_alter_table("plan_actions", schema=None) as batch_op:
        batch_op.drop_column("cancelled_reason")
        batch_op.drop_column("cancelled_on")
        batch_op.drop_column("status_by")
