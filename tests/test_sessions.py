"""Sessions live on the server: logging out, "log out everywhere", a password change or reset,
deactivation and an administrator end them at once, copied cookies included; idle and absolute
timeouts end them too; remember-me lasts 30 days at most and its cookie changes when used."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from core_helpers import csrf_token

from nttlearn import config
from nttlearn.auth import sessions
from nttlearn.extensions import db
from nttlearn.models import User, UserSession
from nttlearn.testing import TEST_PASSWORD, count_queries, count_rows, login

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
NEW_PASSWORD = "a new long passphrase 2010"


@pytest.fixture
def clock(monkeypatch):
    """The time sessions are measured against, moved forward by the test (no sleeping)."""
    now = [datetime(2026, 11, 28, 9, 0, tzinfo=UTC)]
    monkeypatch.setattr(sessions, "now", lambda: now[0])

    class Clock:
        def advance(self, **delta: float) -> None:
            now[0] += timedelta(**delta)

    return Clock()


def logged_in(client) -> bool:
    """Whether ``client`` is logged in: the dashboard answers, rather than sending it to log in."""
    return client.get("/dashboard").status_code == 200


def remember_login(client, user):
    return client.post(
        "/login", data={"email": user.email, "password": TEST_PASSWORD, "remember": "y"}
    )


def cookie(client, name: str) -> str | None:
    found = client.get_cookie(name)
    return found.value if found is not None else None


def browser_with(app, **cookies: str):
    """A new browser holding copies of ``cookies`` (what someone who copied them would have)."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value)
    return browser


# -- logging out ---------------------------------------------------------------------------------
def test_a_copied_session_cookie_stops_working_after_logout(app, make_user, client):
    login(client, make_user())
    copy = browser_with(app, session=cookie(client, "session"))
    assert logged_in(copy)

    client.post("/logout")

    assert not logged_in(copy)


def test_a_copied_remember_me_cookie_stops_working_after_logout(app, make_user, client):
    remember_login(client, make_user())
    copy = browser_with(app, remember_token=cookie(client, "remember_token"))
    assert logged_in(copy)
    copy = browser_with(app, remember_token=cookie(client, "remember_token"))

    client.post("/logout")

    assert not logged_in(copy)


def test_logging_out_deletes_the_remember_me_cookie_and_the_browser_stays_logged_out(
    make_user, client
):
    remember_login(client, make_user())

    client.post("/logout")

    assert cookie(client, "remember_token") is None
    assert not logged_in(client)


def test_logging_out_ends_the_session_record(make_user, client):
    user = make_user()
    login(client, user)
    assert count_rows(UserSession, user_id=user.id) == 1

    client.post("/logout")

    assert count_rows(UserSession, user_id=user.id) == 0


def test_the_database_holds_a_hash_of_the_session_token_never_the_token(make_user, client):
    user = make_user()
    login(client, user)
    with client.session_transaction() as flask_session:
        token = flask_session["_user_id"]

    record = db.session.execute(db.select(UserSession).filter_by(user_id=user.id)).scalar_one()

    assert str(user.id) not in token.split(":")
    assert token not in record.token_hash and len(record.token_hash) == 64


