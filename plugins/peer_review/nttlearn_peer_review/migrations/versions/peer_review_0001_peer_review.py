"""peer_review: settings, teams, sections, submissions, reviews, grades, notifications

The first revision of the plugin's own Alembic branch: no down_revision, the branch label is the
plugin's name, and it depends on the core revision whose tables (activities, users) its foreign
keys point to.

Revision ID: peer_review_0001
Revises:
Create Date: 2026-11-26 10:58:15.719020

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'peer_review_0001'
down_revision = None
branch_labels = ('peer_review',)
depends_on = '0001_core'


def upgrade():
    op.create_table('peer_review_examples',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('reference_scores', sa.JSON(), nullable=False),
    sa.Column('reference_comments', sa.JSON(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_peer_review_examples_activity_id_activities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_review_examples'))
    )
    with op.batch_alter_table('peer_review_examples', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_review_examples_activity_id'), ['activity_id'], unique=False)

    op.create_table('peer_review_notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_peer_review_notifications_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_id'], ['users.id'], name=op.f('fk_peer_review_notifications_sender_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_peer_review_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_review_notifications'))
    )
    with op.batch_alter_table('peer_review_notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_review_notifications_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_peer_review_notifications_user_id'), ['user_id'], unique=False)

    op.create_table('peer_review_settings',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=20), nullable=False),
    sa.Column('phase_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submission_opens_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submission_deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_opens_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('template', sa.JSON(), nullable=False),
    sa.Column('rubric', sa.JSON(), nullable=False),
    sa.Column('reviewers_per_submission', sa.Integer(), nullable=False),
    sa.Column('anonymity', sa.String(length=20), nullable=False),
    sa.Column('late_submissions', sa.Boolean(), nullable=False),
    sa.Column('min_countries', sa.Integer(), nullable=False),
    sa.Column('only_submitters_review', sa.Boolean(), nullable=False),
    sa.Column('completion_rule', sa.String(length=20), nullable=False),
    sa.Column('team_formation', sa.String(length=20), nullable=False),
    sa.Column('max_team_size', sa.Integer(), nullable=False),
    sa.Column('grading_method', sa.String(length=10), nullable=False),
    sa.Column('submission_weight', sa.Float(), nullable=False),
    sa.Column('reviewing_weight', sa.Float(), nullable=False),
    sa.Column('late_penalty', sa.Float(), nullable=False),
    sa.Column('pass_grade', sa.Float(), nullable=False),
    sa.Column('disagreement_threshold', sa.Float(), nullable=False),
    sa.CheckConstraint("anonymity IN ('anonymous', 'reviewers_visible', 'double_blind')", name=op.f('ck_peer_review_settings_anonymity_known')),
    sa.CheckConstraint("completion_rule IN ('submitted', 'reviewed', 'both')", name=op.f('ck_peer_review_settings_completion_known')),
    sa.CheckConstraint("grading_method IN ('mean', 'median')", name=op.f('ck_peer_review_settings_grading_method_known')),
    sa.CheckConstraint("phase IN ('drafting', 'submission', 'allocation', 'review', 'feedback', 'closed')", name=op.f('ck_peer_review_settings_phase_known')),
    sa.CheckConstraint("team_formation IN ('trainer', 'learners')", name=op.f('ck_peer_review_settings_team_formation_known')),
    sa.CheckConstraint('max_team_size >= 1', name=op.f('ck_peer_review_settings_max_team_size_positive')),
    sa.CheckConstraint('min_countries >= 1', name=op.f('ck_peer_review_settings_min_countries_positive')),
    sa.CheckConstraint('pass_grade >= 0 AND pass_grade <= 100', name=op.f('ck_peer_review_settings_pass_grade_range')),
    sa.CheckConstraint('reviewers_per_submission >= 1', name=op.f('ck_peer_review_settings_reviewers_positive')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_peer_review_settings_activity_id_activities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', name=op.f('pk_peer_review_settings'))
    )
    op.create_table('peer_review_teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('policy_area', sa.String(length=40), nullable=False),
    sa.Column('details_version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_peer_review_teams_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_peer_review_teams_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_review_teams')),
    sa.UniqueConstraint('activity_id', 'name', name=op.f('uq_peer_review_teams_activity_id_name'))
    )
    with op.batch_alter_table('peer_review_teams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_review_teams_activity_id'), ['activity_id'], unique=False)

    op.create_table('peer_review_calibrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('example_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('agreement', sa.Float(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['example_id'], ['peer_review_examples.id'], name=op.f('fk_peer_review_calibrations_example_id_peer_review_examples'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_peer_review_calibrations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_review_calibrations')),
    sa.UniqueConstraint('example_id', 'user_id', name=op.f('uq_peer_review_calibrations_example_id_user_id'))
    )
    with op.batch_alter_table('peer_review_calibrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_review_calibrations_user_id'), ['user_id'], unique=False)

    op.create_table('peer_review_final_grades',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('submission_grade', sa.Float(), nullable=True),
    sa.Column('reviewing_grade', sa.Float(), nullable=True),
    sa.Column('grade', sa.Float(), nullable=True),
    sa.Column('accepted', sa.Boolean(), nullable=False),
    sa.Column('finalised_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_peer_review_final_grades_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['peer_review_teams.id'], name=op.f('fk_peer_review_final_grades_team_id_peer_review_teams'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_peer_review_final_grades_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_review_final_grades')),
    sa.UniqueConstraint('activity_id', 'user_id', name=op.f('uq_peer_review_final_grades_activity_id_user_id'))
    )
    with op.batch_alter_table('peer_review_final_grades', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_review_final_grades_user_id'), ['user_id'], unique=False)

    op.create_table('peer_review_grade_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.Float(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('grade >= 0 AND grade <= 100', name=op.f('ck_peer_review_grade_overrides_grade_range')),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_peer_review_grade_overrides_set_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['peer_review_teams.id'], name=op.f('fk_peer_review_grade_overrides_team_id_peer_review_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_review_grade_overrides')),
    sa.UniqueConstraint('team_id', name=op.f('uq_peer_review_grade_overrides_team_id'))
    )
    op.create_table('peer_review_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('invitee_id', sa.Integer(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'accepted', 'declined', 'cancelled')", name=op.f('ck_peer_review_invitations_status_known')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_peer_review_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invitee_id'], ['users.id'], name=op.f('fk_peer_review_invitations_invitee_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['peer_review_teams.id'], name=op.f('fk_peer_review_invitations_team_id_peer_review_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_review_invitations')),
    sa.UniqueConstraint('team_id', 'invitee_id', name=op.f('uq_peer_review_invitations_team_id_invitee_id'))
    )
    with op.batch_alter_table('peer_review_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_review_invitations_invitee_id'), ['invitee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_peer_review_invitations_team_id'), ['team_id'], unique=False)

    op.create_table('peer_review_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['team_id'], ['peer_review_teams.id'], name=op.f('fk_peer_review_sections_team_id_peer_review_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_peer_review_sections_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_review_sections')),
    sa.UniqueConstraint('team_id', 'key', name=op.f('uq_peer_review_sections_team_id_key'))
    )
    op.create_table('peer_review_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('policy_area', sa.String(length=40), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('authors', sa.JSON(), nullable=False),
    sa.Column('countries', sa.JSON(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind IN ('original', 'revision')", name=op.f('ck_peer_review_submissions_kind_known')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_peer_review_submissions_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_peer_review_submissions_submitted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['peer_review_teams.id'], name=op.f('fk_peer_review_submissions_team_id_peer_review_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_review_submissions')),
    sa.UniqueConstraint('team_id', 'kind', name=op.f('uq_peer_review_submissions_team_id_kind'))
    )
    with op.batch_alter_table('peer_review_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_review_submissions_activity_id'), ['activity_id'], unique=False)

    op.create_table('peer_review_team_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_peer_review_team_members_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['peer_review_teams.id'], name=op.f('fk_peer_review_team_members_team_id_peer_review_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_peer_review_team_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_review_team_members')),
    sa.UniqueConstraint('activity_id', 'user_id', name=op.f('uq_peer_review_team_members_activity_id_user_id'))
    )
    with op.batch_alter_table('peer_review_team_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_review_team_members_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_peer_review_team_members_user_id'), ['user_id'], unique=False)

    op.create_table('peer_review_allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('manual', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_peer_review_allocations_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_peer_review_allocations_reviewer_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['peer_review_submissions.id'], name=op.f('fk_peer_review_allocations_submission_id_peer_review_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_review_allocations')),
    sa.UniqueConstraint('submission_id', 'reviewer_id', name=op.f('uq_peer_review_allocations_submission_id_reviewer_id'))
    )
    with op.batch_alter_table('peer_review_allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_review_allocations_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_peer_review_allocations_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('peer_review_section_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_peer_review_section_versions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['section_id'], ['peer_review_sections.id'], name=op.f('fk_peer_review_section_versions_section_id_peer_review_sections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_review_section_versions')),
    sa.UniqueConstraint('section_id', 'version', name=op.f('uq_peer_review_section_versions_section_id_version'))
    )
    op.create_table('peer_review_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('allocation_id', sa.Integer(), nullable=False),
    sa.Column('strengths', sa.Text(), nullable=False),
    sa.Column('suggestions', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['allocation_id'], ['peer_review_allocations.id'], name=op.f('fk_peer_review_reviews_allocation_id_peer_review_allocations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_review_reviews')),
    sa.UniqueConstraint('allocation_id', name=op.f('uq_peer_review_reviews_allocation_id'))
    )
    op.create_table('peer_review_criterion_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('criterion', sa.String(length=64), nullable=False),
    sa.Column('points', sa.Float(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['peer_review_reviews.id'], name=op.f('fk_peer_review_criterion_scores_review_id_peer_review_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_review_criterion_scores')),
    sa.UniqueConstraint('review_id', 'criterion', name=op.f('uq_peer_review_criterion_scores_review_id_criterion'))
    )
    op.create_table('peer_review_helpfulness',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('rater_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rating >= 1 AND rating <= 5', name=op.f('ck_peer_review_helpfulness_rating_range')),
    sa.ForeignKeyConstraint(['rater_id'], ['users.id'], name=op.f('fk_peer_review_helpfulness_rater_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['peer_review_reviews.id'], name=op.f('fk_peer_review_helpfulness_review_id_peer_review_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_review_helpfulness')),
    sa.UniqueConstraint('review_id', 'rater_id', name=op.f('uq_peer_review_helpfulness_review_id_rater_id'))
    )
    with op.batch_alter_table('peer_review_helpfulness', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_review_helpfulness_rater_id'), ['rater_id'], unique=False)



def downgrade():
    with op.batch_alter_table('peer_review_helpfulness', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_review_helpfulness_rater_id'))

    op.drop_table('peer_review_helpfulness')
    op.drop_table('peer_review_criterion_scores')
    op.drop_table('peer_review_reviews')
    op.drop_table('peer_review_section_versions')
    with op.batch_alter_table('peer_review_allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_review_allocations_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_peer_review_allocations_activity_id'))

    op.drop_table('peer_review_allocations')
    with op.batch_alter_table('peer_review_team_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_review_team_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_peer_review_team_members_team_id'))

    op.drop_table('peer_review_team_members')
    with op.batch_alter_table('peer_review_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_review_submissions_activity_id'))

    op.drop_table('peer_review_submissions')
    op.drop_table('peer_review_sections')
    with op.batch_alter_table('peer_review_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_review_invitations_team_id'))
        batch_op.drop_index(batch_op.f('ix_peer_review_invitations_invitee_id'))

    op.drop_table('peer_review_invitations')
    op.drop_table('peer_review_grade_overrides')
    with op.batch_alter_table('peer_review_final_grades', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_review_final_grades_user_id'))

    op.drop_table('peer_review_final_grades')
    with op.batch_alter_table('peer_review_calibrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_review_calibrations_user_id'))

    op.drop_table('peer_review_calibrations')
    with op.batch_alter_table('peer_review_teams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_review_teams_activity_id'))

    op.drop_table('peer_review_teams')
    op.drop_table('peer_review_settings')
    with op.batch_alter_table('peer_review_notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_review_notifications_user_id'))
        batch_op.drop_index(batch_op.f('ix_peer_review_notifications_activity_id'))

    op.drop_table('peer_review_notifications')
    with op.batch_alter_table('peer_review_examples', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_review_examples_activity_id'))

    op.drop_table('peer_review_examples')
