"""Classroom reveal and API students: an exercise's feedback mode and reveal time, a case's reveal
time, and where a student joined (browser or API).

Existing exercises keep immediate feedback (what they had); existing students count as browser
students, so nobody can take one over through the API.

Revision ID: c16a7e5e0001
Revises: 25a02049da87
Create Date: 2026-12-01 08:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "c16a7e5e0001"
down_revision = "25a02049da87"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("exercise") as batch:
        batch.add_column(sa.Column("feedback", sa.String(length=16), nullable=False, server_default="immediate"))
        batch.add_column(sa.Column("revealed_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("exercise_case") as batch:
        batch.add_column(sa.Column("revealed_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("student") as batch:
        batch.add_column(sa.Column("source", sa.String(length=8), nullable=False, server_default="browser"))


def downgrade():
    with op.batch_alter_table("student") as batch:
        batch.drop_column("source")
    with op.batch_alter_table("exercise_case") as batch:
        batch.drop_column("revealed_at")
    with op.batch_alter_table("exercise") as batch:
        batch.drop_column("revealed_at")
        batch.drop_column("feedback")
