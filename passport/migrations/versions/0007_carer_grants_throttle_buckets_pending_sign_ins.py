"""carer grants, throttle buckets, pending sign-ins

* `carer_grants`: a carer sees a child only through a grant from that child's responsible
  authority (ADR 0007). Existing carer accounts get grants for the children placed with their
  carer ref today: from the authority of the nurse who invited them, or, for accounts an
  administrator made on the command line, from each child's own authority.
* `invitations.authority`: the authority of the nurse who sent it.
* `throttle_buckets`: sign-in limits reserved in one statement (ADR 0006).
* `pending_sign_ins`: the single-use state between a right password and a right code.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "carer_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("child_ref", sa.String(length=64), nullable=False),
        sa.Column("authority", sa.String(length=200), nullable=False),
        sa.Column("carer_ref", sa.String(length=64), nullable=False),
        sa.Column("granted_by", sa.String(length=254), nullable=False),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_carer_grants_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carer_grants")),
        sa.UniqueConstraint(
            "user_id", "child_ref", "authority", name=op.f("uq_carer_grants_user_id")
        ),
    )
    with op.batch_alter_table("carer_grants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_carer_grants_user_id"), ["user_id"], unique=False)

    op.create_table(
        "throttle_buckets",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_throttle_buckets")),
    )
    op.create_table(
        "pending_sign_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("code_attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_pending_sign_ins_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_sign_ins")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_pending_sign_ins_token_hash")),
    )
    with op.batch_alter_table("pending_sign_ins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_sign_ins_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("authority", sa.String(length=200), nullable=True))

    # Invitations sent by a nurse carry her authority from now on; fill in the old ones.
    op.execute("""
        UPDATE invitations SET authority = (
            SELECT users.authority FROM users WHERE users.email = invitations.created_by)
    """)
    # Grants for the carers there are today, for the children placed with them today (in any
    # placement of the current version; `passport.access` still checks the dates). A carer who
    # came through an invitation keeps only the children of the inviting nurse's authority.
    op.execute("""
        INSERT INTO carer_grants (user_id, child_ref, authority, carer_ref, granted_by,
                                  granted_at)
        SELECT DISTINCT users.id, children.ref, children.responsible_authority,
               users.carer_ref, 'migration 0007', CURRENT_TIMESTAMP
        FROM users
        JOIN placements ON placements.carer_ref = users.carer_ref
        JOIN record_versions ON record_versions.id = placements.version_id
        JOIN records ON records.id = record_versions.record_id
                    AND records.current_version = record_versions.version
        JOIN children ON children.version_id = record_versions.id
        WHERE users.role = 'carer' AND users.carer_ref IS NOT NULL
          AND children.responsible_authority IS NOT NULL
          AND (
            NOT EXISTS (SELECT 1 FROM invitations
                        WHERE invitations.email = users.email AND invitations.role = 'carer'
                          AND invitations.used_at IS NOT NULL)
            OR children.responsible_authority IN (
                SELECT invitations.authority FROM invitations
                WHERE invitations.email = users.email AND invitations.role = 'carer'
                  AND invitations.used_at IS NOT NULL)
          )
    """)


def downgrade() -> None:
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_column("authority")
    with op.batch_alter_table("pending_sign_ins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_sign_ins_user_id"))
    op.drop_table("pending_sign_ins")
    op.drop_table("throttle_buckets")
    with op.batch_alter_table("carer_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_carer_grants_user_id"))
    op.drop_table("carer_grants")
