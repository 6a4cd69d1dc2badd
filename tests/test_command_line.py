"""The ``nttlearn`` command: users, courses and demo data. Errors go to stderr, exit code 1."""

from __future__ import annotations

import json

import pytest

from nttlearn.cli import main
from nttlearn.demo.generator import PASSWORD as GENERATED_PASSWORD
from nttlearn.demo.generator import SIZES
from nttlearn.demo.ntt import OFFICIALS
from nttlearn.extensions import db
from nttlearn.models import Course, Enrolment, EventRecord, User
from nttlearn.testing import login

STRONG = "fika-in-lulea-at-three"


def nttlearn(app, *args: str, input: str | None = None):
    with app.app_context():
        result = app.test_cli_runner().invoke(main, list(args), input=input)
    db.session.expire_all()
    return result


def users() -> list[User]:
    return db.session.execute(db.select(User).order_by(User.id)).scalars().all()


# -- users create ----------------------------------------------------------------------------------
def test_users_create_makes_an_account_with_its_organisation(app):
    result = nttlearn(
        app,
        "users",
        "create",
        "Erik.Nilsson@Example.org",
        "--name",
        "Erik Nilsson",
        "--password",
        STRONG,
        "--role",
        "trainer",
        "--org",
        "Umeå kommun",
        "--town",
        "Umeå",
        "--country",
        "se",
    )

    assert result.exit_code == 0, result.output
    assert result.stdout == "created erik.nilsson@example.org (trainer)\n"
    (user,) = users()
    assert (user.email, user.name, user.role) == (
        "erik.nilsson@example.org",
        "Erik Nilsson",
        "trainer",
    )
    assert (user.organisation.name, user.organisation.town, user.organisation.country) == (
        "Umeå kommun",
        "Umeå",
        "SE",
    )
    assert login(app.test_client(), user, STRONG).status_code == 302


def test_users_create_asks_for_the_password_when_not_given(app):
    result = nttlearn(
        app, "users", "create", "asa@example.org", "--name", "Åsa", input=f"{STRONG}\n{STRONG}\n"
    )

    assert result.exit_code == 0, result.output
    assert len(users()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--password", "short"], "weak password: Use at least 12 characters."),
        (["--password", "password1234"], "weak password: This password is too common."),
        (
            ["--password", "someone@example.org"],
            "weak password: Do not use your name or e-mail address",
        ),
        (["--password", STRONG, "--org", "Comune di Ferrara"], "--org needs --country"),
        (
            ["--password", STRONG, "--org", "Comune di Ferrara", "--country", "ITA"],
            "invalid country 'ITA'",
        ),
    ],
)
def test_users_create_refuses_bad_input_on_stderr_with_exit_1(app, args, message):
    result = nttlearn(app, "users", "create", "someone@example.org", "--name", "Someone", *args)

    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stdout == ""
    assert users() == []


def test_users_create_refuses_an_invalid_e_mail(app):
    result = nttlearn(app, "users", "create", "not-an-address", "--name", "X", "--password", STRONG)

    assert result.exit_code == 1 and "invalid e-mail address 'not-an-address'" in result.stderr


def test_users_create_refuses_a_duplicate_whatever_the_letter_case(app, make_user):
    make_user(email="taken@example.org")

    result = nttlearn(
        app, "users", "create", "TAKEN@example.org", "--name", "Again", "--password", STRONG
    )

    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert len(users()) == 1


def test_users_create_refuses_an_unknown_role(app):
    result = nttlearn(
        app,
        "users",
        "create",
        "x@example.org",
        "--name",
        "X",
        "--password",
        STRONG,
        "--role",
        "king",
    )

    assert result.exit_code == 2
    assert "'king' is not one of" in result.stderr


# -- users list / enrol ----------------------------------------------------------------------------
def test_users_list_json_lists_active_accounts_but_not_deleted_ones(app, make_user):
    make_user(email="b@example.org", name="B", org="Comune di Vigo", country="ES")
    make_user(email="a@example.org", name="A", role="admin")
    gone = make_user(email="gone@example.org")
    gone.deleted_at = gone.created_at
    db.session.commit()

    result = nttlearn(app, "users", "list", "--json")

    rows = json.loads(result.stdout)
    assert [row["email"] for row in rows] == ["a@example.org", "b@example.org"]
    assert rows[1] | {"id": 0} == {
        "id": 0,
        "email": "b@example.org",
        "name": "B",
        "role": "learner",
        "active": True,
        "organisation": "Comune di Vigo",
        "country": "ES",
    }


def test_users_list_without_json_prints_one_line_per_account(app, make_user):
    make_user(email="a@example.org", name="Anna")

    assert nttlearn(app, "users", "list").stdout.split() == ["a@example.org", "learner", "Anna"]


