"""Learners answer a translated quiz in their language: the attempt, its review and feedback show
the question in it, and grades, attempts and item analysis do not depend on it."""

from __future__ import annotations

import html as html_lib
import shutil
from types import SimpleNamespace
from typing import Any

import pytest
from quiz_helpers import answers, attempt_row, enrol, start

from nttlearn import db
from nttlearn.models import Activity, Module
from nttlearn.testing import repo_root
from nttlearn_quiz.activity import import_definition
from nttlearn_quiz.analysis import item_analysis
from nttlearn_quiz.grades import regrade
from nttlearn_quiz.grading import Matching
from nttlearn_quiz.models import QuestionVersion, Quiz

ENGLISH = """$CATEGORY: Networks

::Coordinator::Which organisation coordinated NTT+?{
=SERN#Right.
~Eurocities#No, SERN did.
~CEMR#No, SERN did.
####SERN is the Sweden-Emilia-Romagna Network.
}

::Year::NTT+ ran in 2010.{T#Check the dates.#Yes, from January to November.}

::Capital::Which city hosts the European Commission?{
=Brussels#Right, Brussels.
=%50%Luxembourg#Half marks, some services are there.
}

::Partners::How many countries took part?{#4:0#Right, four countries.}

::Phases::Match each phase with what happens in it.{
=Identification -> You test the idea
=Formulation -> You design the project
=Implementation -> You run the events
=-> You audit the accounts
}
"""

ITALIAN = """$CATEGORY: Networks

::Coordinator::Quale organizzazione ha coordinato NTT+?{
=SERN#Giusto.
~Eurocities#No, è stata la SERN.
~CEMR#No, è stata la SERN.
####SERN è la rete Svezia-Emilia-Romagna.
}

::Year::NTT+ si è svolto nel 2010.{T#Controllate le date.#Sì, da gennaio a novembre.}

::Capital::Quale città ospita la Commissione europea?{
=Bruxelles#Giusto, Bruxelles.
=%50%Lussemburgo#Metà punteggio, alcuni servizi sono lì.
}

::Partners::Quanti paesi hanno partecipato?{#4:0#Giusto, quattro paesi.}

::Phases::Abbinate ogni fase a ciò che vi avviene.{
=Identificazione -> Si verifica l'idea
=Formulazione -> Si progetta il lavoro
=Attuazione -> Si realizzano gli eventi
=-> Si verificano i conti
}
"""

SPANISH_CAPITAL = """::Capital::¿Qué ciudad acoge la Comisión Europea?{
=Bruselas#Correcto, Bruselas.
=%50%Luxemburgo#La mitad, algunos servicios están allí.
}"""


def spanish() -> str:
    """The English file with only the short-answer question translated (the others read English)."""
    start_at = ENGLISH.index("::Capital::")
    return ENGLISH[:start_at] + SPANISH_CAPITAL + ENGLISH[ENGLISH.index("\n\n::Partners::") :]


REVIEW_ALL = {"marks": "immediately", "feedback": "immediately", "correct_answers": "immediately"}


@pytest.fixture
def translated_quiz(app, make_course, make_user, tmp_path):
    """A course with one quiz in English, Italian and (for its short answer) Spanish."""
    trainer = make_user(role="trainer")
    course = make_course(modules=1, lessons=1, trainer=trainer, activities=[(0, "quiz", True)])
    activity = db.session.execute(
        db.select(Activity)
        .join(Module)
        .where(Module.course_id == course.id, Activity.type_key == "quiz")
    ).scalar_one()
    folder = tmp_path / "module"
    folder.mkdir()
    (folder / "quiz.gift").write_text(ENGLISH, encoding="utf-8")
    (folder / "quiz.it.gift").write_text(ITALIAN, encoding="utf-8")
    (folder / "quiz.es.gift").write_text(spanish(), encoding="utf-8")
    import_definition(
        activity, {"file": "quiz.gift", "review": REVIEW_ALL, "shuffle_answers": True}, folder
    )
    db.session.commit()
    return SimpleNamespace(
        course=course, activity=activity, trainer=trainer, quiz=db.session.get(Quiz, activity.id)
    )


def questions_of(attempt_id: int) -> dict[str, tuple[Any, dict[str, Any]]]:
    """Question name -> (its answer row, its English JSON)."""
    rows = answers(attempt_id)
    data = dict(
        db.session.execute(
            db.select(QuestionVersion.id, QuestionVersion.data).where(
                QuestionVersion.id.in_([a.question_version_id for a in rows.values()])
            )
        ).all()
    )
    return {
        data[a.question_version_id]["name"]: (a, data[a.question_version_id]) for a in rows.values()
    }


