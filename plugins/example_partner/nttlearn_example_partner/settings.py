"""The plugin's settings, shown on the admin plugins page and read from the environment."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from nttlearn.api import Setting

PLUGIN = "example_partner"

DASHBOARD_DAYS = Setting(
    name="dashboard_days",
    label=_l("Days ahead shown on the dashboard"),
    default=90,
    description=_l(
        "The dashboard announces the next partnering meeting when it starts within this many days."
    ),
)


def dashboard_days() -> int:
    """``NTTLEARN_EXAMPLE_PARTNER_DASHBOARD_DAYS``, or 90."""
    return int(DASHBOARD_DAYS.value(PLUGIN))
