"""Survey answers for the demo programme (``nttlearn evaluation demo``), so that a coordinator
exploring ``make run`` sees quality figures next to the monitoring and impact figures that come
straight from the core's demo data. Only demo accounts (``@example.org``) answer."""

from __future__ import annotations

import random
from typing import Any

from nttlearn.api import Activity, Enrolment, Module, User, db

from .questionnaires import POLICY_AREAS
from .surveys import has_responded, questions_of, submit_response, survey_for

COMMENTS = [
    "Il metodo del quadro logico mi servirà subito nel prossimo bando.",
    "Mer tid för att arbeta i grupp med kollegor från andra länder, tack.",
    "Los ejemplos de ciudades hermanadas reales fueron lo más útil.",
    "Budjettiosio oli vaikein; lisää esimerkkejä kelpoisista kustannuksista.",
    "The peer review made our proposal much stronger.",
    "Shorter lessons in module 5 would help officials with little time.",
]
# How often each answer is given, roughly as officials answered NTT+'s questionnaires.
LIKERT_WEIGHTS = (1, 2, 6, 18, 14)
INTENTIONS = (("yes", 6), ("later", 4), ("unsure", 2), ("no", 1))
EXPERIENCE = (("none", 5), ("applicant", 3), ("partner", 3), ("coordinator", 1))


def _answers(survey, rng: random.Random, n: int) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for question in questions_of(survey):
        if question.kind == "likert":
            answers[question.key] = str(rng.choices(range(1, 6), weights=LIKERT_WEIGHTS)[0])
        elif question.key == "intention":
            answers[question.key] = rng.choices(
                [k for k, _ in INTENTIONS], weights=[w for _, w in INTENTIONS]
            )[0]
        elif question.key == "eu_experience":
            answers[question.key] = rng.choices(
                [k for k, _ in EXPERIENCE], weights=[w for _, w in EXPERIENCE]
            )[0]
        elif question.key == "policy_areas":
            answers[question.key] = rng.sample(POLICY_AREAS, k=1 + n % 3)
        elif question.kind in ("single", "multiple"):
            first = question.choices()[0].value
            answers[question.key] = [first] if question.kind == "multiple" else first
        elif question.kind == "text" and n % 2 == 0:
            answers[question.key] = COMMENTS[n % len(COMMENTS)]
    return answers


def answer_demo_surveys(seed: int = 2010) -> dict[str, int]:
    rng = random.Random(seed)
    result = {"surveys": 0, "answers": 0, "already": 0}
    activities = db.session.execute(
        db.select(Activity, Module.course_id)
        .join(Module, Module.id == Activity.module_id)
        .where(Activity.type_key == "survey", Activity.archived.is_(False))
        .order_by(Activity.id)
    ).all()
    for activity, course_id in activities:
        survey = survey_for(activity)
        learners = (
            db.session.execute(
                db.select(User.id)
                .join(Enrolment, Enrolment.user_id == User.id)
                .where(
                    Enrolment.course_id == course_id,
                    User.role == "learner",
                    User.email.like("%@example.org"),
                    User.deleted_at.is_(None),
                )
                .order_by(User.id)
            )
            .scalars()
            .all()
        )
        if learners:
            result["surveys"] += 1
        # Most, not all, answer: a realistic response rate (the last quarter does not).
        for n, user_id in enumerate(learners[: max(1, len(learners) * 3 // 4)]):
            if has_responded(survey, user_id):
                result["already"] += 1
                continue
            if submit_response(survey, activity, user_id, _answers(survey, rng, n)):
                result["answers"] += 1
    return result
