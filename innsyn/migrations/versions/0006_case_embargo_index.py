"""partial index of the cases under an embargo (their entries are indexed again when it ends)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 12:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_EMBARGOED = "accessible_after IS NOT NULL"


def upgrade() -> None:
    op.create_index(
        "ix_saksmappe_embargo",
        "saksmappe",
        ["accessible_after"],
        unique=False,
        sqlite_where=sa.text(_EMBARGOED),
        postgresql_where=sa.text(_EMBARGOED),
    )


def downgrade() -> None:
    op.drop_index("ix_saksmappe_embargo", table_name="saksmappe")
