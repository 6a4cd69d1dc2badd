"""meetings: a meeting linked to cohorts of its courses

Revision ID: meetings_0004
Revises: meetings_0003
Create Date: 2026-12-07 21:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'meetings_0004'
down_revision = 'meetings_0003'
branch_labels = None
depends_on = '0007_cohorts'  # the core's cohorts table, which the links point to


def upgrade():
    op.create_table('meetings_cohort_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_meetings_cohort_links_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_meetings_cohort_links_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings_meetings.id'], name=op.f('fk_meetings_cohort_links_meeting_id_meetings_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings_cohort_links')),
    sa.UniqueConstraint('meeting_id', 'cohort_id', name=op.f('uq_meetings_cohort_links_meeting_id_cohort_id'))
    )
    with op.batch_alter_table('meetings_cohort_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_cohort_links_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_cohort_links_meeting_id'), ['meeting_id'], unique=False)


def downgrade():
    with op.batch_alter_table('meetings_cohort_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_cohort_links_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_meetings_cohort_links_cohort_id'))

    op.drop_table('meetings_cohort_links')
