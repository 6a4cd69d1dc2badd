"""The hooks the quiz plugin offers to other plugins. The quiz plugin adds them to nttlearn's
plugin manager through the core hook ``nttlearn_add_hookspecs``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from .grading import QuestionType

hookspec = pluggy.HookspecMarker("nttlearn")


@hookspec
def nttlearn_quiz_question_types() -> list[type[QuestionType]]:
    """Called whenever the quiz plugin needs its question types (the bank's editor, an attempt,
    grading). Return :class:`nttlearn_quiz.grading.QuestionType` subclasses.

    A type's ``key`` is the ``type`` of the questions it handles; the built-in keys
    (``multichoice``, ``truefalse``, ``shortanswer``, ``numerical``, ``matching``, ``essay``,
    ``description``) cannot be taken over. Besides ``grade`` (and optionally
    ``validate_response``, ``shuffle``, ``correct_response``) a type shown in an attempt
    implements ``render_input(question_data, response, name, choice_order) -> Markup`` and
    ``read_response(question_data, form, name, choice_order) -> Any``; without them the learner
    gets a one-line text box and the response is the text typed. ``validate_data(data) ->
    list[str]`` checks the type's part of a question written in the bank's JSON editor.
    """
