"""Importing participants from CSV and XLSX: reading, checking, planning, writing, inviting."""

from __future__ import annotations

import io
import json
import re
import time
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from nttlearn.extensions import db
from nttlearn.mail import outbox
from nttlearn.models import Enrolment, EventRecord, Organisation, User
from nttlearn.onboarding.plan import apply_plan, plan_import
from nttlearn.onboarding.reading import FileProblem, read_participants
from nttlearn.testing import count_queries, count_rows, invoke_cli

HEADER = "name,email,organisation,town,country,language,role,course"


def _plan(text: str | bytes, filename: str = "people.csv"):
    content = text.encode("utf-8") if isinstance(text, str) else text
    return plan_import(read_participants(filename, content))


def _import(text: str | bytes, filename: str = "people.csv", **options):
    plan = _plan(text, filename)
    result = apply_plan(plan, **options)
    db.session.commit()
    return plan, result


def _xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- reading -------------------------------------------------------------------------------------
def test_a_csv_with_a_bom_and_semicolons_reads_like_a_plain_one(app):
    plain = read_participants("a.csv", b"name,email\nGiulia Rossi,giulia@example.it\n")
    excel = read_participants(
        "a.csv", "\ufeffname;email\r\nGiulia Rossi;giulia@example.it\r\n".encode()
    )

    assert (
        [(r.line, r.cells) for r in plain]
        == [(r.line, r.cells) for r in excel]
        == [(2, {"name": "Giulia Rossi", "email": "giulia@example.it"})]
    )


def test_columns_come_in_any_order_and_blank_lines_keep_the_numbering(app):
    rows = read_participants("a.csv", b"Email,Name\n\na@example.org,Anna\n,\nb@example.org,Bo\n")

    assert [(r.line, r.cells["name"]) for r in rows] == [(3, "Anna"), (5, "Bo")]


def test_an_unknown_column_is_refused_with_the_accepted_ones(app):
    with pytest.raises(FileProblem) as problem:
        read_participants("a.csv", b"name,email,group\nAnna,a@example.org,Bologna 2025\n")

    assert str(problem.value) == (
        "line 1: unknown column “group”. The columns are: name, email, organisation, "
        "town, country, language, role, course, cohort."
    )


def test_a_missing_required_column_and_a_line_with_too_many_cells_are_refused(app):
    with pytest.raises(FileProblem, match="line 1: the column “email” is missing"):
        read_participants("a.csv", b"name,organisation\nAnna,X\n")
    with pytest.raises(FileProblem, match="line 3: this line has more cells"):
        read_participants("a.csv", b"name,email\nAnna,a@example.org\nBo,b@example.org,extra\n")


def test_text_that_is_not_utf8_is_reported_with_its_line(app):
    content = "name,email\nAnna,a@example.org\nJos\u00e9,j@example.org\n".encode("latin-1")

    with pytest.raises(FileProblem, match=r"^line 3: this line is not UTF-8 text"):
        read_participants("a.csv", content)


def test_an_xlsx_sheet_reads_numbers_as_text_and_flags_dates(app):
    content = _xlsx(
        [
            ["name", "email", "town"],
            ["Anna", "a@example.org", 2025],
            ["Bo", "b@example.org", datetime(2025, 1, 10)],
        ]
    )

    rows = read_participants("people.xlsx", content)

    assert [(r.line, r.cells["town"], r.dates) for r in rows] == [
        (2, "2025", set()),
        (3, "2025-01-10", {"town"}),
    ]


def test_a_file_that_is_no_workbook_is_refused(app):
    with pytest.raises(FileProblem, match="not a readable XLSX workbook"):
        read_participants("people.xlsx", b"PK\x03\x04 not really a zip")


