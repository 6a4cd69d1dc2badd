"""jobs: idempotency keys, periodic job runs, scheduled and failed jobs (nttlearn.jobs)

Revision ID: 0010_jobs
Revises: 0008_notifications
Create Date: 2026-12-07 16:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0010_jobs'
down_revision = '0008_notifications'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_idempotency_keys',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('job_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_job_idempotency_keys'))
    )
    with op.batch_alter_table('job_idempotency_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_idempotency_keys_created_at'), ['created_at'], unique=False)

    op.create_table('periodic_job_runs',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_periodic_job_runs'))
    )
    op.create_table('scheduled_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=True),
    sa.Column('queue', sa.String(length=60), nullable=False),
    sa.Column('retries', sa.Integer(), nullable=False),
    sa.Column('run_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduled_jobs')),
    sa.UniqueConstraint('job_id', name=op.f('uq_scheduled_jobs_job_id')),
    sa.UniqueConstraint('key', name=op.f('uq_scheduled_jobs_key'))
    )
    with op.batch_alter_table('scheduled_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheduled_jobs_run_at'), ['run_at'], unique=False)

    op.create_table('failed_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=True),
    sa.Column('queue', sa.String(length=60), nullable=False),
    sa.Column('retries', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_failed_jobs'))
    )
    with op.batch_alter_table('failed_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_failed_jobs_failed_at'), ['failed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('failed_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_failed_jobs_failed_at'))
    op.drop_table('failed_jobs')
    with op.batch_alter_table('scheduled_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheduled_jobs_run_at'))
    op.drop_table('scheduled_jobs')
    op.drop_table('periodic_job_runs')
    with op.batch_alter_table('job_idempotency_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_idempotency_keys_created_at'))
    op.drop_table('job_idempotency_keys')
