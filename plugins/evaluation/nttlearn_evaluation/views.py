"""The plugin's blueprint ``evaluation``: reports under ``/reports``, surveys under
``/evaluation/surveys``. The two halves are nested blueprints, so that the core's switch for a
disabled plugin (which looks at the first part of the blueprint name) covers both."""

from __future__ import annotations

from flask import Blueprint

from .report_views import reports
from .survey_views import surveys
from .translation_views import translate  # noqa: F401 - adds the translation editor to ``surveys``

bp = Blueprint(
    "evaluation",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/evaluation/static",
)
bp.register_blueprint(reports)
bp.register_blueprint(surveys)
