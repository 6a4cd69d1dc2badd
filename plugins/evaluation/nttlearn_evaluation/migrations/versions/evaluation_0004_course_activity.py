"""evaluation: each learner's latest event per course, pre-aggregated for the reports

Revision ID: evaluation_0004_course_activity
Revises: evaluation_0003_translations
Create Date: 2026-12-07 23:20:00.000000

Filled by the periodic job ``evaluation.refresh-report-summaries`` (from event id 0 on its first
run); until then the reports read the whole event log, as before.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'evaluation_0004_course_activity'
down_revision = 'evaluation_0003_translations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'evaluation_course_activity',
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('last_event_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ondelete='CASCADE',
                                name=op.f('fk_evaluation_course_activity_course_id_courses')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_evaluation_course_activity_user_id_users')),
        sa.PrimaryKeyConstraint('course_id', 'user_id', name=op.f('pk_evaluation_course_activity')),
    )
    op.create_index('ix_evaluation_course_activity_last_event_at', 'evaluation_course_activity',
                    ['last_event_at', 'course_id'])
    op.create_table(
        'evaluation_summary_state',
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('last_event_id', sa.Integer(), nullable=False),
        sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_evaluation_summary_state')),
    )


def downgrade():
    op.drop_table('evaluation_summary_state')
    op.drop_index('ix_evaluation_course_activity_last_event_at', table_name='evaluation_course_activity')
    op.drop_table('evaluation_course_activity')
