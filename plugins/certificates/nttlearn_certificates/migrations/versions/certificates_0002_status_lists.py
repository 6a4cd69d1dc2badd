"""certificates: W3C Bitstring Status Lists and each certificate's place in one

Certificates issued before this revision keep no place (both columns NULL): their signed
credentials point to the 1EdTech revocation list, which stays published, and they cannot be
moved to a status list without changing what was signed (a re-issue does that).

Downgrading drops the lists and the places. Credentials issued in between keep naming a status
list URL that then answers 404, so verifiers can no longer check whether they were revoked:
downgrade only a database whose certificates you re-issue afterwards.

Revision ID: certificates_0002
Revises: certificates_0001
Create Date: 2026-12-07 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'certificates_0002'
down_revision = 'certificates_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificates_status_lists',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('credential', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('size > 0 AND size % 8 = 0', name=op.f('ck_certificates_status_lists_size_is_whole_bytes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates_status_lists'))
    )
    with op.batch_alter_table('certificates_issued', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_list_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('status_list_index', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_certificates_issued_status_list_id_certificates_status_lists'), 'certificates_status_lists', ['status_list_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_unique_constraint(batch_op.f('uq_certificates_issued_status_list_id_status_list_index'), ['status_list_id', 'status_list_index'])
        batch_op.create_check_constraint(batch_op.f('ck_certificates_issued_status_place_is_complete'), '(status_list_id IS NULL) = (status_list_index IS NULL)')
        batch_op.create_check_constraint(batch_op.f('ck_certificates_issued_status_index_is_not_negative'), 'status_list_index IS NULL OR status_list_index >= 0')


def downgrade():
    with op.batch_alter_table('certificates_issued', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_certificates_issued_status_index_is_not_negative'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_certificates_issued_status_place_is_complete'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_certificates_issued_status_list_id_status_list_index'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_certificates_issued_status_list_id_certificates_status_lists'), type_='foreignkey')
        batch_op.drop_column('status_list_index')
        batch_op.drop_column('status_list_id')

    op.drop_table('certificates_status_lists')
