"""courses: content_version, bumped by every change of a course's structure (learner page caches)

Revision ID: 0003_content_version
Revises: 0002_events_index
Create Date: 2026-11-26 13:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0003_content_version'
down_revision = '0002_events_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    # ALTER TABLE … DROP COLUMN, never a copy of the table: on SQLite a copy drops the old
    # ``courses`` table, and with foreign keys on that deletes every module, lesson and activity.
    with op.batch_alter_table('courses', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('content_version')
