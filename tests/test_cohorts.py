"""Cohorts, release rules, deadlines and extensions: services, learner pages, trainer pages, CLI."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from core_helpers import csrf_token

from nttlearn.cohorts.pacing import pacing_for
from nttlearn.cohorts.services import (
    CohortError,
    add_to_cohort,
    cohort_of,
    cohort_progress,
    create_cohort,
    grant_extension,
    set_deadline,
    set_release_rule,
)
from nttlearn.extensions import db
from nttlearn.mail import outbox
from nttlearn.models import (
    Activity,
    Cohort,
    CohortMember,
    Enrolment,
    Lesson,
    LessonCompletion,
    Module,
    ReleasePrerequisite,
    ReleaseRule,
    utcnow,
)
from nttlearn.testing import count_queries, count_rows, invoke_cli

TODAY = date.today()


def moments_ago(delta: timedelta) -> datetime:
    """``delta`` ago, but not before today (UTC), the day the test cohorts start: a deadline that
    has just passed, even when the suite runs in the first hour after midnight."""
    now = utcnow()
    return max(now - delta, now.replace(hour=0, minute=0, second=0, microsecond=0))


def modules_of(course) -> list[Module]:
    return list(
        db.session.execute(
            db.select(Module).where(Module.course_id == course.id).order_by(Module.position)
        ).scalars()
    )


def first_lesson(module: Module) -> Lesson:
    return (
        db.session.execute(
            db.select(Lesson).where(Lesson.module_id == module.id).order_by(Lesson.position)
        )
        .scalars()
        .first()
    )


def activity_of(course) -> Activity:
    return (
        db.session.execute(db.select(Activity).join(Module).where(Module.course_id == course.id))
        .scalars()
        .first()
    )


@pytest.fixture
def paced(make_user, make_course):
    """A course of three modules and a cohort that started today, with module 2 opening 14 days
    after the cohort's start; its learner is in the cohort."""
    trainer = make_user(role="trainer")
    course = make_course(modules=3, lessons=2, trainer=trainer, activities=((0, "survey", True),))
    learner = make_user()
    cohort = create_cohort(course, "Spring", TODAY)
    add_to_cohort(learner, cohort)
    module2 = modules_of(course)[1]
    set_release_rule(course, ("m", module2.id), offset_days=14)
    db.session.commit()
    return course, cohort, learner, trainer, module2


# -- cohorts and members ------------------------------------------------------------------------------
def test_a_cohort_whose_end_is_before_its_start_is_refused_and_nothing_is_written(make_course):
    course = make_course()

    with pytest.raises(CohortError, match="end date must not be before the start date"):
        create_cohort(course, "Backwards", date(2027, 3, 1), date(2027, 2, 1))
    db.session.rollback()

    assert count_rows(Cohort) == 0


def test_two_cohorts_of_a_course_cannot_share_a_name(make_course):
    course = make_course()
    create_cohort(course, "Spring", TODAY)

    with pytest.raises(CohortError, match="already has a cohort named Spring"):
        create_cohort(course, "Spring", TODAY)


def test_adding_to_a_cohort_enrols_and_moving_keeps_one_cohort_per_course(make_user, make_course):
    course = make_course()
    learner = make_user()
    spring, autumn = create_cohort(course, "Spring", TODAY), create_cohort(course, "Autumn", TODAY)

    add_to_cohort(learner, spring)
    add_to_cohort(learner, spring)  # idempotent
    add_to_cohort(learner, autumn)
    db.session.commit()

    assert cohort_of(learner, course).id == autumn.id
    assert count_rows(CohortMember, user_id=learner.id) == 1
    enrolment = db.session.execute(db.select(Enrolment).filter_by(user_id=learner.id)).scalar_one()
    assert enrolment.cohort == "Autumn"  # the label reports and certificates read


# -- release rules ---------------------------------------------------------------------------------
def test_a_module_opening_days_after_the_cohort_start_is_locked_until_then(paced):
    course, cohort, learner, _trainer, module2 = paced

    pacing = pacing_for(learner.id, course)
    access = pacing.module(module2.id)
    assert not access.open and access.reason == "date"
    assert access.opens_at == datetime.combine(
        TODAY + timedelta(days=14), datetime.min.time(), tzinfo=UTC
    )
    assert pacing.module(modules_of(course)[0].id).open

    cohort.starts_on = TODAY - timedelta(days=20)
    db.session.commit()
    assert pacing_for(learner.id, course).module(module2.id).open


