"""api keys belong to the user who made them

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 15:00:00

A key made by a user works only while that user is active and is revoked with the user.
Existing keys made in the admin UI (``created_by`` ``user:<name>``) are given to that
user; keys made on the command line keep no user.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_api_key_user_id"), ["user_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_api_key_user_id_app_user"),
            "app_user",
            ["user_id"],
            ["id"],
            ondelete="CASCADE",
        )
    op.execute(
        "UPDATE api_key SET user_id = (SELECT app_user.id FROM app_user "
        "WHERE 'user:' || app_user.username = api_key.created_by) "
        "WHERE created_by LIKE 'user:%'"
    )


def downgrade() -> None:
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_api_key_user_id_app_user"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_api_key_user_id"))
        batch_op.drop_column("user_id")
