"""cohorts, release rules, deadlines and extensions

Revision ID: 0007_cohorts
Revises: 0006_activity_translations
Create Date: 2026-12-07 16:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007_cohorts'
down_revision = '0006_activity_translations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'cohorts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=True),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_cohorts_dates_in_order')),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_cohorts_course_id_courses'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cohorts')),
        sa.UniqueConstraint('course_id', 'name', name=op.f('uq_cohorts_course_id_name')),
        sa.UniqueConstraint('id', 'course_id', name='uq_cohorts_id_course'),
    )
    op.create_index(op.f('ix_cohorts_course_id'), 'cohorts', ['course_id'], unique=False)
    op.create_table(
        'cohort_members',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id', 'course_id'], ['cohorts.id', 'cohorts.course_id'],
                                name='fk_cohort_members_cohort', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cohort_members_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_members')),
        sa.UniqueConstraint('course_id', 'user_id', name=op.f('uq_cohort_members_course_id_user_id')),
    )
    op.create_index(op.f('ix_cohort_members_cohort_id'), 'cohort_members', ['cohort_id'], unique=False)
    op.create_index(op.f('ix_cohort_members_user_id'), 'cohort_members', ['user_id'], unique=False)
    op.create_table(
        'release_rules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('module_id', sa.Integer(), nullable=True),
        sa.Column('activity_id', sa.Integer(), nullable=True),
        sa.Column('opens_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('offset_days', sa.Integer(), nullable=True),
        sa.Column('relative_to', sa.String(length=20), nullable=False),
        sa.CheckConstraint('(module_id IS NULL) <> (activity_id IS NULL)', name=op.f('ck_release_rules_one_target')),
        sa.CheckConstraint('offset_days IS NULL OR offset_days >= 0', name=op.f('ck_release_rules_offset_not_negative')),
        sa.CheckConstraint("relative_to IN ('start', 'enrolment')", name=op.f('ck_release_rules_relative_to_known')),
        sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_release_rules_activity_id_activities'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_release_rules_course_id_courses'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_release_rules_module_id_modules'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_release_rules')),
        sa.UniqueConstraint('activity_id', name=op.f('uq_release_rules_activity_id')),
        sa.UniqueConstraint('module_id', name=op.f('uq_release_rules_module_id')),
    )
    op.create_index(op.f('ix_release_rules_course_id'), 'release_rules', ['course_id'], unique=False)
    op.create_table(
        'release_prerequisites',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('rule_id', sa.Integer(), nullable=False),
        sa.Column('module_id', sa.Integer(), nullable=True),
        sa.Column('activity_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('(module_id IS NULL) <> (activity_id IS NULL)', name=op.f('ck_release_prerequisites_one_target')),
        sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_release_prerequisites_activity_id_activities'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_release_prerequisites_module_id_modules'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['rule_id'], ['release_rules.id'], name=op.f('fk_release_prerequisites_rule_id_release_rules'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_release_prerequisites')),
        sa.UniqueConstraint('rule_id', 'module_id', 'activity_id', name=op.f('uq_release_prerequisites_rule_id_module_id_activity_id')),
    )
    op.create_index(op.f('ix_release_prerequisites_rule_id'), 'release_prerequisites', ['rule_id'], unique=False)
    op.create_table(
        'deadlines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('close', 'review')", name=op.f('ck_deadlines_kind_known')),
        sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_deadlines_activity_id_activities'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_deadlines_cohort_id_cohorts'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deadlines')),
        sa.UniqueConstraint('cohort_id', 'activity_id', 'kind', name=op.f('uq_deadlines_cohort_id_activity_id_kind')),
    )
    op.create_index(op.f('ix_deadlines_activity_id'), 'deadlines', ['activity_id'], unique=False)
    op.create_index(op.f('ix_deadlines_cohort_id'), 'deadlines', ['cohort_id'], unique=False)
    op.create_table(
        'deadline_extensions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('granted_by_id', sa.Integer(), nullable=True),
        sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('close', 'review')", name=op.f('ck_deadline_extensions_kind_known')),
        sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_deadline_extensions_activity_id_activities'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_deadline_extensions_granted_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_deadline_extensions_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_extensions')),
        sa.UniqueConstraint('user_id', 'activity_id', 'kind', name=op.f('uq_deadline_extensions_user_id_activity_id_kind')),
    )
    op.create_index(op.f('ix_deadline_extensions_activity_id'), 'deadline_extensions', ['activity_id'], unique=False)
    op.create_index(op.f('ix_deadline_extensions_user_id'), 'deadline_extensions', ['user_id'], unique=False)


def downgrade():
    op.drop_table('deadline_extensions')
    op.drop_table('deadlines')
    op.drop_table('release_prerequisites')
    op.drop_table('release_rules')
    op.drop_table('cohort_members')
    op.drop_table('cohorts')
