"""format 2: country of origin and date of arrival

lac-health-record/2 (docs/format/lac-health-record-2.md) adds `child.country_of_origin` and
`child.arrived_in_uk`. Stored versions need nothing else: every /1 field means the same in /2,
and export now writes /2 from the same rows.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.add_column(sa.Column("country_of_origin", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("arrived_in_uk", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.drop_column("arrived_in_uk")
        batch_op.drop_column("country_of_origin")
