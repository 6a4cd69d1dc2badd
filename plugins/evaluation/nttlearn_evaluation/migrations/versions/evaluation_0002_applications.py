"""evaluation: its copy of the applications teams submitted to funders

Revision ID: evaluation_0002
Revises: evaluation_0001
Create Date: 2026-12-07 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'evaluation_0002'
down_revision = 'evaluation_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evaluation_applications',
    sa.Column('application_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('programme', sa.String(length=200), nullable=False),
    sa.Column('funding_call', sa.String(length=200), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('lead_organisation', sa.String(length=200), nullable=False),
    sa.Column('partner_countries', sa.JSON(), nullable=False),
    sa.Column('requested_eur', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('granted_eur', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('application_id', name=op.f('pk_evaluation_applications'))
    )
    with op.batch_alter_table('evaluation_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_applications_submitted_on'), ['submitted_on'], unique=False)


def downgrade():
    with op.batch_alter_table('evaluation_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_applications_submitted_on'))

    op.drop_table('evaluation_applications')
