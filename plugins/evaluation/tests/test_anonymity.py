"""Answers to an anonymous survey cannot be linked to a person: not in the database, not on any
page, not in any export. Three learners answer, each with a comment only they would write."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import inspect

from nttlearn import db
from nttlearn.auth.services import export_user_data
from nttlearn_evaluation.models import SurveyRespondent, SurveyResponse
from nttlearn_evaluation.settings import ANONYMOUS_MIN_RESPONSES

ANSWERS = {
    # submitted in this order; their comments sort the other way round
    "Zoe": {
        "relevance": "1",
        "clarity": "2",
        "methodology": "2",
        "intention": "no",
        "comments": "A) Zoe: too long",
    },
    "Yann": {
        "relevance": "5",
        "clarity": "5",
        "methodology": "5",
        "intention": "yes",
        "comments": "B) Yann: excellent",
    },
    "Xena": {
        "relevance": "3",
        "clarity": "4",
        "methodology": "4",
        "intention": "later",
        "comments": "C) Xena: fine",
    },
}


@pytest.fixture
def answered(data, client_for):
    trainer = data.person("Tina", role="trainer")
    course = data.course(
        "Designing a network",
        modules=1,
        lessons=1,
        trainer=trainer,
        activities=[(0, "survey", False)],
    )
    activity = data.activity(course, "survey")
    people = {}
    for name, answers in ANSWERS.items():
        person = data.person(name, f"Municipality of {name}", "IT")
        data.enrol(person, course, data.ago(3))
        data.commit()
        assert (
            client_for(person).post(f"/evaluation/surveys/{activity.id}", data=answers).status_code
            == 302
        )
        people[name] = person
    return {"course": course, "activity": activity, "trainer": trainer, "people": people}


def test_anonymous_answers_are_stored_without_person_or_time(answered):
    responses = db.session.execute(db.select(SurveyResponse)).scalars().all()
    respondents = db.session.execute(db.select(SurveyRespondent)).scalars().all()

    assert len(responses) == 3 and all(
        r.user_id is None and r.submitted_at is None for r in responses
    )
    assert {r.user_id for r in respondents} == {p.id for p in answered["people"].values()}
    # A respondent row holds nothing but the survey and the person: no id, no time to pair it with.
    assert {c.key for c in inspect(SurveyRespondent).columns} == {"survey_id", "user_id"}
    assert all(len(r.id) == 32 for r in responses)  # random ids: their order says nothing


def test_results_page_lists_comments_in_text_order_without_names(answered, client_for):
    course, activity = answered["course"], answered["activity"]
    page = (
        client_for(answered["trainer"])
        .get(f"/reports/courses/{course.id}/surveys/{activity.id}")
        .get_data(as_text=True)
    )

    assert (
        page.index("A) Zoe") < page.index("B) Yann") < page.index("C) Xena")
    )  # not the order of answering
    for person in answered["people"].values():
        assert f"Municipality of {person.name}" not in page
        assert person.email not in page


def test_exports_of_results_and_comments_name_nobody(answered, client_for):
    course, activity = answered["course"], answered["activity"]
    browser = client_for(answered["trainer"])
    comments = browser.get(
        f"/reports/courses/{course.id}/surveys/{activity.id}/comments.csv"
    ).data.decode("utf-8-sig")
    results = browser.get(
        f"/reports/courses/{course.id}/surveys/{activity.id}/results.csv"
    ).data.decode("utf-8-sig")

    assert comments.splitlines() == [
        "question,question_text,comment",
        "comments,What should we keep or change in this course?,A) Zoe: too long",
        "comments,What should we keep or change in this course?,B) Yann: excellent",
        "comments,What should we keep or change in this course?,C) Xena: fine",
    ]
    for person in answered["people"].values():
        assert person.email not in results and f"Municipality of {person.name}" not in results


def test_timelines_and_personal_data_exports_do_not_carry_the_answers(answered, client_for):
    course, activity = answered["course"], answered["activity"]
    zoe = answered["people"]["Zoe"]
    trainer_view = (
        client_for(answered["trainer"])
        .get(f"/reports/courses/{course.id}/learners/{zoe.id}")
        .get_data(as_text=True)
    )
    own_view = client_for(zoe).get("/reports/me").get_data(as_text=True)
    own_csv = client_for(zoe).get("/reports/me/timeline.csv").data.decode("utf-8-sig")
    export = json.dumps(export_user_data(zoe), ensure_ascii=False)
    survey_page = client_for(zoe).get(f"/evaluation/surveys/{activity.id}").get_data(as_text=True)

    for text in (trainer_view, own_view, own_csv, export, survey_page):
        assert "too long" not in text
    assert '"anonymous": true' in export  # she can see that she answered, not what


def test_results_are_withheld_until_enough_people_answered(data, client_for):
    trainer = data.person("Tina", role="trainer")
    course = data.course(
        "Small course", modules=1, lessons=1, trainer=trainer, activities=[(0, "survey", False)]
    )
    activity = data.activity(course, "survey")
    learners = []
    for name in ("Ann", "Ben"):
        person = data.person(name)
        data.enrol(person, course, data.ago(1))
        learners.append(person)
    data.commit()
    for person in learners:
        client_for(person).post(
            f"/evaluation/surveys/{activity.id}",
            data=ANSWERS["Zoe"] | {"comments": f"by {person.name}"},
        )
    browser = client_for(trainer)

    page = browser.get(f"/reports/courses/{course.id}/surveys/{activity.id}").get_data(as_text=True)
    csv = browser.get(f"/reports/courses/{course.id}/surveys/{activity.id}/comments.csv")

    assert ANONYMOUS_MIN_RESPONSES.default == 3
    assert "appear once at least 3 people have answered" in page
    assert "by Ann" not in page and "by Ben" not in page
    assert csv.status_code == 403


def test_deleting_an_account_keeps_anonymous_answers_and_removes_named_texts(data, client_for):
    from evaluation_testdata import delete_account

    from nttlearn_evaluation.definitions import import_definition
    from nttlearn_evaluation.models import SurveyAnswer

    course = data.course(
        "Course", modules=1, lessons=1, activities=[(0, "survey", False), (0, "survey", False)]
    )
    from nttlearn.models import Activity, Module

    anonymous, named = (
        db.session.execute(
            db.select(Activity)
            .join(Module)
            .where(Module.course_id == course.id)
            .order_by(Activity.id)
        )
        .scalars()
        .all()
    )
    import_definition(named, {"template": "end-of-course", "anonymous": False}, None)
    person = data.person("Dana")
    data.enrol(person, course, data.ago(1))
    data.commit()
    browser = client_for(person)
    browser.post(f"/evaluation/surveys/{anonymous.id}", data=ANSWERS["Yann"])
    browser.post(f"/evaluation/surveys/{named.id}", data=ANSWERS["Xena"])

    delete_account(person)

    texts = (
        db.session.execute(db.select(SurveyAnswer.text).where(SurveyAnswer.text.is_not(None)))
        .scalars()
        .all()
    )
    assert texts == ["B) Yann: excellent"]  # the anonymous comment stays; the named one is gone
    assert (
        db.session.scalar(
            db.select(db.func.count())
            .select_from(SurveyResponse)
            .where(SurveyResponse.user_id.is_not(None))
        )
        == 0
    )
    assert db.session.scalar(db.select(db.func.count()).select_from(SurveyResponse)) == 2
