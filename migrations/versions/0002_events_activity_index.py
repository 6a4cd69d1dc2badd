"""events: index (course_id, created_at, user_id) for activity reports

Revision ID: 0002_events_index
Revises: 0001_core
Create Date: 2026-11-26 11:40:00
"""
from alembic import op

revision = '0002_events_index'
down_revision = '0001_core'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_course_id_created_at')
        batch_op.create_index('ix_events_course_id_created_at_user_id', ['course_id', 'created_at', 'user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_course_id_created_at_user_id')
        batch_op.create_index('ix_events_course_id_created_at', ['course_id', 'created_at'], unique=False)
