"""Wave names in every interface language.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07

``waves.names``: language -> name (evalsys.programme.models.Wave.name_in). Nullable, no
default: PostgreSQL adds the column without rewriting the table, and the previous code version,
which writes no names, keeps working. Each existing round gets its ``name`` as its Dutch name,
the language of the pages until now; ``name`` stays the fallback.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.add_column("waves", sa.Column("names", JSON, nullable=True))
    waves = sa.table(
        "waves", sa.column("id", sa.Integer), sa.column("name"), sa.column("names", JSON)
    )
    bind = op.get_bind()
    for wave_id, name in bind.execute(sa.select(waves.c.id, waves.c.name)).all():
        bind.execute(waves.update().where(waves.c.id == wave_id).values(names={"nl": name}))


def downgrade() -> None:
    # A plain ALTER TABLE, also on SQLite (3.35 and later): a batch would copy ``waves``, which
    # the foreign keys of responses and links refuse while they point at it.
    op.drop_column("waves", "names")
