"""a correction request is open, accepted or declined, with the nurse's answer

Requests marked "dealt with" before this change become accepted.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("correction_requests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), server_default="open", nullable=False)
        )
        batch_op.add_column(sa.Column("answer", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("section", sa.String(length=40), nullable=True))
    op.execute(
        "UPDATE correction_requests SET status = 'accepted' WHERE resolved_at IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("correction_requests", schema=None) as batch_op:
        batch_op.drop_column("section")
        batch_op.drop_column("answer")
        batch_op.drop_column("status")
