"""Classroom class size and join lock: the most students an exercise takes, as its educator sets it
(none: the server's cap), and whether its educator locked joining.

Existing exercises keep the server's cap and are not locked.

Revision ID: b5e6f7a80006
Revises: b2c3d4e50006
Create Date: 2026-12-07 23:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "b5e6f7a80006"
down_revision = "b2c3d4e50006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("exercise") as batch:
        batch.add_column(sa.Column("max_students", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("joining_locked", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("exercise") as batch:
        batch.drop_column("joining_locked")
        batch.drop_column("max_students")
