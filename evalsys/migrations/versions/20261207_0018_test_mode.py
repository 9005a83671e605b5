"""Test responses: marked, kept out of analyses, reports and exports, deletable.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07

``responses.test`` and ``participants.test``: a response that staff stored through a survey
link's test mode (evalsys.collection.views.test_mode), and the participant it was stored for. A test
participant's code starts with ``TEST:``, which no participant code can (the colon is not
allowed), so test codes never meet real ones. Both columns default to false on the server, so
the previous code version, which does not name them, still stores real responses.

A migration must not hold long locks on a busy table, and must work with the previous version
of the code still running.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("participants", "responses"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column("test", sa.Boolean(), nullable=False, server_default=sa.false())
            )


def downgrade() -> None:
    for table in ("responses", "participants"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("test")