# -- checking ------------------------------------------------------------------------------------
def test_every_invalid_line_is_reported_with_its_number(app, make_course):
    course = make_course()
    text = "\n".join(
        [
            HEADER,
            f"Anna Berg,anna@example.se,Malmö stad,Malmö,Sverige,sv,learner,{course.slug}",
            "Bo,not-an-address,,,,,,",
            "Carla,carla@example.es,Ayuntamiento de Zaragoza,,Narnia,,,",
            "Dario,dario@example.it,,,,klingon,boss,no-such-course",
            ",eve@example.fi,,,,,,",
        ]
    )

    plan = _plan(text)

    assert plan.errors == [
        "line 3: email: “not-an-address” is not a valid e-mail address.",
        "line 4: country: unknown country “Narnia”: use its two-letter code (IT, SE, ES, FI) or its name.",
        "line 5: language: unknown language “klingon”: use one of en, it, sv, es, fi.",
        "line 5: role: unknown role “boss”: use one of learner, trainer, coordinator, admin.",
        "line 5: course: there is no course “no-such-course” (give the course's short name, its slug).",
        "line 6: the name is missing.",
    ]
    assert plan.lines[0].values["country"] == "SE"


def test_duplicate_addresses_in_one_file_are_reported_on_both_lines(app):
    plan = _plan("name,email\nAnna,anna@example.org\nBo,bo@example.org\nAnna B,ANNA@example.org\n")

    assert plan.errors == [
        "line 2: the e-mail address anna@example.org is also on line 4.",
        "line 4: the e-mail address anna@example.org is also on line 2.",
    ]


def test_country_names_in_every_site_language_and_language_names_are_understood(app):
    plan = _plan(
        "name,email,organisation,country,language\n"
        "A,a@x.org,Org A,Italia,Italiano\nB,b@x.org,Org B,Suomi,finnish\n"
        "C,c@x.org,Org C,Spagna,es\nD,d@x.org,Org D,se,svenska\n"
    )

    assert plan.valid, plan.errors
    assert [(line.values["country"], line.values["language"]) for line in plan.lines] == [
        ("IT", "it"),
        ("FI", "fi"),
        ("ES", "es"),
        ("SE", "sv"),
    ]


def test_a_new_organisation_needs_a_country_and_a_country_needs_an_organisation(app):
    plan = _plan("name,email,organisation,country\nA,a@x.org,Comune di Nuovo,\nB,b@x.org,,IT\n")

    assert plan.errors == [
        "line 2: “Comune di Nuovo” is a new organisation: give its country.",
        "line 3: town and country belong to an organisation: fill in the organisation too.",
    ]


def test_an_excel_date_in_a_text_column_gets_a_clear_message(app, make_course):
    plan = _plan(
        _xlsx([["name", "email", "course"], ["Anna", "a@x.org", datetime(2025, 1, 10)]]), "p.xlsx"
    )

    assert plan.errors == [
        "line 2: course: the spreadsheet stored this cell as a date (2025-01-10). Format the "
        "column as text and type the value again."
    ]


# -- writing -------------------------------------------------------------------------------------
def test_an_import_creates_accounts_organisations_and_enrolments(app, make_course):
    course = make_course()
    plan, result = _import(
        f"{HEADER}\n"
        f"Giulia Rossi,Giulia.Rossi@comune.bologna.it,Comune di Bologna,Bologna,IT,it,,{course.slug}\n"
        f"Anna Berg,anna@malmo.se,Malmö stad,Malmö,SE,sv,trainer,\n"
    )

    giulia = db.session.execute(
        db.select(User).filter_by(email="giulia.rossi@comune.bologna.it")
    ).scalar_one()
    assert (giulia.name, giulia.role, giulia.locale, giulia.password_hash) == (
        "Giulia Rossi",
        "learner",
        "it",
        "",
    )
    assert (giulia.organisation.name, giulia.organisation.town, giulia.organisation.country) == (
        "Comune di Bologna",
        "Bologna",
        "IT",
    )
    assert (
        db.session.execute(db.select(User.role).filter_by(email="anna@malmo.se")).scalar()
        == "trainer"
    )
    assert count_rows(Enrolment, user_id=giulia.id, course_id=course.id) == 1
    assert [line.status for line in plan.lines] == ["create", "create"]
    assert count_rows(EventRecord, name="user.registered") == 2
    assert count_rows(EventRecord, name="course.enrolled") == 1


def test_importing_the_same_file_twice_changes_nothing_the_second_time(app, make_course):
    course = make_course()
    text = (
        f"{HEADER}\nGiulia Rossi,giulia@bologna.it,Comune di Bologna,Bologna,IT,it,,{course.slug}\n"
    )
    _import(text)

    plan, result = _import(text)

    assert [line.status for line in plan.lines] == ["unchanged"]
    assert (result.created, result.updated, result.enrolments) == ([], 0, 0)
    assert count_rows(User) == 1 and count_rows(Organisation) == 1 and count_rows(Enrolment) == 1


