"""format 2: hospital episodes (admissions, operations, A&E) and health advice given

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 16:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hospital_episodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("discharged_on", sa.Date(), nullable=True),
        sa.Column("where", sa.String(length=200), nullable=True),
        sa.Column("why", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["record_versions.id"],
            name=op.f("fk_hospital_episodes_version_id_record_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hospital_episodes")),
    )
    op.create_index(op.f("ix_hospital_episodes_version_id"), "hospital_episodes", ["version_id"], unique=False)
    op.create_table(
        "health_advice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["record_versions.id"],
            name=op.f("fk_health_advice_version_id_record_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_advice")),
    )
    op.create_index(op.f("ix_health_advice_version_id"), "health_advice", ["version_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_health_advice_version_id"), table_name="health_advice")
    op.drop_table("health_advice")
    op.drop_index(op.f("ix_hospital_episodes_version_id"), table_name="hospital_episodes")
    op.drop_table("hospital_episodes")
