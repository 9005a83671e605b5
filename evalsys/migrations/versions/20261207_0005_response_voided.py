"""Collection: when a response was voided (entered by mistake), beside when it was superseded.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

A migration must not hold long locks on a busy table, and must work with the previous
version of the code still running (add first, remove in a later release). This one adds a
nullable column without a default: PostgreSQL does that without rewriting the table, and code
that does not know the column never voids a response. A voided response also gets
``superseded_at``, so every query for current responses (``superseded_at IS NULL``) and the
partial unique index of current responses leave it out without a change.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("responses") as batch_op:
        batch_op.add_column(sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("responses") as batch_op:
        batch_op.drop_column("voided_at")
