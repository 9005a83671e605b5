"""Reports: published report versions (PDF, checksum, data snapshot time, aggregates).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

A migration must not hold long locks on a busy table, and must work with the previous
version of the code still running (add first, remove in a later release). This one only
creates a new table.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

UTC_TIMESTAMP = sa.DateTime(timezone=True)
JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("published_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("data_taken_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("aggregates", JSON_TYPE, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_report_versions_intervention_id_interventions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_report_versions_published_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_versions")),
        sa.UniqueConstraint(
            "intervention_id", "version", name=op.f("uq_report_versions_intervention_id_version")
        ),
    )


def downgrade() -> None:
    op.drop_table("report_versions")
