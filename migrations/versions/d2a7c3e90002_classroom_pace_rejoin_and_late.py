"""Classroom pace, rejoin codes and late answers: an exercise's pace ("self" or "educator"), its
limit per case and its open case and stage; when each case opened and closed; a student's rejoin
code (hashed) and re-admission; a submission's late mark.

Existing exercises keep self pace (every case at once, as they had) and stay open; existing
students have no rejoin code; existing answers are not late.

Revision ID: d2a7c3e90002
Revises: c16a7e5e0001
Create Date: 2027-01-10 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "d2a7c3e90002"
down_revision = "c16a7e5e0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("exercise") as batch:
        batch.add_column(sa.Column("pace", sa.String(length=8), nullable=False, server_default="self"))
        batch.add_column(sa.Column("minutes_per_case", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("current_position", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("current_stage", sa.Integer(), nullable=True))
    with op.batch_alter_table("exercise_case") as batch:
        batch.add_column(sa.Column("opened_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("student") as batch:
        batch.add_column(sa.Column("rejoin_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("readmit_until", sa.DateTime(), nullable=True))
    with op.batch_alter_table("submission") as batch:
        batch.add_column(sa.Column("late", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("submission") as batch:
        batch.drop_column("late")
    with op.batch_alter_table("student") as batch:
        batch.drop_column("readmit_until")
        batch.drop_column("rejoin_hash")
    with op.batch_alter_table("exercise_case") as batch:
        batch.drop_column("closed_at")
        batch.drop_column("opened_at")
    with op.batch_alter_table("exercise") as batch:
        batch.drop_column("current_stage")
        batch.drop_column("current_position")
        batch.drop_column("minutes_per_case")
        batch.drop_column("pace")
