"""Paper forms typed twice (double data entry): the second entry and its resolution.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

A column ``sites.double_entry`` with a constant default (PostgreSQL adds it without rewriting
the table) and a new table ``held_paper_entries`` (evalsys.collection.models.HeldPaperEntry),
which the previous code version never reads. New tables take no lock on old ones.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

UTC_TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
GROUPS = ("intervention", "comparison")


def upgrade() -> None:
    with op.batch_alter_table("sites") as batch_op:
        batch_op.add_column(
            sa.Column("double_entry", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "held_paper_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("participant_code", sa.String(length=64), nullable=False),
        sa.Column("group_name", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("submission_id", sa.String(length=36), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("entered_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("second_answers", JSON, nullable=True),
        sa.Column("second_group", sa.String(length=16), nullable=True),
        sa.Column("second_language", sa.String(length=16), nullable=True),
        sa.Column("second_submission_id", sa.String(length=36), nullable=True),
        sa.Column("second_by_id", sa.Integer(), nullable=True),
        sa.Column("second_at", UTC_TIMESTAMP, nullable=True),
        sa.CheckConstraint(
            f"group_name IN {GROUPS}", name=op.f("ck_held_paper_entries_group_name")
        ),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_held_paper_entries_intervention_id_interventions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id", "intervention_id"],
            ["sites.id", "sites.intervention_id"],
            name=op.f("fk_held_paper_entries_site_id_intervention_id_sites"),
        ),
        sa.ForeignKeyConstraint(
            ["wave_id", "intervention_id"],
            ["waves.id", "waves.intervention_id"],
            name=op.f("fk_held_paper_entries_wave_id_intervention_id_waves"),
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["users.id"],
            name=op.f("fk_held_paper_entries_entered_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["second_by_id"],
            ["users.id"],
            name=op.f("fk_held_paper_entries_second_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_paper_entries")),
        sa.UniqueConstraint(
            "intervention_id",
            "wave_id",
            "participant_code",
            name=op.f("uq_held_paper_entries_intervention_id_wave_id_participant_code"),
        ),
        sa.UniqueConstraint("submission_id", name=op.f("uq_held_paper_entries_submission_id")),
    )


def downgrade() -> None:
    op.drop_table("held_paper_entries")
    with op.batch_alter_table("sites") as batch_op:
        batch_op.drop_column("double_entry")
