"""The question types in use: the built-in ones and those other plugins register through
``nttlearn_quiz_question_types`` (enabled plugins only)."""

from __future__ import annotations

import logging

from flask import g, has_request_context

from nttlearn.api import call_hook

from .grading import BUILTIN_TYPES, QuestionType

log = logging.getLogger(__name__)


def question_types() -> dict[str, type[QuestionType]]:
    """Every usable question type by key, built-ins first (read once per request)."""
    if has_request_context() and "quiz_question_types" in g:
        return g.quiz_question_types
    types: dict[str, type[QuestionType]] = dict(BUILTIN_TYPES)
    for result in reversed(call_hook("nttlearn_quiz_question_types")):
        for cls in result or []:
            if cls.key in BUILTIN_TYPES and cls is not BUILTIN_TYPES[cls.key]:
                log.warning("question type %r cannot replace the built-in one", cls.key)
                continue
            types.setdefault(cls.key, cls)
    if has_request_context():
        g.quiz_question_types = types
    return types


def question_type(key: str) -> QuestionType | None:
    """An instance of the type ``key``, or None when no enabled plugin provides it."""
    cls = question_types().get(key)
    return cls() if cls is not None else None
