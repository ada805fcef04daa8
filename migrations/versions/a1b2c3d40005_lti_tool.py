"""The classroom as an LTI 1.3 tool: launch state (nonces, states, claims; expiring), the LMS
activities and their exercises, and the students who came from an LMS with their grade outbox.

Revision ID: a1b2c3d40005
Revises: f4c9e5a20004
Create Date: 2027-02-01 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "a1b2c3d40005"
down_revision = "f4c9e5a20004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lti_record",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(length=200), nullable=False, unique=True),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_lti_record_expires_at", "lti_record", ["expires_at"])
    op.create_table(
        "lti_link",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("deployment_id", sa.String(length=255), nullable=False),
        sa.Column("resource_link_id", sa.String(length=255), nullable=False),
        sa.Column("exercise_id", sa.Integer(), sa.ForeignKey("exercise.id", ondelete="CASCADE"), nullable=False),
        sa.Column("ags", sa.JSON(), nullable=True),
        sa.Column("asks_names", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("issuer", "deployment_id", "resource_link_id"),
    )
    op.create_index("ix_lti_link_exercise_id", "lti_link", ["exercise_id"])
    op.create_table(
        "lti_learner",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("link_id", sa.Integer(), sa.ForeignKey("lti_link.id", ondelete="CASCADE"), nullable=False),
        sa.Column("student_id", sa.Integer(), sa.ForeignKey("student.id", ondelete="CASCADE"), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("grading_progress", sa.String(length=16), nullable=True),
        sa.Column("activity_progress", sa.String(length=16), nullable=True),
        sa.Column("score_at", sa.DateTime(), nullable=True),
        sa.Column("pending", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("link_id", "subject"),
        sa.UniqueConstraint("student_id"),
    )


def downgrade():
    op.drop_table("lti_learner")
    op.drop_index("ix_lti_link_exercise_id", table_name="lti_link")
    op.drop_table("lti_link")
    op.drop_index("ix_lti_record_expires_at", table_name="lti_record")
    op.drop_table("lti_record")
