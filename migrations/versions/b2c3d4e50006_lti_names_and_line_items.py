"""LTI: the students' LMS names for the educator (Names and Role Provisioning Services), kept per
learner who launched, and where an activity's membership list is; a failed fetch's note.

Revision ID: b2c3d4e50006
Revises: a1b2c3d40005
Create Date: 2027-02-08 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "b2c3d4e50006"
down_revision = "a1b2c3d40005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("lti_link") as batch:
        batch.add_column(sa.Column("nrps_url", sa.String(length=1000), nullable=True))
        batch.add_column(sa.Column("names_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("names_note", sa.String(length=200), nullable=True))
    with op.batch_alter_table("lti_learner") as batch:
        batch.add_column(sa.Column("lms_name", sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table("lti_learner") as batch:
        batch.drop_column("lms_name")
    with op.batch_alter_table("lti_link") as batch:
        batch.drop_column("names_note")
        batch.drop_column("names_at")
        batch.drop_column("nrps_url")
