"""format 2: who an entry's notes are for

lac-health-record/2 adds `notes_for` ("staff" or "young_person") beside every entry's `notes`,
asked when a nurse writes a note; none means staff, so notes written before stay with staff and
never reach the young person's documents (issue 15).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "immunisations",
    "conditions",
    "mental_health_episodes",
    "birth_histories",
    "family_history_entries",
    "hospital_episodes",
    "health_advice",
)


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("notes_for", sa.String(length=20), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("notes_for")
