"""report indexes: events by course and name (the course report's failed quiz attempts)

Revision ID: 0016_report_indexes
Revises: 0015_course_image
Create Date: 2026-12-07 23:35:00

The course report counts each learner's failed attempts among the course's ``*.attempt_submitted``
events; with this index it reads those events only, not every event of the course (at 10 million
events: 50,000 per course). Building it locks ``events`` against writes while it runs: on a large
site, run the upgrade in a quiet hour (docs/capacity.md gives the time it took at 10 million events).
"""
from alembic import op

revision = '0016_report_indexes'
down_revision = '0015_course_image'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_events_course_id_name', 'events', ['course_id', 'name'], unique=False)


def downgrade():
    op.drop_index('ix_events_course_id_name', table_name='events')
