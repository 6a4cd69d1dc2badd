"""Trainers see their learners' progress, download it, enrol and unenrol people; trainers of
other courses cannot."""

from __future__ import annotations

import csv
import io

import pytest

from nttlearn.extensions import db
from nttlearn.learn.services import complete_lesson
from nttlearn.learn.structure import course_outline
from nttlearn.models import Enrolment, Lesson, LessonCompletion
from nttlearn.testing import login


@pytest.fixture
def taught(app, make_user, make_course):
    """A course of four lessons with its trainer and two learners, one halfway through."""
    trainer = make_user(role="trainer", name="Paolo Trainer")
    course = make_course(modules=2, lessons=2, trainer=trainer)
    halfway = make_user(
        name="Marco Bianchi", email="marco@example.org", org="Comune di Ferrara", country="IT"
    )
    starting = make_user(
        name="Aino Virtanen", email="aino@example.org", org="Helsingin kaupunki", country="FI"
    )
    for learner in (halfway, starting):
        db.session.add(Enrolment(user_id=learner.id, course_id=course.id, cohort="NTT+ 2010"))
    db.session.commit()
    for lesson in course_outline(course, None).ordered_lessons()[:2]:
        complete_lesson(halfway.id, db.session.get(Lesson, lesson.id))
    db.session.commit()
    return {"trainer": trainer, "course": course, "halfway": halfway, "starting": starting}


def as_user(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def enrolled_emails(course) -> list[str]:
    from nttlearn.models import User

    return sorted(
        db.session.execute(
            db.select(User.email)
            .join(Enrolment, Enrolment.user_id == User.id)
            .where(Enrolment.course_id == course.id)
        ).scalars()
    )


def test_progress_report_shows_each_learner_with_organisation_and_percentage(app, taught):
    page = text(
        as_user(app, taught["trainer"]).get(f"/teach/courses/{taught['course'].id}/progress")
    )

    marco = page[page.index("Marco Bianchi") :]
    marco = marco[: marco.index("</tr>")]
    aino = page[page.index("Aino Virtanen") :]
    aino = aino[: aino.index("</tr>")]
    assert (
        "marco@example.org" in marco
        and "Comune di Ferrara" in marco
        and "50%" in marco
        and "(2/4)" in marco
    )
    assert "Helsingin kaupunki" in aino and "0%" in aino and "NTT+ 2010" in aino
    assert page.index("Aino Virtanen") < page.index("Marco Bianchi")  # by name


def test_progress_csv_has_a_bom_a_header_and_a_row_per_learner(app, taught):
    response = as_user(app, taught["trainer"]).get(
        f"/teach/courses/{taught['course'].id}/progress.csv"
    )

    body = text(response)
    assert response.mimetype == "text/csv"
    slug = taught["course"].slug
    assert response.headers["Content-Disposition"] == f'attachment; filename="{slug}-progress.csv"'
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body[1:])))
    assert [
        (
            r["name"],
            r["email"],
            r["organisation"],
            r["country"],
            r["done"],
            r["total"],
            r["percent"],
        )
        for r in rows
    ] == [
        ("Aino Virtanen", "aino@example.org", "Helsingin kaupunki", "FI", "0", "4", "0"),
        ("Marco Bianchi", "marco@example.org", "Comune di Ferrara", "IT", "2", "4", "50"),
    ]


@pytest.mark.parametrize(
    "formula",
    [
        '=HYPERLINK("http://evil.example","click")',
        "+1+1",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "  =1+1",
        "\uff1d1+1",
    ],
)
def test_progress_csv_neutralises_formulas_in_every_text_column(
    app, make_user, make_course, formula
):
    trainer = make_user(role="trainer")
    course = make_course(trainer=trainer)
    learner = make_user(
        name=formula, email=f"{formula.strip()[:2]}x@example.org", org=formula, country="IT"
    )
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id, cohort=formula))
    db.session.commit()

    body = text(as_user(app, trainer).get(f"/teach/courses/{course.id}/progress.csv"))

    (row,) = list(csv.DictReader(io.StringIO(body[1:])))
    for column in ("name", "organisation", "cohort"):
        assert row[column] == "'" + formula
    assert row["email"].startswith("'")


def test_enrol_by_e_mail_enrols_each_person_once_with_the_cohort(app, taught, make_user):
    first = make_user(email="lucia@example.org")
    second = make_user(email="xoan@example.org")
    course = taught["course"]

    response = as_user(app, taught["trainer"]).post(
        f"/teach/courses/{course.id}/enrol",
        data={
            "emails": "Lucia@Example.org, xoan@example.org\nlucia@example.org",
            "cohort": " Spring 2011 ",
        },
        follow_redirects=True,
    )

    assert "2 people enrolled." in text(response)
    assert {first.email, second.email} <= set(enrolled_emails(course))
    cohorts = set(
        db.session.execute(
            db.select(Enrolment.cohort).where(Enrolment.user_id.in_([first.id, second.id]))
        ).scalars()
    )
    assert cohorts == {"Spring 2011"}


