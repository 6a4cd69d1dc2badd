"""The quiz plugin's settings (``NTTLEARN_QUIZ_<NAME>``), shown on the admin plugins page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from nttlearn.api import Setting

PLUGIN = "quiz"

GIFT_MAX_QUESTIONS = Setting(
    "gift_max_questions",
    _l("Most questions in one GIFT or Aiken file"),
    2000,
    _l(
        "A larger file is refused with a message asking to split it, in the question bank, in course packages "
        "and on the command line: one upload cannot fill the database."
    ),
)
IMPORT_JOB_QUESTIONS = Setting(
    "import_job_questions",
    _l("Questions imported in the background"),
    200,
    _l(
        "A confirmed GIFT or Aiken file with more questions is imported by a background job; the page says "
        "whether it is queued, done or failed."
    ),
)
SETTINGS = [GIFT_MAX_QUESTIONS, IMPORT_JOB_QUESTIONS]


def gift_max_questions() -> int:
    """``NTTLEARN_QUIZ_GIFT_MAX_QUESTIONS``, or 2000."""
    return max(1, int(GIFT_MAX_QUESTIONS.value(PLUGIN)))


def import_job_questions() -> int:
    """``NTTLEARN_QUIZ_IMPORT_JOB_QUESTIONS``, or 200."""
    return max(1, int(IMPORT_JOB_QUESTIONS.value(PLUGIN)))
