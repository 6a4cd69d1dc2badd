"""stored_files: uploaded media and generated files kept in the database (NTTLEARN_STORAGE=database)

Revision ID: 0011_stored_files
Revises: 0010_jobs
Create Date: 2026-12-07 16:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0011_stored_files'
down_revision = '0010_jobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stored_files',
    sa.Column('key', sa.String(length=500), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_stored_files'))
    )


def downgrade():
    # The files go with the table: copy them to another store first (`nttlearn storage copy --from database`
    # run with NTTLEARN_STORAGE=local).
    op.drop_table('stored_files')
