"""Classroom decisions and signing out paired phones: whether an exercise asks for the differential
and the next step, each answer's differential (entry ids, best first) and next step, and when the
count of the educator's sign-outs of every phone paired as the exercise's remote (a paired
phone's cookie holds the count it was paired under).

Existing exercises do not ask them; existing answers have none; no phone has been signed out.

Revision ID: f4c9e5a20004
Revises: e3b8d4f10003
Create Date: 2027-01-20 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "f4c9e5a20004"
down_revision = "e3b8d4f10003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("exercise") as batch:
        batch.add_column(sa.Column("asks_decisions", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("remote_generation", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("submission") as batch:
        batch.add_column(sa.Column("differential", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("next_step", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("submission") as batch:
        batch.drop_column("next_step")
        batch.drop_column("differential")
    with op.batch_alter_table("exercise") as batch:
        batch.drop_column("remote_generation")
        batch.drop_column("asks_decisions")
