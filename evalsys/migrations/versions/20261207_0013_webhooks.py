"""Webhooks: URLs an evaluator registers per intervention, and their delivery log.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

UTC_TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    pass  # PLACEHOLDER: the part's tables come here


def downgrade() -> None:
    pass  # PLACEHOLDER