def the_same_answers(attempt_id: int, capital: str) -> dict[str, str]:
    """A form answering every question the same way whatever the language: the right coordinator,
    TRUE, ``capital`` typed, 5 countries (wrong), and the phases with the first two swapped."""
    form: dict[str, str] = {}
    for name, (answer, data) in questions_of(attempt_id).items():
        n = answer.slot_number
        form[f"seq-{n}"] = str(answer.sequence)
        order = answer.choice_order
        if name == "Coordinator":
            form[f"q{n}"] = str(order.index(0))
        elif name == "Year":
            form[f"q{n}"] = "true"
        elif name == "Capital":
            form[f"q{n}"] = capital
        elif name == "Partners":
            form[f"q{n}"] = "5"
        elif name == "Phases":
            choices = Matching.choices(data)
            picked = [p["answer"] for p in data["pairs"]]
            picked[0], picked[1] = picked[1], picked[0]
            for index, pair in enumerate(data["pairs"]):
                if pair["question"]:
                    form[f"q{n}-{index}"] = str(order.index(choices.index(picked[index])))
    return form


def take(client, made, capital: str) -> tuple[int, str]:
    """Start an attempt, answer it with `the_same_answers` and submit: (attempt id, review page)."""
    attempt_id, _page = start(client, made.activity.id)
    response = client.post(
        f"/quiz/attempt/{attempt_id}/submit", data=the_same_answers(attempt_id, capital)
    )
    assert response.status_code == 302
    review = client.get(f"/quiz/attempt/{attempt_id}/review")
    assert review.status_code == 200
    return attempt_id, html_lib.unescape(review.get_data(as_text=True))


def fractions(attempt_id: int) -> dict[str, float | None]:
    return {name: answer.fraction for name, (answer, _data) in questions_of(attempt_id).items()}


def test_an_italian_learner_answers_in_italian_and_is_graded_as_an_english_learner(
    translated_quiz, make_user, client_for
):
    italian, english = make_user(locale="it"), make_user(locale="en")
    for learner in (italian, english):
        enrol(learner, translated_quiz.course)

    italian_id, page = start(client_for(italian), translated_quiz.activity.id)
    page = html_lib.unescape(page)
    assert "Quale organizzazione ha coordinato NTT+?" in page
    assert "Si progetta il lavoro" in page and "Identificazione" in page
    assert (
        "Which organisation coordinated NTT+?" not in page and "You design the project" not in page
    )
    italian_id, italian_review = take(client_for(italian), translated_quiz, "Lussemburgo")
    english_id, english_review = take(client_for(english), translated_quiz, "Luxembourg")

    assert attempt_row(italian_id).locale == "it" and attempt_row(english_id).locale == "en"
    assert (
        fractions(italian_id)
        == fractions(english_id)
        == {
            "Coordinator": 1.0,
            "Year": 1.0,
            "Capital": 0.5,
            "Partners": 0.0,
            "Phases": pytest.approx(1 / 3),
        }
    )
    assert attempt_row(italian_id).percent == attempt_row(english_id).percent
    # Feedback, general feedback and right answers in the learner's language.
    assert "Giusto." in italian_review and "SERN è la rete Svezia-Emilia-Romagna." in italian_review
    assert "Metà punteggio, alcuni servizi sono lì." in italian_review
    assert "Sì, da gennaio a novembre." in italian_review
    assert (
        "Risposta giusta: Si progetta il lavoro" in italian_review
    )  # the interface is Italian too
    assert (
        "You design the project" not in italian_review and "Right, Brussels" not in italian_review
    )
    assert "Right answer: You design the project" in english_review


def test_the_attempt_stays_in_the_language_it_was_started_in(
    translated_quiz, make_user, client_for
):
    learner = make_user(locale="it")
    enrol(learner, translated_quiz.course)
    browser = client_for(learner)
    attempt_id, _page = start(browser, translated_quiz.activity.id)
    learner.locale = "en"
    db.session.commit()

    page = html_lib.unescape(browser.get(f"/quiz/attempt/{attempt_id}").get_data(as_text=True))

    assert "Quale organizzazione ha coordinato NTT+?" in page


