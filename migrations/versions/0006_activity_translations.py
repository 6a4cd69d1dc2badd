"""activities: translations of the title

Revision ID: 0006_activity_translations
Revises: 0005_user_sessions
Create Date: 2026-12-07 14:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_activity_translations'
down_revision = '0005_user_sessions'
branch_labels = None
depends_on = None


def upgrade():
    # Existing activities get no translations ({}): their English title shows in every language.
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), server_default='{}', nullable=False))


def downgrade():
    # DROP COLUMN in place, never a copy of the table (see 0004: a copy would cascade on SQLite).
    with op.batch_alter_table('activities', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('translations')
