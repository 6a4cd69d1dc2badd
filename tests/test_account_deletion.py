"""Deleting an account removes every personal field; learning records stay, anonymous. The data
export gives a person everything the platform holds about them."""

from __future__ import annotations

import json
import re

from sqlalchemy import MetaData

from nttlearn.extensions import db
from nttlearn.learn.structure import course_outline
from nttlearn.mail import outbox
from nttlearn.models import EventRecord, LessonCompletion, Organisation, User
from nttlearn.testing import TEST_PASSWORD, login

NAME = "Ingrid Personal-Dataholm"
EMAIL = "ingrid.dataholm@example.org"
ORGANISATION = "Dataholm Consulting AB"
TOWN = "Dataholmsby"


def everything_in_the_database() -> list[tuple[str, str, str]]:
    """(table, column, text) for every non-empty value of every table, plugins' included."""
    metadata = MetaData()
    metadata.reflect(bind=db.engine)
    found = []
    for table in metadata.sorted_tables:
        for row in db.session.execute(table.select()).mappings():
            for column, value in row.items():
                if value is not None:
                    text = (
                        json.dumps(value, ensure_ascii=False)
                        if isinstance(value, dict | list)
                        else str(value)
                    )
                    found.append((table.name, column, text))
    return found


def where_it_survives(*needles: str) -> list[tuple[str, str, str]]:
    lowered = [n.lower() for n in needles]
    return [
        cell for cell in everything_in_the_database() if any(n in cell[2].lower() for n in lowered)
    ]


def learner_with_progress(make_user, make_course, client, login_as):
    learner = make_user(name=NAME, email=EMAIL, org=ORGANISATION, town=TOWN, country="SE")
    colleague_org = make_user(org="Luleå kommun", country="SE").organisation
    course = make_course(modules=1, lessons=3)
    login_as(learner)
    client.post(f"/courses/{course.slug}/enrol")
    for lesson in course_outline(course, learner.id).ordered_lessons()[:2]:
        client.post(f"/courses/{course.slug}/lessons/{lesson.id}/done")
    client.post("/password/forgot", data={"email": EMAIL})
    return learner, course, colleague_org


def delete_my_account(client):
    return client.post("/account/delete", data={"password": TEST_PASSWORD, "confirm": "y"})


def test_after_deletion_no_personal_field_survives_anywhere(
    client, make_user, make_course, login_as
):
    learner_with_progress(make_user, make_course, client, login_as)
    assert where_it_survives(NAME, EMAIL, ORGANISATION, TOWN) != []  # the scan sees them before

    response = delete_my_account(client)

    assert response.status_code == 302
    assert where_it_survives(NAME, EMAIL, ORGANISATION, TOWN, "ingrid", "dataholm") == []


def test_after_deletion_learning_records_are_kept_anonymously(
    client, make_user, make_course, login_as
):
    learner, course, colleague_org = learner_with_progress(make_user, make_course, client, login_as)
    learner_id = learner.id
    completions_before = db.session.scalar(db.select(db.func.count(LessonCompletion.id)))

    delete_my_account(client)

    db.session.expire_all()
    assert (
        db.session.scalar(db.select(db.func.count(LessonCompletion.id))) == completions_before == 2
    )
    account = db.session.get(User, learner_id)
    assert (
        account.name == "Deleted user"
        and account.organisation_id is None
        and account.deleted_at is not None
    )
    assert (
        db.session.get(Organisation, colleague_org.id) is not None
    )  # other people's organisation stays
    assert (
        db.session.execute(
            db.select(EventRecord.name)
            .where(EventRecord.user_id == learner_id)
            .order_by(EventRecord.id)
        )
        .scalars()
        .all()[-1]
        == "user.deleted"
    )


def test_after_deletion_the_account_cannot_log_in_and_the_session_is_over(
    client, make_user, make_course, login_as
):
    learner, *_ = learner_with_progress(make_user, make_course, client, login_as)

    delete_my_account(client)

    assert client.get("/dashboard").status_code == 302
    assert login(client, User(email=EMAIL), TEST_PASSWORD).status_code == 200
    assert (
        login(client, User(email=f"deleted-{learner.id}@invalid"), TEST_PASSWORD).status_code == 200
    )
    assert login(client, User(email=f"deleted-{learner.id}@invalid"), "").status_code == 200


def test_the_e_mail_address_can_register_again_after_deletion(
    client, make_user, make_course, login_as
):
    learner_with_progress(make_user, make_course, client, login_as)
    delete_my_account(client)

    response = client.post(
        "/register",
        data={
            "name": "Ingrid Again",
            "email": EMAIL,
            "password": "a-brand-new-start-2026",
            "confirm": "a-brand-new-start-2026",
            "locale": "sv",
        },
    )
    mail = outbox()[-1]
    link = re.search(r"https?://[^/\s]+(/register/confirm/\S+)", mail.get_content()).group(1)

    assert response.headers["Location"] == "/register/sent"
    assert (
        mail["To"] == EMAIL and "/register/confirm/" in mail.get_content()
    )  # an invitation, not "you have an account"
    assert client.get(link).headers["Location"] == "/"
    assert (
        db.session.execute(db.select(User).filter_by(email=EMAIL)).scalar_one().name
        == "Ingrid Again"
    )


def test_deletion_needs_the_password_and_the_confirmation(client, make_user, login_as):
    user = make_user(name=NAME)
    login_as(user)

    wrong_password = client.post(
        "/account/delete", data={"password": "not-my-password", "confirm": "y"}
    )
    unconfirmed = client.post("/account/delete", data={"password": TEST_PASSWORD})

    assert (
        wrong_password.status_code == 200
        and "Your password is not correct." in wrong_password.get_data(as_text=True)
    )
    assert unconfirmed.status_code == 200
    db.session.refresh(user)
    assert user.name == NAME and user.deleted_at is None


def test_the_data_export_holds_the_account_enrolments_completions_and_events(
    client, make_user, make_course, login_as
):
    learner, course, _ = learner_with_progress(make_user, make_course, client, login_as)

    response = client.get("/account/export.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == EMAIL and data["account"]["name"] == NAME
    assert data["account"]["organisation"] == {"name": ORGANISATION, "town": TOWN, "country": "SE"}
    assert [e["course_id"] for e in data["enrolments"]] == [course.id]
    assert len(data["lesson_completions"]) == 2
    names = [e["name"] for e in data["events"]]
    assert names.count("lesson.completed") == 2 and names.count("course.enrolled") == 1
    assert isinstance(data["plugins"], dict)


def test_the_data_export_holds_nobody_else_s_data(client, make_user, make_course, login_as):
    other = make_user(name="Somebody Else", email="somebody.else@example.org")
    course = make_course()
    client_of_other = client.application.test_client()
    login(client_of_other, other)
    client_of_other.post(f"/courses/{course.slug}/enrol")
    login_as(make_user(name=NAME))

    text = client.get("/account/export.json").get_data(as_text=True)

    assert "somebody.else@example.org" not in text and "Somebody Else" not in text
    assert json.loads(text)["enrolments"] == []