def test_an_existing_account_is_updated_and_enrolled_not_duplicated(app, make_user, make_course):
    course = make_course()
    anna = make_user(email="anna@malmo.se", name="Anna", locale="en")
    make_user(org="Malmö stad", country="SE")

    plan, result = _import(f"{HEADER}\nAnna Berg,anna@malmo.se,malmö STAD,,,sv,,{course.slug}\n")

    db.session.refresh(anna)
    assert plan.lines[0].status == "update" and plan.lines[0].changes == [
        "name",
        "language",
        "organisation",
    ]
    assert (anna.name, anna.locale, anna.organisation.name) == ("Anna Berg", "sv", "Malmö stad")
    assert anna.password_hash != ""  # their password stays
    assert count_rows(User, email="anna@malmo.se") == 1 and count_rows(Organisation) == 1
    assert count_rows(Enrolment, user_id=anna.id) == 1


def test_nothing_is_written_when_a_line_is_invalid(app):
    plan = _plan("name,email\nAnna,anna@example.org\nBo,bo-at-example.org\n")

    with pytest.raises(ValueError, match="nothing was imported"):
        apply_plan(plan)
    db.session.rollback()

    assert count_rows(User) == 0


def test_skipping_invalid_lines_imports_the_others(app):
    plan, result = _import(
        "name,email\nAnna,anna@example.org\nBo,bo-at-example.org\n", skip_invalid=True
    )

    assert [u.email for u in result.created] == ["anna@example.org"] and result.skipped == [3]
    assert count_rows(User) == 1


