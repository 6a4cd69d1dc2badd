"""modules: translations of the title and summary, and a version for saves made at the same time

Revision ID: 0004_module_translations
Revises: 0003_content_version
Create Date: 2026-11-27 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0004_module_translations'
down_revision = '0003_content_version'
branch_labels = None
depends_on = None


def upgrade():
    # Existing modules get no translations ({}) and version 1.
    with op.batch_alter_table('modules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), server_default='{}', nullable=False))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    # ALTER TABLE … DROP COLUMN, never a copy of the table: on SQLite a copy drops the old
    # ``modules`` table, and with foreign keys on that deletes every lesson and activity (ON DELETE
    # CASCADE). SQLite has DROP COLUMN since 3.35.
    with op.batch_alter_table('modules', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('translations')
