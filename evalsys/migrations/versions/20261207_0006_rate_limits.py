"""Collection: rate-limit counts in the database, so every worker and machine shares one limit.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

A migration must not hold long locks on a busy table, and must work with the previous
version of the code still running (add first, remove in a later release). This one adds a new
table, which no lock on another table needs; code that does not know it counts in its process
as before. On PostgreSQL the table is UNLOGGED: its rows are counts of the current minute,
which a crash may lose at no cost, and writes to it wait for no WAL flush.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    unlogged = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "rate_limits",
        sa.Column("bucket", sa.String(length=64), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "window_start", name=op.f("pk_rate_limits")),
        prefixes=["UNLOGGED"] if unlogged else [],
    )


def downgrade() -> None:
    op.drop_table("rate_limits")
