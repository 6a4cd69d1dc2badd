"""assignment: assignments, submissions and their files

The first revision of the plugin's own Alembic branch: no down_revision, the branch label is the
plugin's name, and it depends on the core revision whose tables (users, activities) its foreign
keys point to.

Revision ID: assignment_0001
Revises:
Create Date: 2026-12-07 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'assignment_0001'
down_revision = None
branch_labels = ('assignment',)
depends_on = '0001_core'


def upgrade():
    op.create_table('assignment_assignments',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('instructions', sa.Text(), nullable=False),
    sa.Column('translations', sa.JSON(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('max_points', sa.Float(), nullable=False),
    sa.Column('pass_mark', sa.Float(), nullable=True),
    sa.Column('text_entry', sa.Boolean(), nullable=False),
    sa.Column('file_upload', sa.Boolean(), nullable=False),
    sa.Column('file_types', sa.JSON(), nullable=False),
    sa.Column('max_file_mb', sa.Integer(), nullable=False),
    sa.Column('max_files', sa.Integer(), nullable=False),
    sa.Column('completion', sa.String(length=20), nullable=False),
    sa.CheckConstraint("completion IN ('submitted', 'passed')", name=op.f('ck_assignment_assignments_completion_known')),
    sa.CheckConstraint('max_points > 0', name=op.f('ck_assignment_assignments_max_points_positive')),
    sa.CheckConstraint('text_entry OR file_upload', name=op.f('ck_assignment_assignments_some_way_to_answer')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_assignment_assignments_activity_id_activities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', name=op.f('pk_assignment_assignments'))
    )
    op.create_table('assignment_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('times_submitted', sa.Integer(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('points', sa.Float(), nullable=True),
    sa.Column('feedback', sa.Text(), nullable=False),
    sa.Column('graded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('graded_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("state IN ('draft', 'submitted', 'graded')", name=op.f('ck_assignment_submissions_state_known')),
    sa.ForeignKeyConstraint(['activity_id'], ['assignment_assignments.activity_id'], name=op.f('fk_assignment_submissions_activity_id_assignment_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['graded_by'], ['users.id'], name=op.f('fk_assignment_submissions_graded_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assignment_submissions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_submissions')),
    sa.UniqueConstraint('activity_id', 'user_id', name=op.f('uq_assignment_submissions_activity_id_user_id'))
    )
    with op.batch_alter_table('assignment_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_submissions_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_submissions_user_id'), ['user_id'], unique=False)

    op.create_table('assignment_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('submission', 'feedback')", name=op.f('ck_assignment_files_kind_known')),
    sa.ForeignKeyConstraint(['submission_id'], ['assignment_submissions.id'], name=op.f('fk_assignment_files_submission_id_assignment_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_files')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_assignment_files_storage_key')),
    sa.UniqueConstraint('submission_id', 'kind', 'filename', name=op.f('uq_assignment_files_submission_id_kind_filename'))
    )
    with op.batch_alter_table('assignment_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_files_submission_id'), ['submission_id'], unique=False)


def downgrade():
    with op.batch_alter_table('assignment_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_files_submission_id'))
    op.drop_table('assignment_files')
    with op.batch_alter_table('assignment_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_submissions_user_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_submissions_activity_id'))
    op.drop_table('assignment_submissions')
    op.drop_table('assignment_assignments')
