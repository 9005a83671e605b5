"""Accounts: a per-user session generation, so logout and password changes end copied cookies.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07

A migration must not hold long locks on a busy table, and must work with the previous
version of the code still running (add first, remove in a later release). This one adds a
column with a constant default: PostgreSQL (11 and later) does that without rewriting the
table, and code that does not know the column yet inserts users that get 0.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column(
                "session_generation", sa.Integer(), server_default=sa.text("0"), nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("session_generation")
