"""The learner's to-do list, calendar and feed, and notifications: the in-app list, e-mails as
each person prefers, the digest, deadline reminders sent once, welcome mails, time zones."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from flask_babel import force_locale

from nttlearn import hookimpl
from nttlearn.dates import format_user_datetime
from nttlearn.extensions import db
from nttlearn.hooktypes import TodoItem
from nttlearn.learn.services import enrol
from nttlearn.learn.todo import todo_items
from nttlearn.mail import outbox
from nttlearn.models import Enrolment, Notification, NotificationPreference, User
from nttlearn.notifications import services as notifications
from nttlearn.testing import at_once, count_queries, count_rows, login

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


class Deadlines:
    """A plugin with two dated items (one overdue) and an invitation, per learner."""

    name = "deadlines"

    def __init__(self, now: datetime = NOW, fail: bool = False) -> None:
        self.now, self.fail = now, fail

    @hookimpl
    def nttlearn_todo_items(self, user):
        if self.fail:
            raise RuntimeError("the deadlines plugin is broken")
        from flask_babel import gettext

        return [
            TodoItem(
                key="deadlines:report",
                kind="quiz",
                title=gettext("Dashboard") + " report",
                url="/report",
                due_at=self.now + timedelta(days=2),
            ),
            TodoItem(
                key="deadlines:late",
                kind="review",
                title="Late review",
                url="/late",
                due_at=self.now - timedelta(days=1),
            ),
            TodoItem(
                key="deadlines:team",
                kind="invitation",
                title="Join team Bologna",
                url="/team",
                state="invited",
            ),
        ]


def browser(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def mails_to(address: str):
    return [m for m in outbox() if m["To"] == address]


@pytest.fixture
def deadlines_app(app_factory):
    plugin = Deadlines(now=datetime.now(UTC))
    app = app_factory(plugins=[plugin])
    with app.app_context():
        yield app
        db.session.remove()


# -- the to-do list --------------------------------------------------------------------------------
def test_todo_items_merge_plugins_with_the_next_lesson_sorted_by_date(
    deadlines_app, make_user, make_course
):
    learner = make_user()
    course = make_course(modules=1, lessons=2)
    enrol(learner.id, course)
    db.session.commit()

    with deadlines_app.test_request_context():
        items = todo_items(learner)

    assert [i.key for i in items] == [
        "deadlines:late",
        "deadlines:report",
        "deadlines:team",
        f"lesson:{course.id}",
    ]
    assert [i.state for i in items] == ["overdue", "due_soon", "invited", "todo"]
    assert items[-1].title == f"Start “{course.title}”: Lesson 1.1"
    assert {i.plugin for i in items[:3]} == {"deadlines"}


def test_the_dashboard_starts_with_what_to_do_next_in_date_order(
    deadlines_app, make_user, make_course
):
    learner = make_user()
    make_course(modules=1, lessons=1)
    html = browser(deadlines_app, learner).get("/dashboard").get_data(as_text=True)

    todo = html[html.index('id="todo-title"') : html.index("My courses")]
    assert (
        todo.index("Late review") < todo.index("Dashboard report") < todo.index("Join team Bologna")
    )
    assert "Overdue" in todo and "Due soon" in todo


def test_a_failing_plugin_is_left_out_of_the_todo_list_and_the_page_still_renders(
    app_factory, make_user
):
    app = app_factory(plugins=[Deadlines(fail=True)])
    learner = make_user()

    response = browser(app, learner).get("/dashboard")

    assert response.status_code == 200
    assert "Nothing to do right now." in response.get_data(as_text=True)


def test_a_todo_item_refuses_a_naive_date_and_an_unknown_state():
    with pytest.raises(ValueError, match="timezone-aware"):
        TodoItem(key="k", kind="quiz", title="t", url="/", due_at=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="unknown to-do state"):
        TodoItem(key="k", kind="quiz", title="t", url="/", state="someday")


def _learners(numbers: range, course) -> None:
    """Learners enrolled in ``course``, inserted in bulk (no welcome mails: not through enrol())."""
    emails = [f"bulk{n}@example.org" for n in numbers]
    db.session.execute(
        db.insert(User),
        [{"email": e, "name": e, "password_hash": "", "role": "learner"} for e in emails],
    )
    ids = db.session.execute(db.select(User.id).where(User.email.in_(emails))).scalars().all()
    db.session.execute(
        db.insert(Enrolment), [{"user_id": i, "course_id": course.id, "cohort": ""} for i in ids]
    )
    db.session.commit()


def test_the_dashboard_runs_as_many_queries_with_1000_learners_as_with_10(
    app, make_user, make_course
):
    learner = make_user()
    course = make_course(modules=2, lessons=3)
    enrol(learner.id, course)
    db.session.commit()
    client = browser(app, learner)
    _learners(range(10), course)
    client.get("/dashboard")  # warm the per-worker caches
    with count_queries(app) as few:
        assert client.get("/dashboard").status_code == 200
    _learners(range(10, 1000), course)
    with count_queries(app) as many:
        html = client.get("/dashboard").get_data(as_text=True)

    assert "Start “" in html
    assert len(many) == len(few), "\n".join(many)


# -- notifications ---------------------------------------------------------------------------------
def test_notify_lists_the_notification_and_mails_it_in_the_recipient_s_language(app, make_user):
    user = make_user(locale="it")

    notifications.notify(
        user, "course_message", lambda: "[" + _lang() + "] hello", url="/courses", body="Body"
    )
    db.session.commit()

    (mail,) = mails_to(user.email)
    assert mail["Subject"] == "[it] hello"
    text = mail.get_content()
    assert "/courses" in text and "/unsubscribe/" in text and "/account/notifications" in text
    assert count_rows(Notification, user_id=user.id, mail="sent") == 1


def _lang() -> str:
    from flask_babel import get_locale

    return str(get_locale())


def test_a_notification_with_a_key_is_sent_once(app, make_user):
    user = make_user()

    first = notifications.notify(user, "deadline_reminder", "Due", key="quiz:1:3d")
    second = notifications.notify(user, "deadline_reminder", "Due", key="quiz:1:3d")
    db.session.commit()

    assert first is not None and second is None
    assert count_rows(Notification, user_id=user.id) == 1
    assert len(mails_to(user.email)) == 1


def test_digest_preference_waits_for_the_digest_and_off_sends_nothing(app, make_user):
    user = make_user()
    notifications.set_preference(user.id, "feedback_available", "digest")
    notifications.set_preference(user.id, "course_message", "off")
    notifications.notify(user, "feedback_available", "Feedback one", url="/one")
    notifications.notify(user, "feedback_available", "Feedback two", url="/two")
    notifications.notify(user, "course_message", "Trainer says hi")
    db.session.commit()
    assert mails_to(user.email) == []

    assert notifications.send_digest() == 1
    assert notifications.send_digest() == 0  # run again: nothing twice

    (digest,) = mails_to(user.email)
    assert "Feedback one" in digest.get_content() and "Feedback two" in digest.get_content()
    assert "Trainer says hi" not in digest.get_content()
    assert count_rows(Notification, user_id=user.id) == 3


def test_the_navbar_counts_unread_notifications_and_the_list_marks_them_read(app, make_user):
    user, other = make_user(), make_user()
    mine = notifications.notify(user, "course_message", "First news")
    notifications.notify(user, "course_message", "Second news")
    theirs = notifications.notify(other, "course_message", "Not yours")
    db.session.commit()
    mine_id, theirs_id = mine.id, theirs.id
    client = browser(app, user)

    html = client.get("/notifications").get_data(as_text=True)
    assert re.search(r'class="badge unread-count">2<', html)
    assert "First news" in html and "Not yours" not in html

    assert client.post(f"/notifications/{theirs_id}/read").status_code == 404
    assert client.post(f"/notifications/{mine_id}/read").status_code == 302
    assert re.search(
        r'class="badge unread-count">1<', client.get("/dashboard").get_data(as_text=True)
    )
    client.post("/notifications/read-all")
    assert "unread-count" not in client.get("/dashboard").get_data(as_text=True)
    assert count_rows(Notification, user_id=other.id) == 1
    assert db.session.get(Notification, theirs_id).read_at is None


def test_the_unread_count_is_one_query_per_page(app, make_user):
    user = make_user()
    notifications.notify(user, "course_message", "News")
    db.session.commit()
    client = browser(app, user)
    client.get("/notifications")

    with count_queries(app) as statements:
        client.get("/notifications")

    assert sum("count(*)" in s.lower() and "notifications" in s for s in statements) == 1


def test_preferences_are_saved_per_kind_and_refuse_unknown_values(app, make_user):
    user = make_user()
    client = browser(app, user)

    response = client.post(
        "/account/notifications",
        data={
            "notify-kind_deadline_reminder": "digest",
            **{
                f"notify-kind_{k}": "immediately"
                for k in notifications.KINDS
                if k != "deadline_reminder"
            },
        },
    )
    assert response.status_code == 302
    assert notifications.preferences(user.id)["deadline_reminder"] == "digest"

    response = client.post(
        "/account/notifications", data={"notify-kind_deadline_reminder": "hourly"}
    )
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    assert notifications.preferences(user.id)["deadline_reminder"] == "digest"


def test_the_unsubscribe_link_works_without_logging_in_and_only_after_the_button(app, make_user):
    user = make_user()
    notifications.notify(user, "course_message", "News")
    db.session.commit()
    link = re.search(
        r"https?://[^/\s]+(/unsubscribe/\S+)", mails_to(user.email)[0].get_content()
    ).group(1)
    client = app.test_client()

    assert "Stop receiving e-mails" in client.get(link).get_data(as_text=True)
    assert db.session.get(NotificationPreference, (user.id, "course_message")) is None
    assert client.post(link).status_code == 200

    assert notifications.preferences(user.id)["course_message"] == "off"
    assert client.get("/unsubscribe/not-a-token").status_code == 404


# -- reminders -------------------------------------------------------------------------------------
@pytest.fixture
def reminder_app(app_factory):
    """An app whose only plugin gives every learner a report due two days after NOW. Run the jobs
    in its context (:func:`on`): the ``app`` fixture's context is the one the test starts in."""
    return app_factory(plugins=[Deadlines(now=NOW)])


