"""Published reports withdrawn or replaced, with the reason the ministry sees.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07

Four nullable columns on ``report_versions`` (evalsys.results.models.ReportVersion): when a
version was withdrawn, by whom, why, and the version that replaced it; and a check that a
withdrawal always has its reason. A migration must not hold long locks on a busy table, and
must work with the previous version of the code still running: nullable columns without a
default are added without rewriting the table on PostgreSQL, and the previous code neither
names nor fills them (its versions are all live). The table is small (one row per published
version), so SQLite's copy of it in batch mode is quick.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

UTC_TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("report_versions") as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", UTC_TIMESTAMP, nullable=True))
        batch_op.add_column(sa.Column("withdrawn_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("withdrawal_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("replaced_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_report_versions_withdrawn_by_id_users"),
            "users",
            ["withdrawn_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            op.f("fk_report_versions_replaced_by_id_report_versions"),
            "report_versions",
            ["replaced_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(
            op.f("ck_report_versions_withdrawal_has_reason"),
            "(withdrawn_at IS NULL AND withdrawal_reason IS NULL) "
            "OR (withdrawn_at IS NOT NULL AND withdrawal_reason IS NOT NULL)",
        )


def downgrade() -> None:
    with op.batch_alter_table("report_versions") as batch_op:
        batch_op.drop_constraint(op.f("ck_report_versions_withdrawal_has_reason"), type_="check")
        batch_op.drop_constraint(
            op.f("fk_report_versions_replaced_by_id_report_versions"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            op.f("fk_report_versions_withdrawn_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("replaced_by_id")
        batch_op.drop_column("withdrawal_reason")
        batch_op.drop_column("withdrawn_by_id")
        batch_op.drop_column("withdrawn_at")
