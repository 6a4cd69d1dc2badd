"""lti: platforms, the tool's keys, accounts, links, launches, nonces and scores sent

The first revision of the plugin's own Alembic branch: no down_revision, the branch label is the
plugin's name, and it depends on the core revision whose tables (users, courses, activities) its
foreign keys point to.

Revision ID: lti_0001_platforms
Revises:
Create Date: 2026-12-07 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'lti_0001_platforms'
down_revision = None
branch_labels = ('lti',)
depends_on = '0001_core'


def upgrade():
    op.create_table('lti_platforms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('client_id', sa.String(length=255), nullable=False),
    sa.Column('deployment_ids', sa.JSON(), nullable=False),
    sa.Column('auth_login_url', sa.String(length=500), nullable=False),
    sa.Column('auth_token_url', sa.String(length=500), nullable=False),
    sa.Column('key_set_url', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_platforms')),
    sa.UniqueConstraint('issuer', 'client_id', name=op.f('uq_lti_platforms_issuer_client_id'))
    )
    op.create_table('lti_tool_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kid', sa.String(length=100), nullable=False),
    sa.Column('private_pem', sa.Text(), nullable=False),
    sa.Column('public_pem', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_tool_keys')),
    sa.UniqueConstraint('kid', name=op.f('uq_lti_tool_keys_kid'))
    )
    op.create_table('lti_nonces',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nonce', sa.String(length=255), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_nonces')),
    sa.UniqueConstraint('nonce', name=op.f('uq_lti_nonces_nonce'))
    )
    op.create_index(op.f('ix_lti_nonces_issued_at'), 'lti_nonces', ['issued_at'], unique=False)
    op.create_table('lti_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('sub', sa.String(length=255), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'], name=op.f('fk_lti_accounts_platform_id_lti_platforms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lti_accounts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_accounts')),
    sa.UniqueConstraint('platform_id', 'sub', name=op.f('uq_lti_accounts_platform_id_sub'))
    )
    op.create_index(op.f('ix_lti_accounts_user_id'), 'lti_accounts', ['user_id'], unique=False)
    op.create_table('lti_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('deployment_id', sa.String(length=255), nullable=False),
    sa.Column('resource_link_id', sa.String(length=255), nullable=False),
    sa.Column('context_id', sa.String(length=255), nullable=False),
    sa.Column('context_title', sa.String(length=500), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('lineitem_url', sa.String(length=500), nullable=True),
    sa.Column('ags_scopes', sa.JSON(), nullable=False),
    sa.Column('memberships_url', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_lti_links_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_lti_links_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'], name=op.f('fk_lti_links_platform_id_lti_platforms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_links')),
    sa.UniqueConstraint('platform_id', 'resource_link_id', name=op.f('uq_lti_links_platform_id_resource_link_id'))
    )
    op.create_index(op.f('ix_lti_links_course_id'), 'lti_links', ['course_id'], unique=False)
    op.create_table('lti_launches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sub', sa.String(length=255), nullable=False),
    sa.Column('launched_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['link_id'], ['lti_links.id'], name=op.f('fk_lti_launches_link_id_lti_links'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lti_launches_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_launches')),
    sa.UniqueConstraint('link_id', 'user_id', name=op.f('uq_lti_launches_link_id_user_id'))
    )
    op.create_index(op.f('ix_lti_launches_user_id'), 'lti_launches', ['user_id'], unique=False)
    op.create_table('lti_scores',
    sa.Column('launch_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['launch_id'], ['lti_launches.id'], name=op.f('fk_lti_scores_launch_id_lti_launches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('launch_id', name=op.f('pk_lti_scores'))
    )


def downgrade():
    op.drop_table('lti_scores')
    op.drop_index(op.f('ix_lti_launches_user_id'), table_name='lti_launches')
    op.drop_table('lti_launches')
    op.drop_index(op.f('ix_lti_links_course_id'), table_name='lti_links')
    op.drop_table('lti_links')
    op.drop_index(op.f('ix_lti_accounts_user_id'), table_name='lti_accounts')
    op.drop_table('lti_accounts')
    op.drop_index(op.f('ix_lti_nonces_issued_at'), table_name='lti_nonces')
    op.drop_table('lti_nonces')
    op.drop_table('lti_tool_keys')
    op.drop_table('lti_platforms')
