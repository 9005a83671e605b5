"""Responses: when the answers arrived, apart from when they were given (offline clients, ODK Collect).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

UTC_TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    pass  # PLACEHOLDER: the part's tables come here


def downgrade() -> None:
    pass  # PLACEHOLDER
