"""meetings: co-organisers of a meeting

Revision ID: meetings_0003
Revises: meetings_0002
Create Date: 2026-12-07 20:25:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'meetings_0003'
down_revision = 'meetings_0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meetings_co_organisers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_meetings_co_organisers_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings_meetings.id'], name=op.f('fk_meetings_co_organisers_meeting_id_meetings_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meetings_co_organisers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings_co_organisers')),
    sa.UniqueConstraint('meeting_id', 'user_id', name=op.f('uq_meetings_co_organisers_meeting_id_user_id'))
    )
    with op.batch_alter_table('meetings_co_organisers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_co_organisers_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_co_organisers_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('meetings_co_organisers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_co_organisers_user_id'))
        batch_op.drop_index(batch_op.f('ix_meetings_co_organisers_meeting_id'))

    op.drop_table('meetings_co_organisers')
