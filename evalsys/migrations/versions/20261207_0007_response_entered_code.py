"""Collection: the participant code as it was entered, when it was linked to another one.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

A self-generated code that differs in one element from one earlier participant is linked to
that participant; the code on the form was not kept, so a wrong link could not be undone by
moving the response back to it. ``entered_code`` keeps it for such a response (NULL for every
other one). A nullable column without a default: PostgreSQL adds it without rewriting the
table, and code that does not know the column leaves it NULL.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("responses") as batch_op:
        batch_op.add_column(sa.Column("entered_code", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("responses") as batch_op:
        batch_op.drop_column("entered_code")
