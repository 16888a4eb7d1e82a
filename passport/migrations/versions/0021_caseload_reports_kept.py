"""caseload reports kept: the first caseload of the day reads the nightly job's reports

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 19:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "caseload_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("leaver_key", sa.String(length=10), nullable=False),
        sa.Column("entry", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["record_versions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "as_of", "leaver_key"),
    )
    with op.batch_alter_table("caseload_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_caseload_reports_as_of"), ["as_of"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_caseload_reports_version_id"), ["version_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("caseload_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_caseload_reports_version_id"))
        batch_op.drop_index(batch_op.f("ix_caseload_reports_as_of"))
    op.drop_table("caseload_reports")
