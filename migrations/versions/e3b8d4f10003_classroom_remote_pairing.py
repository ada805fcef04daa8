"""Pairing a phone as the educator's remote: a table of short-lived pairings (a code's keyed hash,
the claiming phone's hash, the confirmation, the sealed recovery key, when it expires).

Revision ID: e3b8d4f10003
Revises: d2a7c3e90002
Create Date: 2027-01-20 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "e3b8d4f10003"
down_revision = "d2a7c3e90002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "remote_pairing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("phone_hash", sa.String(length=64), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("sealed_key", sa.String(length=256), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exercise_id"], ["exercise.id"], name="fk_remote_pairing_exercise_id_exercise", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_remote_pairing"),
        sa.UniqueConstraint("code_hash", name="uq_remote_pairing_code_hash"),
    )
    op.create_index("ix_remote_pairing_exercise_id", "remote_pairing", ["exercise_id"])


def downgrade():
    op.drop_index("ix_remote_pairing_exercise_id", table_name="remote_pairing")
    op.drop_table("remote_pairing")
