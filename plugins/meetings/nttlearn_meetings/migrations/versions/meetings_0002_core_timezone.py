"""meetings: the core's time zone is the one setting; the plugin's own choice moves there

A person's time zone used to be chosen twice: on the account page (``users.timezone``, core
revision ``0008_notifications``) and on "My meetings" (``meetings_personal_settings.time_zone``).
The core's is now the only one. A value set only in the plugin is copied into
``users.timezone`` where that is empty, then the plugin's column is dropped.

The copy is plain SQL on ``users``, a core table. A plugin's code writes core tables only
through ``nttlearn.api``, but a migration cannot call the application (no app, no session, and
the API's models describe the newest schema, not this revision's), so this migration writes
the one column with SQL, on the core schema it declares it depends on (``depends_on``). Only
``Area/City`` names are copied: the core refuses ``UTC`` and the like (``nttlearn.dates``), and
such a person keeps the site's default.

Downgrading brings the column back empty: which zones came from the plugin is not known any
more, and the meetings pages read the account page's zone first anyway.

Revision ID: meetings_0002
Revises: meetings_0001
Create Date: 2026-12-07 20:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'meetings_0002'
down_revision = 'meetings_0001'
branch_labels = None
depends_on = '0008_notifications'


def upgrade():
    op.execute(sa.text(
        "UPDATE users SET timezone = ("
        "  SELECT ps.time_zone FROM meetings_personal_settings ps WHERE ps.user_id = users.id"
        ") WHERE (users.timezone IS NULL OR users.timezone = '') AND EXISTS ("
        "  SELECT 1 FROM meetings_personal_settings ps WHERE ps.user_id = users.id"
        "  AND ps.time_zone LIKE '%/%' AND ps.time_zone NOT LIKE 'Etc/%')"
    ))
    with op.batch_alter_table('meetings_personal_settings', schema=None) as batch_op:
        batch_op.drop_column('time_zone')


def downgrade():
    with op.batch_alter_table('meetings_personal_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))
