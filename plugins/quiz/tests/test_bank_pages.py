"""The question bank in the browser: categories, the editor of every type with per-answer and
general feedback, versions, tags, preview, GIFT and Aiken import with a preview, export."""

from __future__ import annotations

import io

import pytest

from nttlearn import db
from nttlearn_quiz.gift import parse_gift
from nttlearn_quiz.models import Category, Question, QuestionVersion
from nttlearn_quiz.questions import category_path

GIFT = """$CATEGORY: $course$/top/Networks/Funding

::Programme::Which EU programme funds town-twinning networks today?{
=CERV#Right.
~Erasmus+#Erasmus+ funds education.
####CERV continues Europe for Citizens.
}

::Essay one::Describe a need of your town.{}
"""


@pytest.fixture
def trainer_course(make_user, make_course):
    trainer = make_user(role="trainer")
    return trainer, make_course(modules=1, lessons=1, trainer=trainer)


def questions(course_id):
    db.session.expire_all()
    return {
        q.name: q
        for q in db.session.execute(
            db.select(Question).where(Question.course_id == course_id)
        ).scalars()
    }


def test_import_shows_a_preview_then_imports_into_the_files_categories(trainer_course, client_for):
    trainer, course = trainer_course
    browser = client_for(trainer)

    preview = browser.post(
        f"/quiz/course/{course.id}/import",
        data={"format": "gift", "text": GIFT, "category": "Imported"},
    )
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "2 questions will be imported" in html and "Programme" in html
    assert questions(course.id) == {}

    done = browser.post(
        f"/quiz/course/{course.id}/import",
        data={"format": "gift", "text": GIFT, "category": "Imported", "confirm": "1"},
    )
    assert done.status_code == 302
    assert set(questions(course.id)) == {"Programme", "Essay one"}
    paths = set(
        db.session.execute(
            db.select(Category.path).where(Category.course_id == course.id)
        ).scalars()
    )
    assert paths == {"Networks", "Networks/Funding"}


