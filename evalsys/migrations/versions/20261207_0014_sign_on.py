"""Single sign-on: accounts linked to an OpenID Connect provider's users.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

One new table (evalsys.accounts.sign_on.models): ``sign_on_links``. A new table takes no lock on
the old ones, and the previous code version never reads it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

UTC_TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sign_on_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("last_used_at", UTC_TIMESTAMP, nullable=True),
        sa.CheckConstraint(
            "subject IS NOT NULL OR email IS NOT NULL",
            name=op.f("ck_sign_on_links_subject_or_email"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_sign_on_links_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_sign_on_links_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_on_links")),
        sa.UniqueConstraint("provider", "subject", name=op.f("uq_sign_on_links_provider_subject")),
        sa.UniqueConstraint("provider", "email", name=op.f("uq_sign_on_links_provider_email")),
        sa.UniqueConstraint("user_id", "provider", name=op.f("uq_sign_on_links_user_id_provider")),
    )


def downgrade() -> None:
    op.drop_table("sign_on_links")