# -- my sessions on the account page -------------------------------------------------------------
def test_the_account_page_lists_my_sessions_with_device_address_and_this_one_marked(app, make_user):
    user = make_user()
    here = app.test_client()
    here.post(
        "/login",
        data={"email": user.email, "password": TEST_PASSWORD},
        headers={"User-Agent": FIREFOX},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    phone = app.test_client()
    phone.post(
        "/login",
        data={"email": user.email, "password": TEST_PASSWORD},
        headers={"User-Agent": IPHONE},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )

    page = here.get("/account", headers={"User-Agent": FIREFOX}).get_data(as_text=True)

    assert "Where you are logged in" in page
    assert "Firefox 126 on Windows 10" in page and "198.51.100.7" in page
    assert "Mobile Safari 17 on iOS 17" in page and "203.0.113.9" in page
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    assert [row for row in rows if "(this browser)" in row] == [
        row for row in rows if "Firefox 126" in row
    ]
    assert len([row for row in rows if "(this browser)" in row]) == 1


def test_log_out_everywhere_ends_every_browser_of_the_account(app, make_user, client_for):
    user, other = make_user(), make_user()
    here, laptop, phone, someone_else = (
        client_for(user),
        client_for(user),
        client_for(user),
        client_for(other),
    )

    response = here.post("/account/sessions/end-all")

    assert response.headers["Location"] == "/login"
    assert [logged_in(c) for c in (here, laptop, phone)] == [False, False, False]
    assert logged_in(someone_else)
    assert count_rows(UserSession, user_id=user.id) == 0


def test_ending_one_of_my_sessions_logs_that_browser_out_and_no_other(make_user, client_for):
    user = make_user()
    here, forgotten, phone = client_for(user), client_for(user), client_for(user)
    oldest = (
        db.session.execute(
            db.select(UserSession).filter_by(user_id=user.id).order_by(UserSession.id)
        )
        .scalars()
        .all()[1]
    )

    response = here.post(f"/account/sessions/{oldest.id}/end")

    assert response.headers["Location"] == "/account"
    assert [logged_in(c) for c in (here, forgotten, phone)] == [True, False, True]


def test_ending_this_browsers_session_from_the_list_logs_it_out(make_user, client_for):
    user = make_user()
    here, phone = client_for(user), client_for(user)
    mine = (
        db.session.execute(
            db.select(UserSession).filter_by(user_id=user.id).order_by(UserSession.id)
        )
        .scalars()
        .first()
    )

    here.post(f"/account/sessions/{mine.id}/end")

    assert [logged_in(here), logged_in(phone)] == [False, True]


def test_nobody_can_end_another_persons_session(make_user, client_for):
    victim, intruder = make_user(), make_user(role="trainer")
    victims_browser, intruders_browser = client_for(victim), client_for(intruder)
    record = db.session.execute(db.select(UserSession).filter_by(user_id=victim.id)).scalar_one()

    response = intruders_browser.post(f"/account/sessions/{record.id}/end")

    assert response.status_code == 404
    assert logged_in(victims_browser)
    assert count_rows(UserSession, user_id=victim.id) == 1


def test_an_anonymous_visitor_cannot_end_a_session(app, make_user, client_for):
    owner = make_user()
    browser = client_for(owner)
    record = db.session.execute(db.select(UserSession).filter_by(user_id=owner.id)).scalar_one()

    response = app.test_client().post(f"/account/sessions/{record.id}/end")
    everywhere = app.test_client().post("/account/sessions/end-all")

    assert response.headers["Location"].startswith("/login")
    assert everywhere.headers["Location"].startswith("/login")
    assert logged_in(browser)


def test_ending_sessions_needs_the_csrf_token(app_factory, make_user):
    app = app_factory({"WTF_CSRF_ENABLED": True})
    with app.app_context():
        user = make_user()
        here, phone = app.test_client(), app.test_client()
        for browser in (here, phone):
            token = csrf_token(browser.get("/login").get_data(as_text=True))
            browser.post(
                "/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token}
            )
        assert logged_in(phone)
        record = (
            db.session.execute(
                db.select(UserSession).filter_by(user_id=user.id).order_by(UserSession.id.desc())
            )
            .scalars()
            .first()
        )

        forged_one = here.post(f"/account/sessions/{record.id}/end")
        forged_all = here.post("/account/sessions/end-all")
        assert (forged_one.status_code, forged_all.status_code) == (400, 400)
        assert logged_in(phone)

        token = csrf_token(here.get("/account").get_data(as_text=True))
        here.post("/account/sessions/end-all", data={"csrf_token": token})
        assert not logged_in(phone)


# -- password change and reset, deactivation, the administrator ------------------------------------
def test_a_password_reset_ends_every_session_of_the_account(app, make_user, client_for):
    from nttlearn.auth.services import reset_token

    user = make_user()
    laptop, phone = client_for(user), client_for(user)

    app.test_client().post(
        f"/password/reset/{reset_token(user)}",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )

    assert [logged_in(laptop), logged_in(phone)] == [False, False]
    assert count_rows(UserSession, user_id=user.id) == 0


def test_changing_the_password_keeps_this_session_and_deletes_the_others(make_user, client_for):
    user = make_user()
    here, laptop = client_for(user), client_for(user)

    here.post(
        "/account/password",
        data={"pw-current": TEST_PASSWORD, "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD},
    )

    assert [logged_in(here), logged_in(laptop)] == [True, False]
    assert count_rows(UserSession, user_id=user.id) == 1


def test_deactivation_by_an_admin_ends_the_persons_sessions_for_good(make_user, client_for):
    admin, learner = make_user(role="admin"), make_user()
    admins_browser, learners_browser = client_for(admin), client_for(learner)

    admins_browser.post(f"/admin/users/{learner.id}", data={"role": "learner"})  # "active" unticked
    assert not logged_in(learners_browser)
    admins_browser.post(f"/admin/users/{learner.id}", data={"role": "learner", "active": "y"})

    assert db.session.get(User, learner.id).active
    assert not logged_in(learners_browser)  # reactivating does not bring the old session back
    assert count_rows(UserSession, user_id=learner.id) == 0


def test_an_admin_ends_all_sessions_of_a_person_from_the_user_page(make_user, client_for):
    admin, learner = make_user(role="admin"), make_user(name="Lost Laptop")
    admins_browser = client_for(admin)
    laptop, phone = client_for(learner), client_for(learner)
    page = admins_browser.get(f"/admin/users/{learner.id}").get_data(as_text=True)
    assert "End this user's sessions" in page

    response = admins_browser.post(f"/admin/users/{learner.id}/sessions/end", follow_redirects=True)

    assert "2 sessions of Lost Laptop have been ended." in response.get_data(as_text=True)
    assert [logged_in(laptop), logged_in(phone)] == [False, False]
    assert logged_in(admins_browser)


def test_an_admin_ending_their_own_sessions_stays_logged_in_here(make_user, client_for):
    admin = make_user(role="admin")
    here, elsewhere = client_for(admin), client_for(admin)

    here.post(f"/admin/users/{admin.id}/sessions/end")

    assert [logged_in(here), logged_in(elsewhere)] == [True, False]


@pytest.mark.parametrize("role", ["learner", "trainer"])
def test_only_an_admin_may_end_another_persons_sessions(make_user, client_for, role):
    target = make_user()
    targets_browser, someone = client_for(target), client_for(make_user(role=role))

    response = someone.post(f"/admin/users/{target.id}/sessions/end")

    assert response.status_code == 403
    assert logged_in(targets_browser)


# -- timeouts ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "idle_minutes"),
    [("learner", 8 * 60), ("trainer", 30), ("coordinator", 30), ("admin", 30)],
)
def test_a_session_ends_when_unused_for_longer_than_the_roles_idle_timeout(
    make_user, client_for, clock, role, idle_minutes
):
    user = make_user(role=role)
    still_used, left_alone = client_for(user), client_for(user)

    clock.advance(minutes=idle_minutes - 1)
    assert logged_in(still_used)
    clock.advance(minutes=2)

    assert logged_in(still_used)  # used a minute ago: its idle time starts again
    assert not logged_in(left_alone)


def test_a_busy_session_still_ends_twelve_hours_after_login(make_user, client_for, clock):
    browser = client_for(make_user())
    for _ in range(11 * 4):
        clock.advance(minutes=15)
        assert logged_in(browser)

    clock.advance(hours=1, seconds=1)

    assert not logged_in(browser)


def test_the_timeouts_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("NTTLEARN_SESSION_IDLE_MINUTES_STAFF", "15")
    monkeypatch.setenv("NTTLEARN_SESSION_IDLE_MINUTES_LEARNER", "120")
    monkeypatch.setenv("NTTLEARN_SESSION_LIFETIME_HOURS", "8")
    monkeypatch.setenv("NTTLEARN_REMEMBER_ME_DAYS", "7")

    settings = config.settings_from_env()

    assert (
        settings["SESSION_IDLE_MINUTES_STAFF"],
        settings["SESSION_IDLE_MINUTES_LEARNER"],
        settings["SESSION_LIFETIME_HOURS"],
        settings["REMEMBER_ME_DAYS"],
    ) == (15, 120, 8, 7)


def test_configured_timeouts_apply(app_factory, make_user, clock):
    app = app_factory({"SESSION_IDLE_MINUTES_LEARNER": 10})
    with app.app_context():
        browser = app.test_client()
        login(browser, make_user())
        clock.advance(minutes=11)

        assert not logged_in(browser)


def test_last_use_is_written_at_most_once_a_minute(app, make_user, client, clock):
    user = make_user()
    login(client, user)

    def writes() -> int:
        with count_queries(app) as statements:
            client.get("/dashboard")
        return sum(s.lstrip().upper().startswith("UPDATE USER_SESSIONS") for s in statements)

    def last_used():
        return db.session.execute(
            db.select(UserSession.last_used_at).filter_by(user_id=user.id)
        ).scalar_one()

    # count_queries marks every session as used at the (injected) time, as a warm worker would
    clock.advance(seconds=59)
    assert writes() == 0
    clock.advance(seconds=59)
    assert writes() == 0
    login_time = last_used()
    clock.advance(seconds=61)
    client.get("/dashboard")

    assert last_used() == login_time + timedelta(seconds=61)


# -- remember me ---------------------------------------------------------------------------------
def test_remember_me_keeps_a_person_logged_in_after_the_browser_closes_with_no_idle_timeout(
    app, make_user, client, clock
):
    remember_login(client, make_user(role="trainer"))
    clock.advance(days=3)

    reopened = browser_with(
        app, remember_token=cookie(client, "remember_token")
    )  # the session cookie is gone

    assert logged_in(reopened)


def test_remember_me_lasts_thirty_days_at_most_whatever_is_configured(
    app_factory, make_user, clock
):
    app = app_factory({"REMEMBER_ME_DAYS": 365})
    with app.app_context():
        browser = app.test_client()
        remember_login(browser, make_user())
        record = db.session.execute(db.select(UserSession)).scalar_one()
        assert record.expires_at == sessions.now() + timedelta(days=30)
        assert browser.get_cookie("remember_token").expires <= datetime.now(UTC) + timedelta(
            days=30, minutes=1
        )

        clock.advance(days=29)
        assert logged_in(browser_with(app, remember_token=cookie(browser, "remember_token")))
        clock.advance(days=1, seconds=1)
        assert not logged_in(browser_with(app, remember_token=cookie(browser, "remember_token")))


def test_the_remember_me_cookie_changes_when_used_and_a_stolen_copy_then_fails(
    app, make_user, client
):
    remember_login(client, make_user())
    stolen = cookie(client, "remember_token")

    owner_tomorrow = browser_with(app, remember_token=stolen)
    assert logged_in(owner_tomorrow)
    rotated = cookie(owner_tomorrow, "remember_token")

    assert rotated != stolen
    assert not logged_in(browser_with(app, remember_token=stolen))
    assert logged_in(owner_tomorrow)


def test_a_tab_that_lost_the_race_to_rotate_the_remember_me_cookie_does_not_overwrite_the_new_one(
    app, make_user, client
):
    """A browser restoring two tabs at once sends the same remember-me cookie twice: the first
    request to rotate it wins; the second must not answer with a cookie of its own, which would
    name no session."""
    import flask

    remember_login(client, make_user())
    with client.session_transaction() as flask_session:
        token = flask_session["_user_id"]
    with app.app_context(), app.test_request_context("/dashboard"):  # a database session of its own
        second_tab_user = sessions.load_user(token)  # the second tab read the record first...
    first_tab = browser_with(app, remember_token=cookie(client, "remember_token"))
    assert logged_in(first_tab)  # ...and the first tab rotated it meanwhile
    with app.test_request_context("/dashboard"):
        flask.session["_user_id"] = token

        sessions._rotate_remember_token(app, user=second_tab_user)

        assert flask.session["_user_id"] == token and "_remember" not in flask.session
    assert logged_in(first_tab)


def test_remember_me_can_be_switched_off(app_factory, make_user):
    app = app_factory({"REMEMBER_ME_DAYS": 0})
    with app.app_context():
        browser = app.test_client()
        assert "Keep me logged in" not in browser.get("/login").get_data(as_text=True)

        remember_login(browser, make_user())

        assert cookie(browser, "remember_token") is None
        assert db.session.execute(db.select(UserSession.remember)).scalar_one() is False


# -- housekeeping ----------------------------------------------------------------------------------
def test_prune_sessions_deletes_ended_records_and_keeps_live_ones(
    app, make_user, client_for, clock
):
    from nttlearn.cli import main

    learner, trainer, remembered = make_user(), make_user(role="trainer"), make_user(role="trainer")
    client_for(learner), client_for(trainer)
    remember_login(app.test_client(), remembered)
    clock.advance(minutes=31)  # the trainer's session is idle too long; the learner's is not

    result = app.test_cli_runner().invoke(main, ["users", "prune-sessions", "--json"])

    assert result.exit_code == 0, result.output
    assert '"deleted": 1' in result.output
    assert [count_rows(UserSession, user_id=u.id) for u in (learner, trainer, remembered)] == [
        1,
        0,
        1,
    ]


def test_logging_in_sweeps_the_accounts_ended_sessions(app, make_user, client_for, clock):
    user = make_user()
    client_for(user)
    clock.advance(hours=9)

    client_for(user)

    assert count_rows(UserSession, user_id=user.id) == 1


# -- personal data ---------------------------------------------------------------------------------
def test_the_data_export_lists_my_sessions_with_device_and_address(app, make_user):
    user = make_user()
    browser = app.test_client()
    browser.post(
        "/login",
        data={"email": user.email, "password": TEST_PASSWORD},
        headers={"User-Agent": FIREFOX},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )

    data = browser.get("/account/export.json").get_json(force=True)

    assert [(s["device"], s["ip_address"]) for s in data["sessions"]] == [
        ("Firefox 126 on Windows 10", "198.51.100.7")
    ]


def test_deleting_my_account_deletes_every_session_with_its_address(app, make_user, client_for):
    user = make_user()
    here, phone = client_for(user), client_for(user)

    here.post("/account/delete", data={"password": TEST_PASSWORD, "confirm": "y"})

    assert count_rows(UserSession, user_id=user.id) == 0
    assert [logged_in(here), logged_in(phone)] == [False, False]
