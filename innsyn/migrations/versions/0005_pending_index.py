"""partial indexes of the rows waiting for the search index

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 12:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_WAITING = "last_indexed_at IS NULL OR updated_at > last_indexed_at"


def upgrade() -> None:
    for table in ("saksmappe", "journalpost"):
        op.create_index(
            f"ix_{table}_pending",
            table,
            ["id"],
            unique=False,
            sqlite_where=sa.text(_WAITING),
            postgresql_where=sa.text(_WAITING),
        )
    op.create_index(
        "ix_journalpost_case_indexed",
        "journalpost",
        ["saksmappe_id", "last_indexed_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_journalpost_case_indexed", table_name="journalpost")
    for table in ("journalpost", "saksmappe"):
        op.drop_index(f"ix_{table}_pending", table_name=table)
