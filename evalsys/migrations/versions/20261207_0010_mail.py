"""Mail: the outbox, and each user's e-mail address and digest choice.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

A new table ``mail_messages`` (evalsys.mail.models), and three columns on ``users``: a
nullable ``email``, ``digests`` (default true) and ``mail_language`` (default nl), each with a
constant default, which PostgreSQL adds without rewriting the table.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

UTC_TIMESTAMP = sa.DateTime(timezone=True)
STATES = ("queued", "sent", "failed")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(254), nullable=True))
        batch_op.add_column(
            sa.Column("digests", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("mail_language", sa.String(8), nullable=False, server_default="nl")
        )
    op.create_table(
        "mail_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("intervention_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("next_attempt_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("sent_at", UTC_TIMESTAMP, nullable=True),
        sa.CheckConstraint(f"state IN {STATES}", name=op.f("ck_mail_messages_state")),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mail_messages_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_mail_messages_intervention_id_interventions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_mail_messages_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_messages")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_mail_messages_dedupe_key")),
    )
    op.create_index("ix_mail_messages_state_next", "mail_messages", ["state", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_mail_messages_state_next", table_name="mail_messages")
    op.drop_table("mail_messages")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("mail_language")
        batch_op.drop_column("digests")
        batch_op.drop_column("email")