def test_ten_thousand_lines_take_a_fixed_number_of_queries_per_batch(app, make_course):
    course = make_course()

    def file(n: int) -> str:
        return (
            HEADER
            + "\n"
            + "\n".join(
                f"Official {i},official{i}@town{i % 40}.eu,Town hall {i % 40},Town {i % 40},IT,it,,{course.slug}"
                for i in range(n)
            )
            + "\n"
        )

    with count_queries(app) as small:
        _import(file(100))
    db.session.execute(db.delete(Enrolment))
    db.session.execute(db.delete(EventRecord))
    db.session.execute(db.delete(User))
    db.session.execute(db.delete(Organisation))
    db.session.commit()
    started = time.monotonic()
    with count_queries(app) as large:
        plan, result = _import(file(10_000))
    seconds = time.monotonic() - started

    assert len(result.created) == 10_000 and result.enrolments == 10_000
    # A guard against work that grows with the square of the lines, not a benchmark: on a quiet
    # laptop this takes well under a minute (see the admin guide for measured figures).
    assert seconds < 300, seconds
    # The lookups read 500 addresses at a time, whatever the database.
    assert _selects(small) <= 6 and _selects(large) <= 6 + 2 * (10_000 // 500), _selects(large)
    if db.engine.dialect.name == "postgresql":
        # Inserts go in batches of up to 1,000 rows a statement (SQLAlchemy's "insertmanyvalues").
        # SQLite cannot return the keys of a many-row INSERT in order, so the ORM inserts its rows
        # one at a time there: in-process calls, not round trips to a server.
        assert len(small) <= 12 and len(large) <= 12 + 2 * (10_000 // 500) + 4 * (10_000 // 1000), (
            len(large)
        )


def _selects(statements: list[str]) -> int:
    return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT"))


# -- invitations ---------------------------------------------------------------------------------
def _invitation_link(message) -> str:
    return re.search(r"http\S+/invitation/\S+", message.get_content()).group(0)


def test_new_accounts_are_invited_in_their_language_and_the_link_sets_a_password(app, client):
    from nttlearn.onboarding.invitations import send_invitations

    _, result = _import("name,email,language\nAnna Berg,anna@malmo.se,sv\n")
    send_invitations(result.created)
    db.session.commit()  # mails are sent once the transaction that queued them commits

    [mail] = outbox()
    assert mail["To"] == "anna@malmo.se" and "inbjud" in mail["Subject"].lower()
    path = _invitation_link(mail).split("127.0.0.1:5000", 1)[-1]
    assert client.get(path).status_code == 200
    weak = client.post(path, data={"password": "short", "confirm": "short"})
    assert weak.status_code == 200 and "at least 12 characters" in weak.get_data(as_text=True)
    done = client.post(
        path, data={"password": "tulips in the harbour", "confirm": "tulips in the harbour"}
    )
    assert done.status_code == 302
    assert client.get("/dashboard").status_code == 200  # logged in
    assert client.get(path).status_code == 302  # the link is spent


def test_an_expired_invitation_is_refused(app, client):
    from nttlearn.onboarding.invitations import invitation_token

    _, result = _import("name,email\nAnna,anna@example.org\n")
    token = invitation_token(result.created[0])
    app.config["INVITATION_DAYS"] = -1  # the link's time ran out a day ago

    response = client.get(f"/invitation/{token}")

    assert response.status_code == 302 and "/password/forgot" in response.headers["Location"]


# -- the command ---------------------------------------------------------------------------------
def test_the_command_reports_line_errors_and_exits_non_zero(app, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name;email\nAnna;anna@example.org\nBo;bo-at-example\n", encoding="utf-8-sig")

    result = invoke_cli(app, "users", "import", str(path), "--json")

    data = json.loads(result.output)
    assert result.exit_code == 1
    assert data["ok"] is False and data["errors"] == [
        "line 3: email: “bo-at-example” is not a valid e-mail address."
    ]
    assert data["counts"] == {
        "create": 1,
        "update": 0,
        "enrol": 0,
        "unchanged": 0,
        "invalid": 1,
        "enrolments": 0,
    }
    assert count_rows(User) == 0


def test_the_command_dry_run_writes_nothing_and_a_real_run_invites(app, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name,email\nAnna,anna@example.org\n", encoding="utf-8")

    dry = invoke_cli(app, "users", "import", str(path), "--dry-run", "--json")
    assert dry.exit_code == 0 and json.loads(dry.output)["lines"][0]["status"] == "create"
    assert count_rows(User) == 0
    real = invoke_cli(app, "users", "import", str(path), "--json")

    assert real.exit_code == 0, real.output
    assert json.loads(real.output)["invited"] == 1 and count_rows(User) == 1
    assert [m["To"] for m in outbox()] == ["anna@example.org"]


def test_the_command_names_the_file_and_line_of_an_unreadable_file(app, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name,email,group\nAnna,a@example.org,B\n", encoding="utf-8")

    result = invoke_cli(app, "users", "import", str(path))

    assert result.exit_code == 1
    assert f"{path}: line 1: unknown column “group”" in result.output


def test_the_cohort_column_puts_people_in_a_cohort_of_their_course_once(
    app, make_course, make_user
):
    from nttlearn.cohorts.services import create_cohort
    from nttlearn.models import CohortMember

    course = make_course(slug="energy-neighbours")
    spring = create_cohort(course, "Spring 2027", date(2027, 3, 1))
    autumn = create_cohort(course, "Autumn 2027", date(2027, 9, 1))
    moved = make_user(email="bo@example.org", name="Bo")
    db.session.add(Enrolment(user_id=moved.id, course_id=course.id))
    db.session.add(CohortMember(cohort_id=autumn.id, course_id=course.id, user_id=moved.id))
    db.session.commit()
    text = (
        "name,email,course,cohort\nAnna,anna@example.org,energy-neighbours,spring 2027\n"
        "Bo,bo@example.org,energy-neighbours,Spring 2027\n"
    )

    _plan_made, first = _import(text)
    db.session.commit()
    again = _plan(text)
    wrong = _plan(
        "name,email,course,cohort\nCi,ci@example.org,energy-neighbours,Winter\nDa,da@example.org,,Spring 2027\n"
    )

    members = db.session.execute(
        db.select(User.email, CohortMember.cohort_id).join(CohortMember).order_by(User.email)
    ).all()
    assert [tuple(m) for m in members] == [
        ("anna@example.org", spring.id),
        ("bo@example.org", spring.id),
    ]
    assert first.created and {line.status for line in again.lines} == {"unchanged"}
    assert wrong.errors == [
        "line 2: cohort: the course “energy-neighbours” has no cohort “Winter”.",
        "line 3: cohort: a cohort belongs to a course: fill in the course too.",
    ]
