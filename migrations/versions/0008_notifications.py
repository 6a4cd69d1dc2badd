"""users: time zone and calendar feed token; notifications and notification preferences

Revision ID: 0008_notifications
Revises: 0007_cohorts
Create Date: 2026-12-07 16:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008_notifications'
down_revision = '0007_cohorts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('calendar_token', sa.String(length=64), nullable=True))
        # A unique index, not a constraint: SQLite drops an index in place, a constraint only by
        # copying the table (which would cascade to every table pointing at users).
        batch_op.create_index(batch_op.f('ix_users_calendar_token'), ['calendar_token'], unique=True)
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=True),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('mail', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("mail IN ('sent', 'digest', 'none')", name=op.f('ck_notifications_mail_known')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
        sa.UniqueConstraint('user_id', 'key', name=op.f('uq_notifications_user_id_key')),
    )
    op.create_index('ix_notifications_user_unread', 'notifications', ['user_id', 'read_at'])
    op.create_index('ix_notifications_digest', 'notifications', ['mail', 'user_id'])
    op.create_table(
        'notification_preferences',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('delivery', sa.String(length=12), nullable=False),
        sa.CheckConstraint("delivery IN ('immediately', 'digest', 'off')", name=op.f('ck_notification_preferences_delivery_known')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_preferences')),
    )


def downgrade():
    op.drop_table('notification_preferences')
    op.drop_index('ix_notifications_digest', table_name='notifications')
    op.drop_index('ix_notifications_user_unread', table_name='notifications')
    op.drop_table('notifications')
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_calendar_token'))
        batch_op.drop_column('calendar_token')
        batch_op.drop_column('timezone')
