"""format /2: immunisations not given (declined or contraindicated, why and who decided), the
assessor's register and number, and each birth-family entry's consent state (CQC 1.13)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("immunisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("status_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("status_by", sa.String(length=200), nullable=True))
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("practitioner_registration_body", sa.String(length=10), nullable=True)
        )
        batch_op.add_column(
            sa.Column("practitioner_registration_number", sa.String(length=40), nullable=True)
        )
    with op.batch_alter_table("family_history_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consent_state", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("consent_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("consent_by", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("family_history_entries", schema=None) as batch_op:
        batch_op.drop_column("consent_by")
        batch_op.drop_column("consent_on")
        batch_op.drop_column("consent_state")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("practitioner_registration_number")
        batch_op.drop_column("practitioner_registration_body")
    with op.batch_alter_table("immunisations", schema=None) as batch_op:
        batch_op.drop_column("status_by")
        batch_op.drop_column("status_reason")
        batch_op.drop_column("status")
