"""Stand-ins for other plugins in the certificates plugin's tests: what the rule relies on is
only what they declare."""

from __future__ import annotations

from flask import Blueprint, Flask

from nttlearn.api import ActivityType, hookimpl


class AssessedActivities:
    """A stand-in for the quiz plugin: the activity type ``quiz``, declared an assessment."""

    name = "assessed"

    @hookimpl
    def nttlearn_register_blueprints(self, app: Flask) -> None:
        bp = Blueprint("assessed", __name__)
        bp.add_url_rule("/assessed/<int:activity_id>", "view", lambda activity_id: "an assessment")
        app.register_blueprint(bp)

    @hookimpl
    def nttlearn_activity_types(self) -> list[ActivityType]:
        return [ActivityType(key="quiz", label="Quiz", endpoint="assessed.view", assessment=True)]
