"""What the assignment plugin's routes answer to the four visitors of the route-permission walk.

The walk (the core's ``tests/test_route_permissions.py``) collects these rows through
``nttlearn.testing.plugin_route_rows("assignment")``; ``check_plugin_contract("assignment")`` checks that
every route of the plugin has one. See ``nttlearn.route_walk`` for the visitors and the world.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nttlearn.api import db
from nttlearn.testing import (
    PUBLIC,
    Expect,
    Route,
    World,
)

# -- plugin: assignment --------------------------------------------------------------------------
# An assignment in world.course that world.learner has handed in with two files (one kept, one the
# walk may remove). Only the learner works on it; the course's trainers (here the admin) grade it.
ASSIGNMENT_STAFF = Expect(302, 403, 403, 200)


def _assignment_world(w: World) -> dict[str, Any]:
    if "assignment" not in w.extra:
        from nttlearn_assignment import services

        activity = w.activity("assignment")
        assignment = services.ensure_assignment(activity)
        assignment.rubric = {
            "criteria": [
                {
                    "key": "causes",
                    "title": "Causes",
                    "levels": [
                        {"points": 0, "label": "Missing", "descriptor": "No causes."},
                        {"points": 2, "label": "Clear", "descriptor": "Two levels of causes."},
                    ],
                }
            ]
        }
        pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        submission, _handed_in = services.save_work(
            activity,
            assignment,
            w.learner,
            text="My answer",
            submit=True,
            uploads=[services.Upload("kept.pdf", pdf), services.Upload("doomed.pdf", pdf)],
        )
        files = {f.filename: f.id for f in services.files_of([submission.id])[submission.id]}
        db.session.commit()
        w.extra["assignment"] = {
            "activity_id": activity.id,
            "user_id": w.learner.id,
            "file_id": files["kept.pdf"],
            "doomed_file_id": files["doomed.pdf"],
        }
    return w.extra["assignment"]


def _as(*names: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {name: _assignment_world(w)[name] for name in names}


ROUTES: list[Route] = [
    Route(
        "assignment.view",
        "GET",
        Expect(302, 200, 403, 200),
        args=_as("activity_id"),
        plugin="assignment",
    ),
    # An empty form keeps the learner's draft; trainers (the admin here) hand in nothing.
    Route(
        "assignment.answer",
        "POST",
        Expect(302, 302, 403, 403),
        args=_as("activity_id"),
        plugin="assignment",
    ),
    # The learner removes their own file; the admin has no submission of their own to remove it from.
    Route(
        "assignment.delete_file",
        "POST",
        Expect(302, 302, 403, 404),
        args=lambda w: {
            "activity_id": _assignment_world(w)["activity_id"],
            "file_id": _assignment_world(w)["doomed_file_id"],
        },
        plugin="assignment",
    ),
    Route(
        "assignment.download",
        "GET",
        Expect(302, 200, 403, 200),
        args=_as("activity_id", "file_id"),
        plugin="assignment",
    ),
    Route(
        "assignment.submissions",
        "GET",
        ASSIGNMENT_STAFF,
        args=_as("activity_id"),
        plugin="assignment",
    ),
    Route(
        "assignment.grade",
        "GET",
        ASSIGNMENT_STAFF,
        args=_as("activity_id", "user_id"),
        plugin="assignment",
    ),
    # No level chosen (the world's assignment has a rubric): the form is re-shown with its error.
    Route(
        "assignment.grade",
        "POST",
        Expect(302, 403, 403, 400),
        args=_as("activity_id", "user_id"),
        plugin="assignment",
    ),
    Route(
        "assignment.reopen",
        "POST",
        Expect(302, 403, 403, 302),
        args=_as("activity_id", "user_id"),
        plugin="assignment",
    ),
    Route(
        "assignment.submissions_zip",
        "GET",
        ASSIGNMENT_STAFF,
        args=_as("activity_id"),
        plugin="assignment",
    ),
    Route(
        "assignment.grades_csv",
        "GET",
        ASSIGNMENT_STAFF,
        args=_as("activity_id"),
        plugin="assignment",
    ),
    Route("assignment.edit", "GET", ASSIGNMENT_STAFF, args=_as("activity_id"), plugin="assignment"),
    # An empty form is re-shown with its errors.
    Route(
        "assignment.edit",
        "POST",
        Expect(302, 403, 403, 400),
        args=_as("activity_id"),
        plugin="assignment",
    ),
    Route(
        "assignment.static",
        "GET",
        PUBLIC,
        args=lambda w: {"filename": "assignment.js"},
        plugin="assignment",
    ),
    # The rubric editor: an empty form (no criteria) is re-shown with its error.
    Route(
        "assignment.rubric_edit",
        "GET",
        ASSIGNMENT_STAFF,
        args=_as("activity_id"),
        plugin="assignment",
    ),
    Route(
        "assignment.rubric_edit",
        "POST",
        Expect(302, 403, 403, 400),
        args=_as("activity_id"),
        plugin="assignment",
    ),
    # Its translation: an empty form removes every translated text (there is none).
    Route(
        "assignment.rubric_translate",
        "GET",
        ASSIGNMENT_STAFF,
        args=lambda w: {**_as("activity_id")(w), "locale": "fi"},
        plugin="assignment",
    ),
    Route(
        "assignment.rubric_translate",
        "POST",
        Expect(302, 403, 403, 302),
        args=lambda w: {**_as("activity_id")(w), "locale": "fi"},
        plugin="assignment",
    ),
    # The instructions' translation: a form without its tokens is re-shown with a message (400).
    Route(
        "assignment.instructions_translate",
        "GET",
        ASSIGNMENT_STAFF,
        args=lambda w: {**_as("activity_id")(w), "locale": "it"},
        plugin="assignment",
    ),
    Route(
        "assignment.instructions_translate",
        "POST",
        Expect(302, 403, 403, 400),
        args=lambda w: {**_as("activity_id")(w), "locale": "it"},
        plugin="assignment",
    ),
]
