"""format /2: the young person's own part of their passport (issue 16)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("record_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("young_person_own", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("record_versions", schema=None) as batch_op:
        batch_op.drop_column("young_person_own")
