"""Single sign-on: accounts linked to an OpenID Connect provider's users.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

UTC_TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    pass  # PLACEHOLDER: the part's tables come here


def downgrade() -> None:
    pass  # PLACEHOLDER
