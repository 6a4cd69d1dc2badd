"""What the quiz plugin's routes answer to the four visitors of the route-permission walk.

The walk (the core's ``tests/test_route_permissions.py``) collects these rows through
``nttlearn.testing.plugin_route_rows("quiz")``; ``check_plugin_contract("quiz")`` checks that
every route of the plugin has one. See ``nttlearn.route_walk`` for the visitors and the world.
"""

from __future__ import annotations

from typing import Any

from nttlearn.api import db
from nttlearn.testing import (
    PUBLIC,
    STAFF_OF_COURSE,
    Expect,
    Route,
    World,
    course_id_args,
)


# -- plugin: quiz (rows appended by the quiz plugin's engineer) ---------------------------------------
def _quiz_world(w: World) -> Any:
    """A quiz with one question in ``world.course``, and the learner's open attempt (made once)."""
    if "quiz" not in w.extra:
        from types import SimpleNamespace

        from nttlearn_quiz import bank, services
        from nttlearn_quiz.quizzes import add_questions, ensure_quiz, quiz_slots

        activity = w.activity("quiz")
        quiz = ensure_quiz(activity)
        category = bank.ensure_category(w.course.id, ["Walk"])
        question = bank.create_question(
            w.course.id,
            category,
            {
                "type": "truefalse",
                "name": "Walk",
                "text": "NTT+ ran in 2010.",
                "format": "moodle",
                "general_feedback": None,
                "answers": [
                    {"text": "true", "fraction": 1.0, "feedback": ""},
                    {"text": "false", "fraction": 0.0, "feedback": ""},
                ],
            },
        )
        add_questions(quiz, [question.id])
        attempt = services.start_attempt(quiz, w.learner.id)
        db.session.commit()
        w.extra["quiz"] = SimpleNamespace(
            activity_id=activity.id,
            category_id=category.id,
            question_id=question.id,
            slot_id=quiz_slots(quiz)[0].id,
            attempt_id=attempt.id,
            answer_id=services.answers_of(attempt)[0].id,
        )
    return w.extra["quiz"]


def _quiz(w: World) -> dict[str, Any]:
    return {"activity_id": _quiz_world(w).activity_id}


def _quiz_attempt(w: World) -> dict[str, Any]:
    return {"attempt_id": _quiz_world(w).attempt_id}


def _quiz_question(w: World) -> dict[str, Any]:
    return {"course_id": w.course.id, "question_id": _quiz_world(w).question_id}


QUIZ_STAFF = Expect(
    302, 403, 403, 200
)  # the course's trainers and admins; a learner is enrolled, not staff
QUIZ_OWNER = Expect(
    302, 200, 404, 404
)  # the attempt's learner only: anyone else's attempt is "not found"

