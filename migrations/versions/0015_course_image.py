"""courses.image, courses.image_alt: the picture of a course's catalogue card and its alternative text

Revision ID: 0015_course_image
Revises: 0014_user_identities
Create Date: 2026-12-07 23:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0015_course_image'
down_revision = '0014_user_identities'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('image', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('image_alt', sa.Text(), server_default='', nullable=False))


def downgrade():
    # ALTER TABLE … DROP COLUMN, never a copy of the table: on SQLite a copy drops the old
    # ``courses`` table, and with foreign keys on that deletes every module, lesson and activity.
    with op.batch_alter_table('courses', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('image_alt')
        batch_op.drop_column('image')
