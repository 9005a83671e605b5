"""Follow-up invitations: an intervention may let participants leave an e-mail address.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

``interventions.invitations`` (default false: off until the evaluator turns it on), a table
``participant_contacts`` apart from the answers (evalsys.mail.models), and
``mail_messages.contact_id`` for the messages to those addresses.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

UTC_TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("interventions") as batch_op:
        batch_op.add_column(
            sa.Column("invitations", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "participant_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_participant_contacts_intervention_id_interventions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_participant_contacts_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant_contacts")),
        sa.UniqueConstraint("participant_id", name=op.f("uq_participant_contacts_participant_id")),
        sa.UniqueConstraint("token", name=op.f("uq_participant_contacts_token")),
    )
    with op.batch_alter_table("mail_messages") as batch_op:
        batch_op.add_column(sa.Column("contact_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_mail_messages_contact_id_participant_contacts"),
            "participant_contacts",
            ["contact_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("mail_messages") as batch_op:
        batch_op.drop_constraint(
            op.f("fk_mail_messages_contact_id_participant_contacts"), type_="foreignkey"
        )
        batch_op.drop_column("contact_id")
    op.drop_table("participant_contacts")
    with op.batch_alter_table("interventions") as batch_op:
        batch_op.drop_column("invitations")
