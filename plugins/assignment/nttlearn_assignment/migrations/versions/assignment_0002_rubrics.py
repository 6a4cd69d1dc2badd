"""assignment: grading rubrics

An assignment may carry a rubric (criteria with levels) and its translations; a submission
graded with it keeps the level chosen and the comment for each criterion.

Revision ID: assignment_0002
Revises: assignment_0001
Create Date: 2026-12-07 23:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'assignment_0002'
down_revision = 'assignment_0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assignment_assignments') as batch_op:
        batch_op.add_column(sa.Column('rubric', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('rubric_translations', sa.JSON(), nullable=False,
                                      server_default=sa.text("'{}'")))
    with op.batch_alter_table('assignment_assignments') as batch_op:
        batch_op.alter_column('rubric_translations', server_default=None)
    with op.batch_alter_table('assignment_submissions') as batch_op:
        batch_op.add_column(sa.Column('rubric_scores', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('assignment_submissions') as batch_op:
        batch_op.drop_column('rubric_scores')
    with op.batch_alter_table('assignment_assignments') as batch_op:
        batch_op.drop_column('rubric_translations')
        batch_op.drop_column('rubric')
