"""cohort_staff: trainers of one cohort

Revision ID: 0013_cohort_staff
Revises: 0012_api_tokens
Create Date: 2026-12-07 20:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0013_cohort_staff'
down_revision = '0012_api_tokens'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cohort_staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_cohort_staff_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_staff_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cohort_staff_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_staff')),
    sa.UniqueConstraint('cohort_id', 'user_id', name=op.f('uq_cohort_staff_cohort_id_user_id'))
    )
    with op.batch_alter_table('cohort_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_staff_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohort_staff_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('cohort_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_staff_user_id'))
        batch_op.drop_index(batch_op.f('ix_cohort_staff_cohort_id'))
    op.drop_table('cohort_staff')