def on(app, job, *args, **kwargs):
    with app.app_context():
        try:
            return job(*args, **kwargs)
        finally:
            db.session.remove()


def test_a_reminder_goes_out_once_per_learner_and_deadline_however_often_the_job_runs(
    reminder_app, make_user, make_course
):
    learner = make_user(locale="sv")
    course = make_course(modules=1, lessons=1)
    enrol(learner.id, course)
    db.session.commit()
    before = len(mails_to(learner.email))  # the welcome to the course

    assert (
        on(reminder_app, notifications.send_reminders, now=NOW) == 1
    )  # due in 2 days: the 3-day reminder
    assert on(reminder_app, notifications.send_reminders, now=NOW) == 0
    assert on(reminder_app, notifications.send_reminders, now=NOW + timedelta(hours=1)) == 0
    assert (
        on(reminder_app, notifications.send_reminders, now=NOW + timedelta(days=1, hours=1)) == 1
    )  # the 1-day one

    reminders = mails_to(learner.email)[before:]
    assert len(reminders) == 2
    assert "/report" in reminders[0].get_content()
    assert sorted(
        db.session.execute(
            db.select(Notification.key).where(Notification.kind == "deadline_reminder")
        ).scalars()
    ) == ["reminder:deadlines:report:1d", "reminder:deadlines:report:3d"]


