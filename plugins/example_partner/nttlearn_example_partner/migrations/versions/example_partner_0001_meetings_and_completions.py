"""example_partner: meetings and completed-course counts

The first revision of the plugin's own Alembic branch: no down_revision, the branch label is
the plugin's name, and it depends on the core revision whose tables (users, organisations) its
foreign keys point to.

Revision ID: example_partner_0001
Revises:
Create Date: 2026-11-26 10:25:21.477535

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'example_partner_0001'
down_revision = None
branch_labels = ('example_partner',)
depends_on = '0001_core'


def upgrade():
    op.create_table('example_partner_completions',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('completions', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_example_partner_completions_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_example_partner_completions'))
    )
    op.create_table('example_partner_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('town', sa.String(length=120), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_example_partner_meetings_ends_after_start')),
    sa.CheckConstraint('length(country) = 2', name=op.f('ck_example_partner_meetings_country_iso2')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_example_partner_meetings_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_example_partner_meetings')),
    sa.UniqueConstraint('town', 'starts_on', name=op.f('uq_example_partner_meetings_town_starts_on'))
    )
    with op.batch_alter_table('example_partner_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_example_partner_meetings_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_example_partner_meetings_starts_on'), ['starts_on'], unique=False)


def downgrade():
    with op.batch_alter_table('example_partner_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_example_partner_meetings_starts_on'))
        batch_op.drop_index(batch_op.f('ix_example_partner_meetings_created_by_id'))

    op.drop_table('example_partner_meetings')
    op.drop_table('example_partner_completions')
