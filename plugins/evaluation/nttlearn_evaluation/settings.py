"""The plugin's settings (``NTTLEARN_EVALUATION_<NAME>``), shown on the admin plugins page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from nttlearn.api import Setting

from . import PLUGIN

AT_RISK_DAYS = Setting(
    "at_risk_days",
    _l("Days without activity before a learner is at risk"),
    14,
    _l(
        "A learner who has not completed the course and did nothing in it for this many days is listed as at risk."
    ),
)
AT_RISK_FAILED_ATTEMPTS = Setting(
    "at_risk_failed_attempts",
    _l("Failed attempts before a learner is at risk"),
    2,
    _l(
        "Failed attempts (from *.attempt_submitted events) at activities the learner has not yet completed."
    ),
)
ANONYMOUS_MIN_RESPONSES = Setting(
    "anonymous_min_responses",
    _l("Answers needed before an anonymous survey's results are shown"),
    3,
    _l(
        "Below this number the figures of an anonymous survey could point at a person, so they are hidden."
    ),
)
SETTINGS = [AT_RISK_DAYS, AT_RISK_FAILED_ATTEMPTS, ANONYMOUS_MIN_RESPONSES]


def at_risk_days() -> int:
    return max(1, int(AT_RISK_DAYS.value(PLUGIN)))


def at_risk_failed_attempts() -> int:
    return max(1, int(AT_RISK_FAILED_ATTEMPTS.value(PLUGIN)))


def anonymous_min_responses() -> int:
    return max(1, int(ANONYMOUS_MIN_RESPONSES.value(PLUGIN)))