def test_a_self_paced_learner_counts_the_days_from_their_enrolment(paced, make_user):
    course, _cohort, _learner, _trainer, module2 = paced
    solo = make_user()
    db.session.add(
        Enrolment(user_id=solo.id, course_id=course.id, created_at=utcnow() - timedelta(days=15))
    )
    db.session.commit()

    assert pacing_for(solo.id, course).module(module2.id).open


def test_trainers_see_every_module_open(paced):
    course, _cohort, _learner, trainer, module2 = paced

    assert pacing_for(trainer.id, course, staff=True).module(module2.id).open


def test_a_prerequisite_keeps_a_module_locked_until_the_other_is_completed(
    make_user, make_course, client_for
):
    course = make_course(modules=2, lessons=1)
    module1, module2 = modules_of(course)
    learner = make_user()
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    set_release_rule(course, ("m", module2.id), requires=[("m", module1.id)])
    db.session.commit()
    browser = client_for(learner)

    page = browser.get(f"/courses/{course.slug}/lessons/{first_lesson(module2).id}")
    assert page.status_code == 403
    assert "This opens once you have completed: Module 1." in page.get_data(as_text=True)

    browser.post(f"/courses/{course.slug}/lessons/{first_lesson(module1).id}/done")
    assert (
        browser.get(f"/courses/{course.slug}/lessons/{first_lesson(module2).id}").status_code == 200
    )


def test_a_prerequisite_cycle_is_refused_with_its_path_and_nothing_is_written(make_course):
    course = make_course(modules=2, lessons=1)
    module1, module2 = modules_of(course)
    set_release_rule(course, ("m", module2.id), requires=[("m", module1.id)])
    db.session.commit()

    with pytest.raises(CohortError, match="make a cycle.*Module 1 → Module 2 → Module 1"):
        set_release_rule(course, ("m", module1.id), requires=[("m", module2.id)])
    db.session.rollback()

    assert count_rows(ReleaseRule) == 1
    assert count_rows(ReleasePrerequisite) == 1


def test_a_module_cannot_wait_for_one_of_its_own_activities(make_course):
    course = make_course(modules=1, lessons=1, activities=((0, "survey", True),))
    module = modules_of(course)[0]

    with pytest.raises(CohortError, match="cycle"):
        set_release_rule(course, ("m", module.id), requires=[("a", activity_of(course).id)])


def test_the_lesson_page_and_its_marks_refuse_a_locked_module_and_say_when_it_opens(
    paced, client_for
):
    course, _cohort, learner, _trainer, module2 = paced
    lesson = first_lesson(module2)
    browser = client_for(learner)

    page = browser.get(f"/courses/{course.slug}/lessons/{lesson.id}")
    done = browser.post(f"/courses/{course.slug}/lessons/{lesson.id}/done")

    assert page.status_code == 403
    assert "This opens on" in page.get_data(as_text=True)
    assert done.status_code == 403
    assert count_rows(LessonCompletion) == 0


def test_the_course_page_shows_the_locked_module_with_its_date(paced, client_for):
    course, _cohort, learner, _trainer, module2 = paced

    html = client_for(learner).get(f"/courses/{course.slug}").get_data(as_text=True)

    assert "Locked" in html
    assert "This opens on" in html
    lesson = first_lesson(module2)
    assert f'/lessons/{lesson.id}"' not in html  # no link into a locked module


def test_the_trainer_opens_the_locked_module_by_moving_the_cohort_start(paced, client_for):
    course, cohort, learner, trainer, module2 = paced
    lesson = first_lesson(module2)
    staff = client_for(trainer)
    assert (
        client_for(trainer).get(f"/courses/{course.slug}/lessons/{lesson.id}").status_code == 200
    )  # staff see all
    form = staff.get(f"/teach/courses/{course.id}/cohorts/{cohort.id}").get_data(as_text=True)

    response = staff.post(
        f"/teach/courses/{course.id}/cohorts/{cohort.id}",
        data={
            "csrf_token": csrf_token(form),
            "name": "Spring",
            "starts_on": (TODAY - timedelta(days=14)).isoformat(),
            "ends_on": "",
            "language": "",
        },
    )

    assert response.status_code == 302
    assert client_for(learner).get(f"/courses/{course.slug}/lessons/{lesson.id}").status_code == 200


