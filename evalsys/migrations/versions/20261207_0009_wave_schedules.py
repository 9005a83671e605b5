"""Programme: a round can open for each participant some days after their previous round.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

``opens_after_days`` / ``closes_after_days``: the personal window of a round, counted from the
day the participant answered the round before it (evalsys.followup.schedule). Nullable, no
default: PostgreSQL adds the columns without rewriting the table, and every existing round
keeps its fixed dates only.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("waves") as batch_op:
        batch_op.add_column(sa.Column("opens_after_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("closes_after_days", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_waves_schedule_ordered"),
            "(opens_after_days IS NULL OR opens_after_days >= 0) AND "
            "(closes_after_days IS NULL OR opens_after_days IS NULL "
            "OR closes_after_days >= opens_after_days)",
        )


def downgrade() -> None:
    with op.batch_alter_table("waves") as batch_op:
        batch_op.drop_constraint(op.f("ck_waves_schedule_ordered"), type_="check")
        batch_op.drop_column("closes_after_days")
        batch_op.drop_column("opens_after_days")