def test_users_enrol_enrols_once_and_records_the_event(app, make_user, make_course):
    user = make_user(email="learner@example.org")
    course = make_course(slug="project-cycle", self_enrolment=False)

    first = nttlearn(
        app, "users", "enrol", "LEARNER@example.org", "project-cycle", "--cohort", "NTT+ 2010"
    )
    second = nttlearn(app, "users", "enrol", "learner@example.org", "project-cycle")

    assert (
        first.exit_code == 0 and first.stdout == "learner@example.org enrolled in project-cycle\n"
    )
    assert second.exit_code == 0
    enrolment = db.session.execute(db.select(Enrolment)).scalar_one()
    assert (enrolment.user_id, enrolment.course_id, enrolment.cohort) == (
        user.id,
        course.id,
        "NTT+ 2010",
    )
    assert (
        db.session.scalar(
            db.select(db.func.count(EventRecord.id)).filter_by(name="course.enrolled")
        )
        == 1
    )


@pytest.mark.parametrize(
    ("email", "slug", "message"),
    [
        ("learner@example.org", "no-such-course", "no course with slug 'no-such-course'"),
        ("nobody@example.org", "project-cycle", "no user with e-mail 'nobody@example.org'"),
    ],
)
def test_users_enrol_with_an_unknown_user_or_course_fails(
    app, make_user, make_course, email, slug, message
):
    make_user(email="learner@example.org")
    make_course(slug="project-cycle")

    result = nttlearn(app, "users", "enrol", email, slug)

    assert result.exit_code == 1
    assert message in result.stderr
    assert db.session.scalar(db.select(db.func.count(Enrolment.id))) == 0


# -- courses list ----------------------------------------------------------------------------------
def test_courses_list_json_gives_slug_title_and_published(app, make_course):
    make_course(slug="b-course", title="B course", published=False)
    make_course(slug="a-course", title="A course")

    rows = json.loads(nttlearn(app, "courses", "list", "--json").stdout)

    assert [{k: row[k] for k in ("slug", "title", "published")} for row in rows] == [
        {"slug": "a-course", "title": "A course", "published": True},
        {"slug": "b-course", "title": "B course", "published": False},
    ]


# -- demo ------------------------------------------------------------------------------------------
def test_demo_creates_the_ntt_plus_people_and_prints_the_accounts(app):
    result = nttlearn(app, "demo")

    assert result.exit_code == 0, result.output
    assert "Demo accounts (e-mail / password / role):" in result.stdout
    for email, password in [
        ("learner@example.org", "learner-demo-2010"),
        ("trainer@example.org", "trainer-demo-2010"),
        ("admin@example.org", "admin-demo-2010"),
    ]:
        line = next(line for line in result.stdout.splitlines() if email in line)
        assert password in line
        assert login(app.test_client(), User(email=email), password).status_code == 302
    assert len(users()) == len(OFFICIALS) + 3
    countries = {u.organisation.country for u in users() if u.organisation}
    assert countries == {"IT", "SE", "ES", "FI"}


def test_demo_run_twice_changes_nothing_and_still_prints_the_accounts(app):
    nttlearn(app, "demo")
    before = len(users())

    again = nttlearn(app, "demo")

    assert again.exit_code == 0
    assert "already exists" in again.stdout and "learner@example.org" in again.stdout
    assert len(users()) == before


def test_demo_json_lists_the_accounts(app):
    data = json.loads(nttlearn(app, "demo", "--json").stdout)

    assert {
        "email": "admin@example.org",
        "password": "admin-demo-2010",
        "role": "administrator",
    } in data["accounts"]


def test_demo_size_xs_generates_a_data_set_once(app):
    result = nttlearn(app, "demo", "--size", "xs")
    again = nttlearn(app, "demo", "--size", "xs")

    spec = SIZES["xs"]
    assert result.exit_code == 0, result.output
    assert f"{spec['learners']} learners, {spec['courses']} courses" in result.stdout
    assert again.exit_code == 0 and "already exists" in again.stdout
    assert len(users()) == spec["learners"]
    assert db.session.scalar(db.select(db.func.count(Course.id))) == spec["courses"]
    assert db.session.scalar(db.select(db.func.count(Enrolment.id))) == 2 * spec["learners"]
    assert (
        login(
            app.test_client(), User(email="genxs-learner1@example.org"), GENERATED_PASSWORD
        ).status_code
        == 302
    )
    assert app.test_client().get("/").status_code == 200


def test_demo_refuses_an_unknown_size(app):
    result = nttlearn(app, "demo", "--size", "xxl")

    assert result.exit_code == 2 and "'xxl' is not one of" in result.stderr


def test_python_dash_m_nttlearn_runs_the_command_where_its_script_is_not_on_path():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "nttlearn", "courses", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "Usage: nttlearn courses" in done.stdout
