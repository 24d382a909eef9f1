"""partial index of the entries under an embargo (kept out of the search index until it ends)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 15:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_EMBARGOED = "accessible_after IS NOT NULL"


def upgrade() -> None:
    op.create_index(
        "ix_journalpost_embargo",
        "journalpost",
        ["accessible_after"],
        unique=False,
        sqlite_where=sa.text(_EMBARGOED),
        postgresql_where=sa.text(_EMBARGOED),
    )


def downgrade() -> None:
    op.drop_index("ix_journalpost_embargo", table_name="journalpost")