def test_the_outline_reads_a_constant_number_of_queries(app, make_user, make_course):
    def queries(modules: int) -> int:
        course = make_course(
            modules=modules,
            lessons=1,
            activities=tuple((m, "survey", True) for m in range(modules)),
        )
        learner = make_user()
        cohort = create_cohort(course, "C", TODAY)
        add_to_cohort(learner, cohort)
        all_modules = modules_of(course)
        for before, after in zip(all_modules, all_modules[1:], strict=False):
            set_release_rule(course, ("m", after.id), offset_days=7, requires=[("m", before.id)])
        for activity in db.session.execute(
            db.select(Activity).join(Module).where(Module.course_id == course.id)
        ).scalars():
            set_deadline(cohort, activity.id, utcnow() + timedelta(days=30))
        db.session.commit()
        module_ids = [m.id for m in all_modules]
        pacing_for(learner.id, course)  # the rules are cached per worker from here on
        with count_queries(app) as statements:
            pacing = pacing_for(learner.id, course)
            assert [pacing.module(i).open for i in module_ids] == [True] + [False] * (modules - 1)
        return len(statements)

    assert queries(2) == queries(12) == 3


# -- deadlines and extensions ------------------------------------------------------------------------
def test_an_extension_moves_one_learners_deadline_and_overdue_counts_follow(paced, make_user):
    course, cohort, learner, trainer, _module2 = paced
    other = make_user()
    add_to_cohort(other, cohort)
    survey = activity_of(course)
    set_deadline(cohort, survey.id, moments_ago(timedelta(hours=1)))
    grant_extension(learner.id, survey.id, course, utcnow() + timedelta(days=3), granted_by=trainer)
    db.session.commit()

    assert pacing_for(learner.id, course).deadline(survey.id) > utcnow()
    assert pacing_for(other.id, course).overdue(survey.id)
    overdue = {m.user.id: m.overdue for m in cohort_progress(cohort)}
    assert overdue == {learner.id: 0, other.id: 1}


def test_a_deadline_before_the_cohort_starts_is_refused(paced):
    course, cohort, _learner, _trainer, _module2 = paced

    with pytest.raises(CohortError, match="before the cohort starts"):
        set_deadline(cohort, activity_of(course).id, datetime(2000, 1, 1, tzinfo=UTC))


def test_the_course_page_marks_an_overdue_activity(paced, client_for):
    course, cohort, learner, _trainer, _module2 = paced
    set_deadline(cohort, activity_of(course).id, moments_ago(timedelta(minutes=5)))
    db.session.commit()

    html = client_for(learner).get(f"/courses/{course.slug}").get_data(as_text=True)

    assert "Overdue" in html


# -- trainer pages -----------------------------------------------------------------------------------
def test_cohort_pages_are_for_the_courses_trainers_only(paced, make_user, client_for):
    course, cohort, learner, _trainer, _module2 = paced
    other_trainer = make_user(role="trainer")

    for person in (learner, other_trainer):
        browser = client_for(person)
        assert browser.get(f"/teach/courses/{course.id}/cohorts").status_code == 403
        assert browser.get(f"/teach/courses/{course.id}/cohorts/{cohort.id}").status_code == 403
        assert (
            browser.post(f"/teach/courses/{course.id}/cohorts/{cohort.id}/delete").status_code
            == 403
        )
        assert (
            browser.post(
                f"/teach/courses/{course.id}/cohorts/{cohort.id}/delete", data={"confirmed": "1"}
            ).status_code
            == 403
        )
        assert (
            browser.get(f"/teach/courses/{course.id}/cohorts/{cohort.id}/delete").status_code == 403
        )
    assert count_rows(Cohort) == 1