def test_enrol_by_e_mail_with_an_unknown_address_enrols_nobody_and_says_who(app, taught, make_user):
    make_user(email="lucia@example.org")
    before = enrolled_emails(taught["course"])

    response = as_user(app, taught["trainer"]).post(
        f"/teach/courses/{taught['course'].id}/enrol",
        data={"emails": "lucia@example.org nobody@example.org"},
        follow_redirects=True,
    )

    assert "No account for: nobody@example.org. Nobody was enrolled." in text(response)
    assert enrolled_emails(taught["course"]) == before


def test_enrol_with_no_address_asks_for_one(app, taught):
    response = as_user(app, taught["trainer"]).post(
        f"/teach/courses/{taught['course'].id}/enrol", data={"emails": ""}, follow_redirects=True
    )

    assert "Enter at least one e-mail address." in text(response)


def test_trainers_can_enrol_people_in_a_course_closed_to_self_enrolment(
    app, make_user, make_course
):
    trainer = make_user(role="trainer")
    course = make_course(trainer=trainer, self_enrolment=False)
    learner = make_user(email="invited@example.org")

    as_user(app, trainer).post(
        f"/teach/courses/{course.id}/enrol", data={"emails": "invited@example.org"}
    )

    assert enrolled_emails(course) == [learner.email]


def test_unenrol_removes_the_enrolment_but_keeps_the_progress(app, taught):
    course, halfway = taught["course"], taught["halfway"]

    response = as_user(app, taught["trainer"]).post(
        f"/teach/courses/{course.id}/learners/{halfway.id}/unenrol",
        data={"confirmed": "1"},
        follow_redirects=True,
    )

    assert "Marco Bianchi has been unenrolled." in text(response)
    assert "marco@example.org" not in enrolled_emails(course)
    assert (
        db.session.scalar(
            db.select(db.func.count(LessonCompletion.id)).filter_by(user_id=halfway.id)
        )
        == 2
    )


def test_unenrol_without_javascript_asks_on_a_page_first_and_changes_nothing(app, taught):
    course, halfway = taught["course"], taught["halfway"]
    before = enrolled_emails(course)

    response = as_user(app, taught["trainer"]).post(
        f"/teach/courses/{course.id}/learners/{halfway.id}/unenrol"
    )

    page = text(response)
    assert response.status_code == 200
    assert "Marco Bianchi will no longer be enrolled in this course." in page
    assert 'name="confirmed" value="1"' in response.get_data(as_text=True)
    assert enrolled_emails(course) == before


def test_unenrolling_someone_who_is_not_enrolled_answers_404(app, taught, make_user):
    stranger = make_user()

    response = as_user(app, taught["trainer"]).post(
        f"/teach/courses/{taught['course'].id}/learners/{stranger.id}/unenrol"
    )

    assert response.status_code == 404


@pytest.mark.parametrize("who", ["other_trainer", "learner"])
def test_people_who_do_not_teach_the_course_get_403_on_every_trainer_page(
    app, taught, make_user, make_course, who
):
    if who == "other_trainer":
        visitor = make_user(role="trainer")
        make_course(trainer=visitor)
    else:
        visitor = taught["halfway"]
    client = as_user(app, visitor)
    course_id = taught["course"].id
    before = enrolled_emails(taught["course"])

    answers = [
        client.get(f"/teach/courses/{course_id}/progress").status_code,
        client.get(f"/teach/courses/{course_id}/progress.csv").status_code,
        client.post(
            f"/teach/courses/{course_id}/enrol", data={"emails": visitor.email}
        ).status_code,
        client.post(
            f"/teach/courses/{course_id}/learners/{taught['starting'].id}/unenrol",
            data={"confirmed": "1"},
        ).status_code,
    ]

    assert answers == [403, 403, 403, 403]
    assert enrolled_emails(taught["course"]) == before


def test_an_admin_may_see_every_course_s_report(app, taught, make_user):
    page = as_user(app, make_user(role="admin")).get(
        f"/teach/courses/{taught['course'].id}/progress"
    )

    assert page.status_code == 200 and "Marco Bianchi" in text(page)


def test_a_report_for_a_course_that_does_not_exist_answers_404(app, taught):
    assert as_user(app, taught["trainer"]).get("/teach/courses/999999/progress").status_code == 404
