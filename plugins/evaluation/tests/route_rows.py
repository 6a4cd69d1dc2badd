"""What the evaluation plugin's routes answer to the four visitors of the route-permission walk.

The walk (the core's ``tests/test_route_permissions.py``) collects these rows through
``nttlearn.testing.plugin_route_rows("evaluation")``; ``check_plugin_contract("evaluation")`` checks that
every route of the plugin has one. See ``nttlearn.route_walk`` for the visitors and the world.
"""

from __future__ import annotations

from nttlearn.testing import (
    ADMINS,
    API_NEEDS_TOKEN,
    LOGGED_IN,
    PUBLIC,
    STAFF_OF_COURSE,
    Expect,
    Route,
    course_id_args,
)

ROUTES: list[Route] = [
    Route(
        "evaluation.static",
        "GET",
        PUBLIC,
        args=lambda w: {"filename": "evaluation.css"},
        plugin="evaluation",
    ),
    Route(
        "evaluation.reports.course_report",
        "GET",
        STAFF_OF_COURSE,
        args=course_id_args,
        plugin="evaluation",
    ),
    Route(
        "evaluation.reports.course_report_csv",
        "GET",
        STAFF_OF_COURSE,
        args=lambda w: {**course_id_args(w), "table": "learners"},
        plugin="evaluation",
    ),
    Route(
        "evaluation.reports.learner_timeline_page",
        "GET",
        STAFF_OF_COURSE,
        args=lambda w: {**course_id_args(w), "user_id": w.learner.id},
        plugin="evaluation",
    ),
    Route(
        "evaluation.reports.learner_timeline_csv",
        "GET",
        STAFF_OF_COURSE,
        args=lambda w: {**course_id_args(w), "user_id": w.learner.id},
        plugin="evaluation",
    ),
    Route(
        "evaluation.reports.survey_results_page",
        "GET",
        STAFF_OF_COURSE,
        args=lambda w: {**course_id_args(w), "activity_id": w.activity("survey").id},
        plugin="evaluation",
    ),
    # An anonymous survey with fewer answers than the threshold: even the admin may not download it.
    Route(
        "evaluation.reports.survey_results_csv",
        "GET",
        Expect(302, 403, 403, 403),
        args=lambda w: {
            **course_id_args(w),
            "activity_id": w.activity("survey").id,
            "table": "results",
        },
        plugin="evaluation",
    ),
    Route("evaluation.reports.my_timeline", "GET", LOGGED_IN, plugin="evaluation"),
    Route("evaluation.reports.my_timeline_csv", "GET", LOGGED_IN, plugin="evaluation"),
    Route("evaluation.reports.programme", "GET", ADMINS, plugin="evaluation"),
    Route(
        "evaluation.reports.programme_csv",
        "GET",
        ADMINS,
        args=lambda w: {"table": "countries"},
        plugin="evaluation",
    ),
    Route("evaluation.reports.quality", "GET", ADMINS, plugin="evaluation"),
    Route(
        "evaluation.reports.quality_csv",
        "GET",
        ADMINS,
        args=lambda w: {"table": "courses"},
        plugin="evaluation",
    ),
    Route("evaluation.reports.impact", "GET", ADMINS, plugin="evaluation"),
    Route("evaluation.reports.impact_pdf_download", "GET", ADMINS, plugin="evaluation"),
    Route(
        "evaluation.reports.impact_csv",
        "GET",
        ADMINS,
        args=lambda w: {"table": "figures"},
        plugin="evaluation",
    ),
    Route(
        "evaluation.surveys.answer",
        "GET",
        Expect(302, 200, 403, 200),
        args=lambda w: {"activity_id": w.activity("survey").id},
        plugin="evaluation",
    ),
    Route(
        "evaluation.surveys.answer",
        "POST",
        Expect(302, 400, 403, 302),
        args=lambda w: {"activity_id": w.activity("survey").id},
        plugin="evaluation",
    ),
    Route(
        "evaluation.surveys.translate",
        "GET",
        STAFF_OF_COURSE,
        args=lambda w: {
            **course_id_args(w),
            "activity_id": w.activity("survey").id,
            "locale": "it",
        },
        plugin="evaluation",
    ),
    # Without the tokens of what the editor showed, nothing is saved.
    Route(
        "evaluation.surveys.translate",
        "POST",
        Expect(302, 403, 403, 400),
        args=lambda w: {
            **course_id_args(w),
            "activity_id": w.activity("survey").id,
            "locale": "it",
        },
        plugin="evaluation",
    ),
    # The plugin's REST API resources (nttlearn_api_blueprints): a token, never the session.
    Route("evaluation_api.impact", "GET", API_NEEDS_TOKEN, plugin="evaluation"),
]
