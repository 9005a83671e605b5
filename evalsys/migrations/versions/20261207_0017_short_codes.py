"""Short survey-link codes and issued participant code lists.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07

``survey_links.short_code``: the code a participant types at /k instead of the long token
(evalsys.collection.views.short_links). Every existing link gets one here. The column stays
nullable, so that the previous code version, which does not name it, can still make links
while both run (its links get a code from ``links.ensure_links``); unique allows many NULLs on
both databases. survey_links holds one row per site, round and group: the backfill and the
unique index lock it for a moment only.

``issued_codes``: the participant codes a coordinator issued for a site (a new table, which no
previous code reads).

A migration must not hold long locks on a busy table, and must work with the previous version
of the code still running.
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

UTC_TIMESTAMP = sa.DateTime(timezone=True)
# As evalsys.collection.typed_codes has it today (a migration keeps its own copy).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
SHORT_CODE_LENGTH = 6


def upgrade() -> None:
    with op.batch_alter_table("survey_links") as batch_op:
        batch_op.add_column(sa.Column("short_code", sa.String(length=16), nullable=True))
    bind = op.get_bind()
    links = sa.table("survey_links", sa.column("id", sa.Integer), sa.column("short_code"))
    ids = bind.execute(sa.select(links.c.id).order_by(links.c.id)).scalars().all()
    taken: set[str] = set()
    for link_id in ids:
        code = _new_code(taken)
        bind.execute(links.update().where(links.c.id == link_id).values(short_code=code))
    with op.batch_alter_table("survey_links") as batch_op:
        batch_op.create_unique_constraint(op.f("uq_survey_links_short_code"), ["short_code"])

    op.create_table(
        "issued_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("issued_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_issued_codes_intervention_id_interventions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id", "intervention_id"],
            ["sites.id", "sites.intervention_id"],
            name=op.f("fk_issued_codes_site_id_intervention_id_sites"),
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"],
            ["users.id"],
            name=op.f("fk_issued_codes_issued_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_codes")),
        sa.UniqueConstraint(
            "intervention_id", "code", name=op.f("uq_issued_codes_intervention_id_code")
        ),
    )


def _new_code(taken: set[str]) -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(SHORT_CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            return code


def downgrade() -> None:
    op.drop_table("issued_codes")
    with op.batch_alter_table("survey_links") as batch_op:
        batch_op.drop_constraint(op.f("uq_survey_links_short_code"), type_="unique")
        batch_op.drop_column("short_code")