def test_import_with_errors_shows_them_with_line_numbers_and_imports_nothing(
    trainer_course, client_for
):
    trainer, course = trainer_course
    broken = GIFT + "\n::Bad::Pick one{=a ~b\n\n::Worse::No answer gives marks{~a ~b}\n"

    response = client_for(trainer).post(
        f"/quiz/course/{course.id}/import",
        data={"format": "gift", "text": broken, "category": "Imported", "confirm": "1"},
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "line 11: The answer block has no closing" in html
    assert "line 13:" in html
    assert questions(course.id) == {}


def test_a_file_with_more_questions_than_the_limit_is_refused_with_a_clear_message(
    trainer_course, client_for, monkeypatch
):
    trainer, course = trainer_course
    monkeypatch.setenv("NTTLEARN_QUIZ_GIFT_MAX_QUESTIONS", "2")
    many = "\n\n".join(f"::Q{n}::Question {n}{{T}}" for n in range(1, 6))

    response = client_for(trainer).post(
        f"/quiz/course/{course.id}/import",
        data={"format": "gift", "text": many, "category": "Imported", "confirm": "1"},
    )

    assert response.status_code == 422
    assert (
        "The file has more than 2 questions, the most one import takes: split it into several files"
        in response.get_data(as_text=True)
    )
    assert questions(course.id) == {}


def test_a_gift_file_can_be_uploaded(trainer_course, client_for):
    trainer, course = trainer_course
    data = {
        "format": "gift",
        "category": "Imported",
        "confirm": "1",
        "file": (io.BytesIO(("\ufeff" + GIFT).replace("\n", "\r\n").encode()), "bank.gift"),
    }
    response = client_for(trainer).post(
        f"/quiz/course/{course.id}/import", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    assert set(questions(course.id)) == {"Programme", "Essay one"}


def test_aiken_import(trainer_course, client_for):
    trainer, course = trainer_course
    aiken = "Who coordinated NTT+?\nA) SERN\nB) Eurocities\nANSWER: A\n"
    response = client_for(trainer).post(
        f"/quiz/course/{course.id}/import",
        data={"format": "aiken", "text": aiken, "category": "Aiken", "confirm": "1"},
    )
    assert response.status_code == 302
    [question] = questions(course.id).values()
    assert question.qtype == "multichoice"


def test_export_then_import_gives_the_same_questions(trainer_course, client_for, make_course):
    trainer, course = trainer_course
    browser = client_for(trainer)
    browser.post(
        f"/quiz/course/{course.id}/import",
        data={"format": "gift", "text": GIFT, "category": "X", "confirm": "1"},
    )

    exported = browser.get(f"/quiz/course/{course.id}/export.gift")

    assert exported.status_code == 200
    text = exported.get_data(as_text=True)
    again = parse_gift(text)
    assert again.errors == []

    def same(question):  # "$course$/top/Networks/Funding" and "Networks/Funding" are one category
        return {**question.to_json(), "category": category_path(question.category or "")}

    assert [same(q) for q in again.questions] == [same(q) for q in parse_gift(GIFT).questions]


NEW_QUESTIONS = {
    "multichoice": {
        "answers-0-text": "CERV",
        "answers-0-fraction": "100",
        "answers-0-feedback": "Right.",
        "answers-1-text": "Horizon",
        "answers-1-fraction": "0",
        "answers-1-feedback": "Research.",
    },
    "truefalse": {"correct": "false", "true_feedback": "No.", "false_feedback": "Yes."},
    "shortanswer": {
        "answers-0-text": "SERN",
        "answers-0-fraction": "100",
        "answers-0-feedback": "Yes.",
        "case_sensitive": "y",
    },
    "numerical": {
        "numbers-0-value": "69",
        "numbers-0-tolerance": "1",
        "numbers-0-fraction": "100",
        "numbers-0-feedback": "Close enough.",
        "other_feedback": "69 participants came.",
    },
    "matching": {
        "pairs-0-question": "Bologna",
        "pairs-0-answer": "Italy",
        "pairs-1-question": "Luleå",
        "pairs-1-answer": "Sweden",
        "pairs-2-question": "",
        "pairs-2-answer": "France",
    },
    "essay": {"rubric": "Two needs, one source each."},
    "description": {},
}


@pytest.mark.parametrize("key", sorted(NEW_QUESTIONS))
def test_every_type_can_be_written_in_the_editor_and_previewed(trainer_course, client_for, key):
    trainer, course = trainer_course
    browser = client_for(trainer)
    assert browser.get(f"/quiz/course/{course.id}/questions/new").status_code == 200
    form_page = browser.get(f"/quiz/course/{course.id}/questions/new?type={key}")
    assert form_page.status_code == 200
    category = db.session.execute(
        db.select(Category).where(Category.course_id == course.id)
    ).scalar_one()

    response = browser.post(
        f"/quiz/course/{course.id}/questions/new?type={key}",
        data={
            "category": category.id,
            "name": f"A {key}",
            "text": "Which one?",
            "format": "moodle",
            "general_feedback": "Seen by all.",
            "tags": "policy, 2010",
            **NEW_QUESTIONS[key],
        },
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    question = questions(course.id)[f"A {key}"]
    data = db.session.execute(
        db.select(QuestionVersion.data).where(QuestionVersion.question_id == question.id)
    ).scalar_one()
    assert data["type"] == key
    if key != "description":
        assert data["general_feedback"] == "Seen by all."
    preview = browser.get(response.headers["Location"])
    assert preview.status_code == 200
    assert "Which one?" in preview.get_data(as_text=True)
    edit = browser.get(f"/quiz/course/{course.id}/questions/{question.id}/edit")
    assert edit.status_code == 200


def test_editor_shows_per_answer_feedback_and_keeps_it(trainer_course, client_for):
    trainer, course = trainer_course
    browser = client_for(trainer)
    browser.post(
        f"/quiz/course/{course.id}/import",
        data={"format": "gift", "text": GIFT, "category": "X", "confirm": "1"},
    )
    question = questions(course.id)["Programme"]

    html = browser.get(f"/quiz/course/{course.id}/questions/{question.id}/edit").get_data(
        as_text=True
    )

    assert "Erasmus+ funds education." in html
    assert "CERV continues Europe for Citizens." in html


def test_preview_grades_an_answer_and_shows_its_feedback(trainer_course, client_for):
    trainer, course = trainer_course
    browser = client_for(trainer)
    browser.post(
        f"/quiz/course/{course.id}/import",
        data={"format": "gift", "text": GIFT, "category": "X", "confirm": "1"},
    )
    question = questions(course.id)["Programme"]
    url = f"/quiz/course/{course.id}/questions/{question.id}/preview"
    page = browser.get(url).get_data(as_text=True)
    import re

    erasmus = re.search(r'name="q1" value="(\d)"[^>]*>\s*<span>Erasmus\+</span>', page)[1]

    html = browser.post(url, data={"q1": erasmus}).get_data(as_text=True)

    assert "Mark 0 out of 1" in html
    assert "Erasmus+ funds education." in html
    assert "The right answer is: CERV" in html


def test_categories_can_be_added_renamed_and_deleted_when_empty(trainer_course, client_for):
    trainer, course = trainer_course
    browser = client_for(trainer)
    browser.post(f"/quiz/course/{course.id}/categories", data={"name": "Policy", "parent": 0})
    policy = db.session.execute(
        db.select(Category).filter_by(course_id=course.id, path="Policy")
    ).scalar_one()
    browser.post(
        f"/quiz/course/{course.id}/categories", data={"name": "Youth", "parent": policy.id}
    )

    browser.post(
        f"/quiz/course/{course.id}/categories/{policy.id}",
        data={"action": "rename", "name": "EU policy"},
    )
    db.session.expire_all()
    paths = set(
        db.session.execute(
            db.select(Category.path).where(Category.course_id == course.id)
        ).scalars()
    )
    assert paths == {"EU policy", "EU policy/Youth"}

    refused = browser.post(
        f"/quiz/course/{course.id}/categories/{policy.id}",
        data={"action": "delete"},
        follow_redirects=True,
    )
    assert "Only an empty category can be deleted" in refused.get_data(as_text=True)
    bank = browser.get(f"/quiz/course/{course.id}/bank").get_data(as_text=True)
    assert "EU policy" in bank and "Youth" in bank


def test_tags_filter_the_bank(trainer_course, client_for):
    trainer, course = trainer_course
    browser = client_for(trainer)
    browser.post(
        f"/quiz/course/{course.id}/import",
        data={"format": "gift", "text": GIFT, "category": "X", "confirm": "1"},
    )
    question = questions(course.id)["Programme"]
    edit_url = f"/quiz/course/{course.id}/questions/{question.id}/edit"
    form = {
        "category": question.category_id,
        "name": "Programme",
        "format": "moodle",
        "text": "Which EU programme funds town-twinning networks today?",
        "tags": "funding",
        "answers-0-text": "CERV",
        "answers-0-fraction": "100",
        "answers-0-feedback": "Right.",
        "answers-1-text": "Erasmus+",
        "answers-1-fraction": "0",
        "answers-1-feedback": "Erasmus+ funds education.",
        "general_feedback": "CERV continues Europe for Citizens.",
    }
    assert browser.post(edit_url, data=form).status_code == 302

    html = browser.get(f"/quiz/course/{course.id}/bank?tag=funding").get_data(as_text=True)

    assert "Programme" in html and "Essay one" not in html