def test_deleting_a_cohort_shows_what_goes_and_deletes_only_when_confirmed(paced, client_for):
    course, cohort, learner, trainer, _module2 = paced
    set_deadline(cohort, activity_of(course).id, utcnow() + timedelta(days=3))
    db.session.commit()
    browser = client_for(trainer)
    url = f"/teach/courses/{course.id}/cohorts/{cohort.id}/delete"

    summary = browser.get(url).get_data(as_text=True)
    unconfirmed = browser.post(url, data={"csrf_token": csrf_token(summary)})

    assert (
        "1 member leaves the cohort: they stay enrolled in the course and continue self-paced."
        in summary
    )
    assert "1 cohort deadline is removed." in summary
    assert "Messages already sent to the cohort stay in the members&#39; notifications." in summary
    assert 'name="confirmed" value="1"' in summary and f'action="{url}"' in summary
    assert unconfirmed.status_code == 200 and "1 member leaves the cohort" in unconfirmed.get_data(
        as_text=True
    )
    assert count_rows(Cohort) == 1 and count_rows(CohortMember) == 1

    done = browser.post(url, data={"csrf_token": csrf_token(summary), "confirmed": "1"})

    assert done.status_code == 302
    assert count_rows(Cohort) == 0 and count_rows(CohortMember) == 0
    assert count_rows(Enrolment, user_id=learner.id, course_id=course.id) == 1


def test_a_cohort_form_with_dates_out_of_order_is_shown_again_with_the_message(paced, client_for):
    course, _cohort, _learner, trainer, _module2 = paced
    browser = client_for(trainer)
    page = browser.get(f"/teach/courses/{course.id}/cohorts").get_data(as_text=True)

    response = browser.post(
        f"/teach/courses/{course.id}/cohorts",
        data={
            "csrf_token": csrf_token(page),
            "name": "Autumn",
            "starts_on": "2027-10-01",
            "ends_on": "2027-09-01",
            "language": "",
        },
    )

    assert response.status_code == 400
    assert "The end date must not be before the start date." in response.get_data(as_text=True)
    assert count_rows(Cohort) == 1


def test_a_cycle_made_in_the_release_rule_form_is_refused_with_the_message(
    make_user, make_course, client_for
):
    trainer = make_user(role="trainer")
    course = make_course(modules=2, lessons=1, trainer=trainer)
    module1, module2 = modules_of(course)
    set_release_rule(course, ("m", module2.id), requires=[("m", module1.id)])
    db.session.commit()
    browser = client_for(trainer)
    page = browser.get(f"/teach/courses/{course.id}/release/m{module1.id}").get_data(as_text=True)

    response = browser.post(
        f"/teach/courses/{course.id}/release/m{module1.id}",
        data={
            "csrf_token": csrf_token(page),
            "relative_to": "start",
            "requires": [f"m{module2.id}"],
        },
    )

    assert response.status_code == 400
    assert "make a cycle" in response.get_data(as_text=True)
    assert count_rows(ReleaseRule) == 1


def test_trainers_set_deadlines_and_a_malformed_one_saves_none(paced, client_for):
    course, cohort, _learner, trainer, _module2 = paced
    survey = activity_of(course)
    browser = client_for(trainer)
    page = browser.get(f"/teach/courses/{course.id}/cohorts/{cohort.id}").get_data(as_text=True)
    due = (TODAY + timedelta(days=10)).isoformat() + "T17:00"

    bad = browser.post(
        f"/teach/courses/{course.id}/cohorts/{cohort.id}/deadlines",
        data={"csrf_token": csrf_token(page), f"due-close-{survey.id}": "next tuesday"},
    )
    good = browser.post(
        f"/teach/courses/{course.id}/cohorts/{cohort.id}/deadlines",
        data={"csrf_token": csrf_token(page), f"due-close-{survey.id}": due},
    )

    assert bad.status_code == good.status_code == 302
    assert pacing_for(_learner.id, course).deadline(survey.id) == datetime.fromisoformat(
        due
    ).replace(tzinfo=UTC)


