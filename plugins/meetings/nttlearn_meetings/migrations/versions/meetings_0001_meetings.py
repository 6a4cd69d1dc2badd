"""meetings: meetings, their history and agenda, registrations, attendance, documents, personal settings

The first revision of the plugin's own Alembic branch: no down_revision, the branch label is the
plugin's name, and it depends on the core revision whose tables (users) its foreign keys point to.

Revision ID: meetings_0001
Revises:
Create Date: 2026-12-07 16:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'meetings_0001'
down_revision = None
branch_labels = ('meetings',)
depends_on = '0001_core'


def upgrade():
    op.create_table('meetings_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('host_organisation', sa.String(length=200), nullable=False),
    sa.Column('town', sa.String(length=120), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('venue', sa.String(length=300), nullable=False),
    sa.Column('online_url', sa.String(length=500), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('policy_areas', sa.JSON(), nullable=False),
    sa.Column('course_ids', sa.JSON(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('registration_deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('held_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("format IN ('in_person', 'online', 'hybrid')", name=op.f('ck_meetings_meetings_format_known')),
    sa.CheckConstraint("kind IN ('seminar', 'partnering')", name=op.f('ck_meetings_meetings_kind_known')),
    sa.CheckConstraint("status IN ('draft', 'published', 'cancelled')", name=op.f('ck_meetings_meetings_status_known')),
    sa.CheckConstraint('capacity IS NULL OR capacity > 0', name=op.f('ck_meetings_meetings_capacity_positive')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_meetings_meetings_ends_after_start')),
    sa.CheckConstraint('length(country) = 2', name=op.f('ck_meetings_meetings_country_iso2')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meetings_meetings_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings_meetings')),
    sa.UniqueConstraint('uid', name=op.f('uq_meetings_meetings_uid'))
    )
    with op.batch_alter_table('meetings_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_meetings_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_meetings_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_meetings_status'), ['status'], unique=False)

    op.create_table('meetings_personal_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=True),
    sa.Column('feed_token_hash', sa.String(length=64), nullable=True),
    sa.Column('feed_created_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meetings_personal_settings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_meetings_personal_settings')),
    sa.UniqueConstraint('feed_token_hash', name=op.f('uq_meetings_personal_settings_feed_token_hash'))
    )
    op.create_table('meetings_agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('room', sa.String(length=120), nullable=False),
    sa.Column('speakers', sa.String(length=300), nullable=False),
    sa.Column('team_name', sa.String(length=200), nullable=False),
    sa.Column('proposal_url', sa.String(length=500), nullable=False),
    sa.CheckConstraint("kind IN ('session', 'working_session', 'break')", name=op.f('ck_meetings_agenda_items_kind_known')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_meetings_agenda_items_ends_after_start')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings_meetings.id'], name=op.f('fk_meetings_agenda_items_meeting_id_meetings_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings_agenda_items'))
    )
    with op.batch_alter_table('meetings_agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_agenda_items_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meetings_attendances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['users.id'], name=op.f('fk_meetings_attendances_checked_in_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings_meetings.id'], name=op.f('fk_meetings_attendances_meeting_id_meetings_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meetings_attendances_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings_attendances')),
    sa.UniqueConstraint('meeting_id', 'user_id', 'day', name=op.f('uq_meetings_attendances_meeting_id_user_id_day'))
    )
    with op.batch_alter_table('meetings_attendances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_attendances_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_attendances_user_id'), ['user_id'], unique=False)

    op.create_table('meetings_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('team_name', sa.String(length=200), nullable=False),
    sa.Column('proposal_url', sa.String(length=500), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('minutes', 'document', 'team_output')", name=op.f('ck_meetings_documents_kind_known')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings_meetings.id'], name=op.f('fk_meetings_documents_meeting_id_meetings_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_meetings_documents_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings_documents'))
    )
    with op.batch_alter_table('meetings_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_documents_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meetings_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('registered', 'waiting', 'cancelled')", name=op.f('ck_meetings_registrations_state_known')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings_meetings.id'], name=op.f('fk_meetings_registrations_meeting_id_meetings_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], name=op.f('fk_meetings_registrations_registered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meetings_registrations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings_registrations')),
    sa.UniqueConstraint('meeting_id', 'user_id', name=op.f('uq_meetings_registrations_meeting_id_user_id'))
    )
    with op.batch_alter_table('meetings_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_registrations_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_registrations_user_id'), ['user_id'], unique=False)

    op.create_table('meetings_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_meetings_revisions_changed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings_meetings.id'], name=op.f('fk_meetings_revisions_meeting_id_meetings_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings_revisions'))
    )
    with op.batch_alter_table('meetings_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_revisions_changed_by_id'), ['changed_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_revisions_meeting_id'), ['meeting_id'], unique=False)


def downgrade():
    with op.batch_alter_table('meetings_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_revisions_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_meetings_revisions_changed_by_id'))

    op.drop_table('meetings_revisions')
    with op.batch_alter_table('meetings_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_registrations_user_id'))
        batch_op.drop_index(batch_op.f('ix_meetings_registrations_meeting_id'))

    op.drop_table('meetings_registrations')
    with op.batch_alter_table('meetings_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_documents_meeting_id'))

    op.drop_table('meetings_documents')
    with op.batch_alter_table('meetings_attendances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_attendances_user_id'))
        batch_op.drop_index(batch_op.f('ix_meetings_attendances_meeting_id'))

    op.drop_table('meetings_attendances')
    with op.batch_alter_table('meetings_agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_agenda_items_meeting_id'))

    op.drop_table('meetings_agenda_items')
    op.drop_table('meetings_personal_settings')
    with op.batch_alter_table('meetings_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_meetings_status'))
        batch_op.drop_index(batch_op.f('ix_meetings_meetings_starts_at'))
        batch_op.drop_index(batch_op.f('ix_meetings_meetings_created_by_id'))

    op.drop_table('meetings_meetings')