def test_two_reminder_jobs_at_once_send_each_reminder_once(reminder_app, make_user, make_course):
    learners = [make_user() for _ in range(3)]
    course = make_course(modules=1, lessons=1)
    for learner in learners:
        db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    db.session.commit()
    people = [(learner.id, learner.email) for learner in learners]
    db.session.remove()

    at_once(reminder_app, [lambda: notifications.send_reminders(now=NOW)] * 2)
    on(reminder_app, notifications.send_reminders, now=NOW)  # and a retry

    for user_id, email in people:
        assert count_rows(Notification, user_id=user_id, kind="deadline_reminder") == 1
        assert len(mails_to(email)) == 1


def test_the_send_reminders_and_send_digest_commands(reminder_app, make_user, make_course):
    from nttlearn.testing import invoke_cli

    learner = make_user()
    course = make_course(modules=1, lessons=1)
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    db.session.commit()

    result = invoke_cli(reminder_app, "notifications", "send-reminders")
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"\d+ reminders sent\n", result.output)
    result = invoke_cli(reminder_app, "notifications", "send-digest")
    assert result.exit_code == 0 and result.output == "0 digests sent\n"


def test_reminder_lead_picks_the_most_urgent_lead_reached():
    due = NOW + timedelta(days=2)
    assert notifications.reminder_lead(due, NOW - timedelta(days=2), (3, 1)) is None
    assert notifications.reminder_lead(due, NOW, (3, 1)) == 3
    assert notifications.reminder_lead(due, NOW + timedelta(days=1, hours=12), (3, 1)) == 1
    assert notifications.reminder_lead(due, due, (3, 1)) is None


