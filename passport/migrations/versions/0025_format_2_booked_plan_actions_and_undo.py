"""format /2: a plan action booked (when, for which day, by whom), and a carer's "done" undone

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 10:00:00

The out-of-hours contact (`contacts.out_of_hours`) needs no change: it is one more `kind` of
row in `contact_people`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plan_actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("booked_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("booked_for", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("booked_by", sa.String(length=200), nullable=True))
    with op.batch_alter_table("action_completions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("undone_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("action_completions", schema=None) as batch_op:
        batch_op.drop_column("undone_at")
    with op.batch_alter_table("plan_actions", schema=None) as batch_op:
        batch_op.drop_column("booked_by")
        batch_op.drop_column("booked_for")
        batch_op.drop_column("booked_on")