def test_a_spanish_short_answer_is_accepted_from_a_spanish_learner_with_the_english_one(
    translated_quiz, make_user, client_for
):
    learners = {
        name: make_user(locale=locale)
        for name, locale in (
            ("spanish", "es"),
            ("spanish in english", "es"),
            ("english", "en"),
            ("italian", "it"),
        )
    }
    for learner in learners.values():
        enrol(learner, translated_quiz.course)

    spanish_id, review = take(client_for(learners["spanish"]), translated_quiz, "  bruselas ")
    english_typed_id, _ = take(
        client_for(learners["spanish in english"]), translated_quiz, "Brussels"
    )
    english_id, _ = take(client_for(learners["english"]), translated_quiz, "Bruselas")
    italian_id, _ = take(client_for(learners["italian"]), translated_quiz, "Bruselas")

    assert fractions(spanish_id)["Capital"] == 1.0
    assert "Correcto, Bruselas." in review
    assert fractions(english_typed_id)["Capital"] == 1.0
    assert fractions(english_id)["Capital"] == 0.0  # English and the learner's own language only
    assert fractions(italian_id)["Capital"] == 0.0
    # Untranslated texts of a partly translated quiz read English.
    assert "Which organisation coordinated NTT+?" in review


def test_a_regrade_still_accepts_the_short_answer_of_the_attempts_language(
    translated_quiz, make_user, client_for
):
    learner = make_user(locale="es")
    enrol(learner, translated_quiz.course)
    attempt_id, _ = take(client_for(learner), translated_quiz, "Luxemburgo")

    report = regrade(db.session.get(Quiz, translated_quiz.activity.id))
    db.session.commit()

    assert report.changed == []
    assert fractions(attempt_id)["Capital"] == 0.5


def test_item_analysis_pools_the_languages_and_breaks_the_attempts_down_by_language(
    translated_quiz, make_user, client_for
):
    people = [("it", "Lussemburgo"), ("it", "Bruxelles"), ("en", "Brussels"), ("es", "Bruselas")]
    for locale, capital in people:
        learner = make_user(locale=locale)
        enrol(learner, translated_quiz.course)
        take(client_for(learner), translated_quiz, capital)

    analysis = item_analysis(db.session.get(Quiz, translated_quiz.activity.id))
    page = client_for(translated_quiz.trainer).get(
        f"/quiz/{translated_quiz.activity.id}/statistics"
    )

    assert analysis.stats.attempts == 4
    capital = next(n for n, q in enumerate(analysis.questions) if q.label == "Capital")
    assert analysis.questions[capital].facility == pytest.approx(100 * 3.5 / 4)
    coordinator = next(q for q in analysis.questions if q.label == "Coordinator")
    assert dict(coordinator.answers) == {"SERN": 4, "Eurocities": 0, "CEMR": 0}
    rows = {r.locale: r for r in analysis.languages}
    assert [(r.locale, r.attempts) for r in analysis.languages] == [("en", 1), ("it", 2), ("es", 1)]
    assert rows["it"].facility[capital] == pytest.approx(75.0)
    assert rows["en"].facility[capital] == pytest.approx(100.0)
    assert analysis.to_json()["languages"][1]["attempts"] == 2
    text = html_lib.unescape(page.get_data(as_text=True))
    assert page.status_code == 200
    assert "By language" in text and "Italiano" in text and "Facility by language" in text


# -- the shipped course --------------------------------------------------------------------------------
def test_an_italian_learner_takes_a_shipped_quiz_in_italian(app, make_user, client_for, tmp_path):
    from nttlearn.content.importer import commit_import, import_package
    from nttlearn.models import Course
    from nttlearn.plugins import host

    package = tmp_path / "designing-twinned-town-networks"
    shutil.copytree(repo_root() / "courses" / "designing-twinned-town-networks", package)
    import_package(package, host().all_activity_types())
    commit_import()
    course = db.session.execute(db.select(Course)).scalar_one()
    activity = db.session.execute(
        db.select(Activity)
        .join(Module)
        .where(
            Module.course_id == course.id,
            Module.key == "project-cycle",
            Activity.type_key == "quiz",
        )
    ).scalar_one()
    learner = make_user(locale="it")
    enrol(learner, course)

    _attempt_id, page = start(client_for(learner), activity.id)

    page = html_lib.unescape(page)
    assert "Quale descrizione corrisponde meglio a una rete di città gemellate?" in page
    assert "Un gruppo di sindaci che firmano una carta di amicizia" in page
    assert (
        "Programmazione" in page
        and "Il finanziatore e il comune stabiliscono le proprie priorità" in page
    )
    assert "Which description best fits a network of twinned towns?" not in page
