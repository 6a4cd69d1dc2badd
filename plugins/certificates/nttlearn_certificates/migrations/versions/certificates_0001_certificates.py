"""certificates: course settings, templates and issued certificates

The first revision of the plugin's own Alembic branch: no down_revision, the branch label is
the plugin's name, and it depends on the core revision whose tables (users, courses) its
foreign keys point to.

Revision ID: certificates_0001
Revises:
Create Date: 2026-11-26 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'certificates_0001'
down_revision = None
branch_labels = ('certificates',)
depends_on = '0001_core'


def upgrade():
    op.create_table('certificates_course_settings',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('min_quiz_grade', sa.Float(), nullable=True),
    sa.Column('require_accepted_proposal', sa.Boolean(), nullable=False),
    sa.Column('valid_months', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('min_quiz_grade IS NULL OR (min_quiz_grade >= 0 AND min_quiz_grade <= 100)', name=op.f('ck_certificates_course_settings_grade_is_a_percentage')),
    sa.CheckConstraint('valid_months IS NULL OR valid_months > 0', name=op.f('ck_certificates_course_settings_validity_is_positive')),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_certificates_course_settings_course_id_courses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('course_id', name=op.f('pk_certificates_course_settings'))
    )
    op.create_table('certificates_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('site_default', sa.Boolean(), nullable=True),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('primary_colour', sa.String(length=7), nullable=False),
    sa.Column('accent_colour', sa.String(length=7), nullable=False),
    sa.Column('text_colour', sa.String(length=7), nullable=False),
    sa.Column('signatories', sa.JSON(), nullable=False),
    sa.Column('logo', sa.LargeBinary(), nullable=True),
    sa.Column('signature_1', sa.LargeBinary(), nullable=True),
    sa.Column('signature_2', sa.LargeBinary(), nullable=True),
    sa.Column('signature_3', sa.LargeBinary(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(course_id IS NULL AND site_default IS NOT NULL) OR (course_id IS NOT NULL AND site_default IS NULL)', name=op.f('ck_certificates_templates_site_default_or_course')),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_certificates_templates_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_certificates_templates_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates_templates')),
    sa.UniqueConstraint('course_id', name=op.f('uq_certificates_templates_course_id')),
    sa.UniqueConstraint('site_default', name=op.f('uq_certificates_templates_site_default'))
    )
    op.create_table('certificates_issued',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('template_id', sa.Integer(), nullable=True),
    sa.Column('learner_name', sa.String(length=200), nullable=False),
    sa.Column('course_title', sa.String(length=200), nullable=False),
    sa.Column('course_slug', sa.String(length=100), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('hours', sa.Float(), nullable=True),
    sa.Column('outcomes', sa.JSON(), nullable=False),
    sa.Column('issuer_name', sa.String(length=200), nullable=False),
    sa.Column('issuer_url', sa.String(length=300), nullable=False),
    sa.Column('signatories', sa.JSON(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('valid_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('issue_reason', sa.Text(), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revocation_reason', sa.Text(), nullable=False),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('credential', sa.JSON(), nullable=False),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_certificates_issued_course_id_courses'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_certificates_issued_issued_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['replaces_id'], ['certificates_issued.id'], name=op.f('fk_certificates_issued_replaces_id_certificates_issued'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_certificates_issued_revoked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['template_id'], ['certificates_templates.id'], name=op.f('fk_certificates_issued_template_id_certificates_templates'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_certificates_issued_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates_issued')),
    sa.UniqueConstraint('code', name=op.f('uq_certificates_issued_code'))
    )
    with op.batch_alter_table('certificates_issued', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_issued_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_issued_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_certificates_issued_live_user_course', ['user_id', 'course_id'], unique=True, sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))


def downgrade():
    with op.batch_alter_table('certificates_issued', schema=None) as batch_op:
        batch_op.drop_index('uq_certificates_issued_live_user_course', sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_certificates_issued_user_id'))
        batch_op.drop_index(batch_op.f('ix_certificates_issued_course_id'))

    op.drop_table('certificates_issued')
    op.drop_table('certificates_templates')
    op.drop_table('certificates_course_settings')
