"""certificates: the plugin owns whether a course issues certificates

Until now the core's ``courses.certificate`` column held the course form's switch, and the
plugin read it for a course with no row of its own in ``certificates_course_settings``. The
switch is now the plugin's course setting (``nttlearn_course_settings``), kept only in that
table: every course without a row gets one whose ``enabled`` is the course's old value, so no
course changes whether it issues certificates. The column is read only where it exists (a
database whose core already dropped it has nothing to copy). A course that already had a row
keeps it: its row was what counted.

Downgrading writes each row's ``enabled`` back into ``courses.certificate`` (when the column is
there), the value the older code reads on the course form; the rows stay, as the older plugin
also reads them.

Revision ID: certificates_0003
Revises: certificates_0002
Create Date: 2026-12-08 00:20:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'certificates_0003'
down_revision = 'certificates_0002'
branch_labels = None
depends_on = None

courses = sa.table('courses', sa.column('id', sa.Integer()), sa.column('certificate', sa.Boolean()))
settings = sa.table('certificates_course_settings',
                    sa.column('course_id', sa.Integer()), sa.column('enabled', sa.Boolean()),
                    sa.column('require_accepted_proposal', sa.Boolean()),
                    sa.column('updated_at', sa.DateTime(timezone=True)))


def _has_certificate_column() -> bool:
    return any(column['name'] == 'certificate' for column in sa.inspect(op.get_bind()).get_columns('courses'))


def upgrade():
    if not _has_certificate_column():
        return
    without_row = ~sa.exists().where(settings.c.course_id == courses.c.id)
    op.get_bind().execute(settings.insert().from_select(
        ['course_id', 'enabled', 'require_accepted_proposal', 'updated_at'],
        sa.select(courses.c.id, courses.c.certificate, sa.false(),
                  sa.literal(datetime.now(UTC), sa.DateTime(timezone=True))).where(without_row),
    ))


def downgrade():
    if not _has_certificate_column():
        return
    enabled = sa.select(settings.c.enabled).where(settings.c.course_id == courses.c.id).scalar_subquery()
    op.get_bind().execute(courses.update()
                          .where(sa.exists().where(settings.c.course_id == courses.c.id))
                          .values(certificate=enabled))
