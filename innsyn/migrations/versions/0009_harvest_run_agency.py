"""a harvest run remembers the agency its job ran for

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 15:10:00

Runs are shown to that agency's admins only, even after the job moves to another
agency. Existing runs get their job's present agency.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("harvest_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agency_id", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_harvest_run_agency_id"), ["agency_id"], unique=False)
    op.execute(
        "UPDATE harvest_run SET agency_id = (SELECT job.agency_id FROM job "
        "WHERE job.id = harvest_run.job_id) WHERE job_id IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("harvest_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_harvest_run_agency_id"))
        batch_op.drop_column("agency_id")
