"""jobs name their records with a source key of their own, never reused

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 12:50:00

Existing jobs keep the key their records already carry (``job:<id>``); new jobs get a
random one (``store.models.new_job_source_key``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_key", sa.String(length=100), nullable=True))
    op.execute("UPDATE job SET source_key = 'job:' || CAST(id AS VARCHAR(20))")
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.alter_column("source_key", existing_type=sa.String(length=100), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_job_source_key"), ["source_key"])


def downgrade() -> None:
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_job_source_key"), type_="unique")
        batch_op.drop_column("source_key")
