"""peer_review: the partner directory and the applications teams submit to funders

Revision ID: peer_review_0002
Revises: peer_review_0001
Create Date: 2026-12-07 16:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'peer_review_0002'
down_revision = 'peer_review_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('peer_review_directory_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('town', sa.String(length=120), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('policy_areas', sa.String(length=300), nullable=False),
    sa.Column('languages', sa.String(length=200), nullable=False),
    sa.Column('looking_for', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_peer_review_directory_entries_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_review_directory_entries')),
    sa.UniqueConstraint('user_id', name=op.f('uq_peer_review_directory_entries_user_id'))
    )
    with op.batch_alter_table('peer_review_directory_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_review_directory_entries_country'), ['country'], unique=False)

    op.create_table('peer_review_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('programme', sa.String(length=200), nullable=False),
    sa.Column('funding_call', sa.String(length=200), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('lead_organisation', sa.String(length=200), nullable=False),
    sa.Column('partners', sa.JSON(), nullable=False),
    sa.Column('requested_eur', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('granted_eur', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("outcome IN ('pending', 'funded', 'rejected', 'withdrawn')", name=op.f('ck_peer_review_applications_outcome_known')),
    sa.CheckConstraint('granted_eur IS NULL OR granted_eur >= 0', name=op.f('ck_peer_review_applications_granted_not_negative')),
    sa.CheckConstraint('requested_eur >= 0', name=op.f('ck_peer_review_applications_requested_not_negative')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_peer_review_applications_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_peer_review_applications_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['peer_review_teams.id'], name=op.f('fk_peer_review_applications_team_id_peer_review_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_peer_review_applications_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_review_applications')),
    sa.UniqueConstraint('team_id', 'programme', 'funding_call', name=op.f('uq_peer_review_applications_team_id_programme_funding_call'))
    )
    with op.batch_alter_table('peer_review_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_review_applications_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_peer_review_applications_team_id'), ['team_id'], unique=False)

    op.create_table('peer_review_application_documents',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['peer_review_applications.id'], name=op.f('fk_peer_review_application_documents_application_id_peer_review_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_peer_review_application_documents_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('application_id', name=op.f('pk_peer_review_application_documents'))
    )


def downgrade():
    op.drop_table('peer_review_application_documents')
    with op.batch_alter_table('peer_review_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_review_applications_team_id'))
        batch_op.drop_index(batch_op.f('ix_peer_review_applications_activity_id'))

    op.drop_table('peer_review_applications')
    with op.batch_alter_table('peer_review_directory_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_review_directory_entries_country'))

    op.drop_table('peer_review_directory_entries')