# -- welcome mails ---------------------------------------------------------------------------------
def test_enrolling_sends_one_welcome_in_the_learner_s_language(app, make_user, make_course):
    learner = make_user(locale="it")
    course = make_course(modules=1, lessons=1, languages=["en", "it"])

    enrol(learner.id, course)
    db.session.commit()
    enrol(learner.id, course)
    db.session.commit()

    (mail,) = mails_to(learner.email)
    assert f"[it] {course.title}" in mail["Subject"]
    assert f"/courses/{course.slug}" in mail.get_content()


def test_a_finnish_learner_s_welcome_names_the_course_in_finnish(app, make_user, make_course):
    learner = make_user(locale="fi")
    course = make_course(
        modules=1,
        lessons=1,
        translations={"fi": {"title": "Ystävyyskaupunkien verkoston suunnittelu"}},
    )

    enrol(learner.id, course)
    db.session.commit()

    (mail,) = mails_to(learner.email)
    assert mail["Subject"] == "Tervetuloa kurssille ”Ystävyyskaupunkien verkoston suunnittelu”"


# -- calendar --------------------------------------------------------------------------------------
def test_the_calendar_page_shows_the_month_s_deadlines(deadlines_app, make_user):
    learner = make_user()
    client = browser(deadlines_app, learner)

    html = client.get("/calendar").get_data(as_text=True)

    assert "Dashboard report" in html and 'aria-current="date"' in html
    assert client.get("/calendar?month=2026-13").status_code == 400
    assert "Nothing is due this month." in client.get("/calendar?month=2001-01").get_data(
        as_text=True
    )


def test_the_calendar_feed_is_valid_icalendar_behind_a_secret_revocable_address(
    deadlines_app, make_user
):
    learner = make_user()
    client = browser(deadlines_app, learner)
    assert client.post("/account/calendar-feed", data={"action": "new"}).status_code == 302
    db.session.expire_all()
    token = db.session.get(User, learner.id).calendar_token
    anonymous = deadlines_app.test_client()

    response = anonymous.get(f"/calendar/feed/{token}.ics")

    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Dashboard report", "Late review"}  # the invitation has no date
    event = events["Dashboard report"]
    assert str(event["uid"]) == f"deadlines:report.u{learner.id}@127.0.0.1"
    assert event.decoded("dtstart").tzinfo is not None and event.decoded(
        "dtstart"
    ).utcoffset() == timedelta(0)
    assert "dtstamp" in event and str(event["url"]).endswith("/report")
    again = icalendar.Calendar.from_ical(anonymous.get(f"/calendar/feed/{token}.ics").data)
    assert {str(e["uid"]) for e in again.walk("VEVENT")} == {str(e["uid"]) for e in events.values()}

    client.post("/account/calendar-feed", data={"action": "new"})
    assert anonymous.get(f"/calendar/feed/{token}.ics").status_code == 404
    client.post("/account/calendar-feed", data={"action": "revoke"})
    db.session.expire_all()
    assert db.session.get(User, learner.id).calendar_token is None
    assert anonymous.get("/calendar/feed/x.ics").status_code == 404


# -- time zones ------------------------------------------------------------------------------------
def test_the_account_page_saves_a_time_zone_and_refuses_an_unknown_one(app, make_user):
    user = make_user()
    client = browser(app, user)
    base = {"name": user.name, "locale": "en", "country": ""}

    assert client.post("/account", data={**base, "timezone": "Europe/Helsinki"}).status_code == 302
    assert db.session.get(User, user.id).timezone == "Europe/Helsinki"
    response = client.post("/account", data={**base, "timezone": "Mars/Olympus"})
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    assert client.post("/account", data={**base, "timezone": ""}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).timezone is None  # the site's time zone again


def test_dates_are_written_in_the_person_s_zone_and_language(app, make_user):
    helsinki, default = make_user(), make_user()
    helsinki.timezone = "Europe/Helsinki"
    moment = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)

    with app.test_request_context(), force_locale("it"):
        assert format_user_datetime(moment, helsinki, "HH:mm") == "12:30"
        assert (
            format_user_datetime(moment, default, "HH:mm") == "11:30"
        )  # Europe/Brussels, summer time
        assert "giu" in format_user_datetime(moment, default, "medium")
