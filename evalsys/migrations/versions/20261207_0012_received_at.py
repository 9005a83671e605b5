"""Responses: when answers arrived, apart from when they were given; survey links: ODK Collect.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

``submitted_at`` is when the participant answered (on paper, or on a device offline: ODK
Collect, a client of the JSON API); ``received_at`` is when the server stored the row. Every
row stored so far arrived when it was answered, as far as evalsys knew, so it gets its
``submitted_at``.

A migration must not hold long locks on a busy table, and must work with the previous version
of the code still running. On PostgreSQL the column is added NOT NULL with the default
``now()`` (stable, so PostgreSQL 11 and later add it without rewriting the table, and the
previous code, which does not name the column, still inserts); the UPDATE that copies
``submitted_at`` then locks rows, not the table. SQLite cannot add a column with a non-constant
default, and has one server process, so there the default is a constant that the UPDATE
overwrites at once and that no code path leaves in place (every insert names the column).

``survey_links.odk_enabled``: whether ODK Collect may use the link's token as its server key
(evalsys.odk); on unless a coordinator switches it off. A constant default, so both databases
add it without rewriting the table.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

UTC_TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        default = sa.text("now()")
    else:
        default = sa.text("'1970-01-01 00:00:00.000000'")
    with op.batch_alter_table("responses") as batch_op:
        batch_op.add_column(
            sa.Column("received_at", UTC_TIMESTAMP, nullable=False, server_default=default)
        )
    op.execute("UPDATE responses SET received_at = submitted_at")
    with op.batch_alter_table("survey_links") as batch_op:
        batch_op.add_column(
            sa.Column("odk_enabled", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("survey_links") as batch_op:
        batch_op.drop_column("odk_enabled")
    with op.batch_alter_table("responses") as batch_op:
        batch_op.drop_column("received_at")
