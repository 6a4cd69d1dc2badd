"""quiz: question texts in other languages, and the language of each attempt

Revision ID: quiz_0002_languages
Revises: quiz_0001
Create Date: 2026-11-28 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'quiz_0002_languages'
down_revision = 'quiz_0001'
branch_labels = None
depends_on = None


def upgrade():
    # Existing versions have no translations ({}); existing attempts no recorded language (NULL).
    with op.batch_alter_table('quiz_question_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), server_default='{}', nullable=False))
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=10), nullable=True))


def downgrade():
    # ALTER TABLE … DROP COLUMN, never a copy of the table: on SQLite a copy drops the old table,
    # and with foreign keys on that deletes the rows pointing at it (ON DELETE CASCADE). The
    # translations and attempt languages are lost; the English questions and attempts stay.
    with op.batch_alter_table('quiz_attempts', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('locale')
    with op.batch_alter_table('quiz_question_versions', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('translations')