def test_a_cohort_message_reaches_each_member_framed_in_their_language(
    paced, make_user, client_for
):
    course, cohort, learner, trainer, _module2 = paced
    italian = make_user(locale="it")
    add_to_cohort(italian, cohort)
    db.session.commit()
    browser = client_for(trainer)
    page = browser.get(f"/teach/courses/{course.id}/cohorts/{cohort.id}").get_data(as_text=True)

    response = browser.post(
        f"/teach/courses/{course.id}/cohorts/{cohort.id}/message",
        data={
            "csrf_token": csrf_token(page),
            "subject": "Seminar on Friday",
            "body": "Bring your draft.",
        },
    )

    assert response.status_code == 302
    mails = {m["To"]: m.get_content() for m in outbox()}
    assert set(mails) == {learner.email, italian.email}
    assert "Bring your draft." in mails[learner.email] and "Hello" in mails[learner.email]
    assert "Bring your draft." in mails[italian.email] and "Buongiorno" in mails[italian.email]


# -- command line ------------------------------------------------------------------------------------
def test_cohorts_can_be_created_filled_and_listed_from_the_command_line(
    app, make_user, make_course
):
    course = make_course()
    learner = make_user()

    created = invoke_cli(
        app,
        "cohorts",
        "create",
        course.slug,
        "Spring 2027",
        "--start",
        "2027-03-01",
        "--end",
        "2027-06-30",
        "--json",
    )
    cohort_id = json.loads(created.output)["id"]
    added = invoke_cli(app, "cohorts", "add", learner.email, str(cohort_id))
    listed = invoke_cli(app, "cohorts", "list", course.slug, "--json")

    assert created.exit_code == added.exit_code == listed.exit_code == 0, (
        created.output + added.output
    )
    assert json.loads(listed.output) == [
        {
            "id": cohort_id,
            "course": course.slug,
            "name": "Spring 2027",
            "start": "2027-03-01",
            "end": "2027-06-30",
            "language": None,
            "members": 1,
        }
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--start", "2027-03-01", "--end", "2027-02-01"],
            "end date must not be before the start date",
        ),
        (["--start", "March"], "'March' is not a date"),
    ],
)
def test_the_command_line_refuses_bad_dates_and_writes_nothing(app, make_course, args, message):
    course = make_course()

    result = invoke_cli(app, "cohorts", "create", course.slug, "Bad", *args, "--json")

    assert result.exit_code == 1
    assert message in result.output
    assert count_rows(Cohort) == 0


def test_a_prerequisite_retired_from_the_course_no_longer_holds(make_user, make_course):
    course = make_course(modules=2, lessons=1)
    module1, module2 = modules_of(course)
    learner = make_user()
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    set_release_rule(course, ("m", module2.id), requires=[("m", module1.id)])
    db.session.commit()
    assert not pacing_for(learner.id, course).module(module2.id).open

    module1.archived = True
    db.session.commit()

    assert pacing_for(learner.id, course).module(module2.id).open


def test_learner_deadlines_lists_every_course_soonest_first_with_extensions(
    paced, make_user, make_course
):
    from nttlearn.api import learner_deadlines

    course, cohort, learner, trainer, _module2 = paced
    other_course = make_course(modules=1, lessons=1, activities=((0, "quiz", True),))
    other_cohort = create_cohort(other_course, "Autumn", TODAY - timedelta(days=10))
    add_to_cohort(learner, other_cohort)
    survey, quiz = activity_of(course), activity_of(other_course)
    set_deadline(cohort, survey.id, utcnow() + timedelta(days=9))
    set_deadline(other_cohort, quiz.id, utcnow() - timedelta(days=1))
    grant_extension(learner.id, survey.id, course, utcnow() + timedelta(days=2), granted_by=trainer)
    db.session.commit()

    deadlines = learner_deadlines(learner.id)

    assert [(d.activity_id, d.overdue, d.done) for d in deadlines] == [
        (quiz.id, True, False),
        (survey.id, False, False),
    ]
    assert deadlines[1].due_at < utcnow() + timedelta(
        days=3
    )  # the extension, not the cohort's date


def test_activity_release_says_why_an_activity_is_locked(paced, app):
    from nttlearn.api import activity_release

    course, _cohort, learner, trainer, module2 = paced
    survey = activity_of(course)
    set_release_rule(course, ("a", survey.id), requires=[("m", module2.id)])
    db.session.commit()

    access = activity_release(learner.id, survey)

    assert (access.open, access.reason, access.requires) == (False, "prerequisites", ("Module 2",))
    with app.test_request_context():
        assert activity_release(trainer, survey).open  # the course's trainers see it open
