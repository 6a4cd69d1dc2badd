"""peer_review: the proposal template's and the rubric's texts in other languages

Revision ID: peer_review_0003_translations
Revises: peer_review_0002
Create Date: 2026-12-07 20:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'peer_review_0003_translations'
down_revision = 'peer_review_0002'
branch_labels = None
depends_on = None


def upgrade():
    # Existing activities have no translations ({}): a template and a rubric left as the shipped
    # defaults still read in the interface's language, any other in English until translated.
    with op.batch_alter_table('peer_review_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), server_default='{}', nullable=False))


def downgrade():
    # ALTER TABLE … DROP COLUMN, never a copy of the table (a copy would cascade-delete the rows
    # pointing at the settings' activity on SQLite). The translations are lost; the English stays.
    with op.batch_alter_table('peer_review_settings', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('translations')