ROUTES: list[Route] = [
    Route("quiz.static", "GET", PUBLIC, args=lambda w: {"filename": "quiz.js"}, plugin="quiz"),
    Route("quiz.view", "GET", Expect(302, 200, 403, 200), args=_quiz, plugin="quiz"),
    # The learner resumes their open attempt; the admin (staff) starts one of their own.
    Route("quiz.start", "POST", Expect(302, 302, 403, 302), args=_quiz, plugin="quiz"),
    Route("quiz.attempt", "GET", QUIZ_OWNER, args=_quiz_attempt, plugin="quiz"),
    Route("quiz.save", "POST", Expect(302, 302, 404, 404), args=_quiz_attempt, plugin="quiz"),
    Route("quiz.autosave", "POST", QUIZ_OWNER, args=_quiz_attempt, plugin="quiz"),
    Route("quiz.summary", "GET", QUIZ_OWNER, args=_quiz_attempt, plugin="quiz"),
    Route("quiz.submit", "POST", Expect(302, 302, 404, 404), args=_quiz_attempt, plugin="quiz"),
    # The owner of an attempt in progress is sent back to it; trainers of the course review any attempt.
    Route("quiz.review", "GET", Expect(302, 302, 403, 200), args=_quiz_attempt, plugin="quiz"),
    Route("quiz.edit_quiz", "GET", QUIZ_STAFF, args=_quiz, plugin="quiz"),
    Route("quiz.edit_quiz", "POST", Expect(302, 403, 403, 400), args=_quiz, plugin="quiz"),
    Route("quiz.quiz_questions", "GET", QUIZ_STAFF, args=_quiz, plugin="quiz"),
    Route("quiz.add_questions", "POST", Expect(302, 403, 403, 302), args=_quiz, plugin="quiz"),
    Route("quiz.add_random", "POST", Expect(302, 403, 403, 302), args=_quiz, plugin="quiz"),
    # No action given: a bad request.
    Route(
        "quiz.change_slot",
        "POST",
        Expect(302, 403, 403, 400),
        args=lambda w: {**_quiz(w), "slot_id": _quiz_world(w).slot_id},
        plugin="quiz",
    ),
    Route("quiz.attempts", "GET", QUIZ_STAFF, args=_quiz, plugin="quiz"),
    # An attempt in progress cannot be reopened: the admin is told so on the attempts page.
    Route("quiz.reopen", "POST", Expect(302, 403, 403, 302), args=_quiz_attempt, plugin="quiz"),
    Route("quiz.allowance", "POST", Expect(302, 403, 403, 302), args=_quiz, plugin="quiz"),
    Route("quiz.override", "POST", Expect(302, 403, 403, 302), args=_quiz, plugin="quiz"),
    Route("quiz.regrade", "POST", Expect(302, 403, 403, 302), args=_quiz, plugin="quiz"),
    Route("quiz.grading", "GET", QUIZ_STAFF, args=_quiz, plugin="quiz"),
    Route(
        "quiz.grade_answer",
        "GET",
        QUIZ_STAFF,
        args=lambda w: {"answer_id": _quiz_world(w).answer_id},
        plugin="quiz",
    ),
    Route(
        "quiz.grade_answer",
        "POST",
        Expect(302, 403, 403, 400),
        args=lambda w: {"answer_id": _quiz_world(w).answer_id},
        plugin="quiz",
    ),
    Route("quiz.statistics", "GET", QUIZ_STAFF, args=_quiz, plugin="quiz"),
    Route("quiz.statistics_csv", "GET", QUIZ_STAFF, args=_quiz, plugin="quiz"),
    Route("quiz.bank_index", "GET", STAFF_OF_COURSE, args=course_id_args, plugin="quiz"),
    Route(
        "quiz.add_category", "POST", Expect(302, 403, 403, 302), args=course_id_args, plugin="quiz"
    ),
    Route(
        "quiz.change_category",
        "POST",
        Expect(302, 403, 403, 400),
        args=lambda w: {"course_id": w.course.id, "category_id": _quiz_world(w).category_id},
        plugin="quiz",
    ),
    # Without ?type= both show the list of question types to choose from.
    Route("quiz.new_question", "GET", STAFF_OF_COURSE, args=course_id_args, plugin="quiz"),
    Route("quiz.new_question", "POST", STAFF_OF_COURSE, args=course_id_args, plugin="quiz"),
    Route("quiz.edit_question", "GET", STAFF_OF_COURSE, args=_quiz_question, plugin="quiz"),
    Route(
        "quiz.edit_question", "POST", Expect(302, 403, 403, 400), args=_quiz_question, plugin="quiz"
    ),
    Route(
        "quiz.translate_question",
        "GET",
        STAFF_OF_COURSE,
        args=lambda w: {**_quiz_question(w), "locale": "it"},
        plugin="quiz",
    ),
    # Without the tokens of what the editor showed, nothing is saved.
    Route(
        "quiz.translate_question",
        "POST",
        Expect(302, 403, 403, 400),
        args=lambda w: {**_quiz_question(w), "locale": "it"},
        plugin="quiz",
    ),
    Route("quiz.preview_question", "GET", STAFF_OF_COURSE, args=_quiz_question, plugin="quiz"),
    Route("quiz.preview_question", "POST", STAFF_OF_COURSE, args=_quiz_question, plugin="quiz"),
    # The question is in the quiz: not deleted, the admin is told why.
    Route(
        "quiz.delete_question",
        "POST",
        Expect(302, 403, 403, 302),
        args=_quiz_question,
        plugin="quiz",
    ),
    Route("quiz.import_questions", "GET", STAFF_OF_COURSE, args=course_id_args, plugin="quiz"),
    Route("quiz.import_questions", "POST", STAFF_OF_COURSE, args=course_id_args, plugin="quiz"),
    Route(
        "quiz.import_status",
        "GET",
        Expect(302, 403, 403, 404),
        args=lambda w: {"course_id": w.course.id, "token": "0" * 32},
        plugin="quiz",
    ),
    Route("quiz.export_bank", "GET", STAFF_OF_COURSE, args=course_id_args, plugin="quiz"),
    Route("quiz.course_report_csv", "GET", STAFF_OF_COURSE, args=course_id_args, plugin="quiz"),
]
