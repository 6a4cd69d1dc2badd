"""Accounts: registering, logging in (and being refused), resetting and changing the password,
the profile and the language."""

from __future__ import annotations

import re
import time

import pytest
from itsdangerous.timed import TimestampSigner

from nttlearn.extensions import db
from nttlearn.mail import outbox
from nttlearn.models import EventRecord, User
from nttlearn.testing import TEST_PASSWORD, login

GOOD_PASSWORD = "tortellini-in-brodo-at-noon"


def register(client, **fields):
    data = {
        "name": "Giulia Rossi",
        "email": "giulia@example.org",
        "password": GOOD_PASSWORD,
        "confirm": GOOD_PASSWORD,
        "organisation": "Comune di Bologna",
        "town": "Bologna",
        "country": "IT",
        "locale": "it",
    }
    data.update(fields)
    return client.post("/register", data=data)


def confirmation_link(to: str) -> str:
    mails = [m for m in outbox() if m["To"] == to]
    assert mails, f"no mail to {to}"
    return re.search(r"https?://[^/\s]+(/register/confirm/\S+)", mails[-1].get_content()).group(1)


def register_and_confirm(client, **fields):
    """Register, then open the link of the confirmation mail: the response of that link."""
    assert register(client, **fields).headers["Location"] == "/register/sent"
    return client.get(confirmation_link(fields.get("email", "giulia@example.org").lower()))


def count_users() -> int:
    return db.session.scalar(db.select(db.func.count(User.id)))


def page_text(response) -> str:
    return response.get_data(as_text=True)


# -- registration --------------------------------------------------------------------------------
def test_registration_creates_the_account_once_the_address_is_confirmed_and_records_the_event(
    client,
):
    response = register(client, email="Giulia@Example.org")

    assert response.headers["Location"] == "/register/sent"
    assert count_users() == 0  # nothing exists until the link in the mail is opened
    assert "Check your inbox" in page_text(client.get("/register/sent"))
    response = client.get(confirmation_link("giulia@example.org"))

    assert response.headers["Location"] == "/"
    user = db.session.execute(db.select(User)).scalar_one()
    assert user.email == "giulia@example.org"
    assert (user.organisation.name, user.organisation.town, user.organisation.country) == (
        "Comune di Bologna",
        "Bologna",
        "IT",
    )
    assert user.locale == "it"
    assert user.password_hash.startswith("$argon2")
    assert GOOD_PASSWORD not in outbox()[-1].get_content()
    assert db.session.execute(
        db.select(EventRecord.name).filter_by(user_id=user.id)
    ).scalars().all() == ["user.registered"]
    assert "Giulia Rossi" in page_text(client.get("/dashboard"))


def test_the_confirmation_mail_is_in_the_language_chosen_on_the_form(client):
    register(client, locale="it")

    assert outbox()[-1]["Subject"] != "Confirm your e-mail address for nttlearn"
    assert "/register/confirm/" in outbox()[-1].get_content()


def test_a_confirmation_link_opened_twice_creates_one_account_and_sends_to_login(client):
    register(client)
    link = confirmation_link("giulia@example.org")
    client.get(link)
    client.post("/logout")

    again = client.get(link, follow_redirects=True)

    assert "Your account exists already." in page_text(again)
    assert count_users() == 1


@pytest.mark.parametrize(
    "tamper", [lambda link: link[:-4] + "AAAA", lambda link: "/register/confirm/not-a-token"]
)
def test_a_tampered_confirmation_link_creates_nothing(client, tamper):
    register(client)

    response = client.get(tamper(confirmation_link("giulia@example.org")), follow_redirects=True)

    assert "This confirmation link is invalid or has expired." in page_text(response)
    assert count_users() == 0


def test_an_expired_confirmation_link_creates_nothing(client, monkeypatch):
    a_day_and_a_minute_ago = time.time() - 24 * 3600 - 60
    with monkeypatch.context() as patched:
        patched.setattr(time, "time", lambda: a_day_and_a_minute_ago)
        register(client)
    link = confirmation_link("giulia@example.org")

    response = client.get(link, follow_redirects=True)

    assert "This confirmation link is invalid or has expired." in page_text(response)
    assert count_users() == 0


def test_registering_an_address_that_has_an_account_answers_as_for_a_new_one_and_mails_the_owner(
    client, make_user
):
    owner = make_user(email="giulia@example.org", name="Giulia Already")
    new_address = register(client, email="someone-new@example.org")

    existing = register(client, email="GIULIA@example.ORG")

    assert existing.status_code == new_address.status_code == 302
    assert existing.headers["Location"] == new_address.headers["Location"] == "/register/sent"
    note = [m for m in outbox() if m["To"] == owner.email]
    assert len(note) == 1 and "You already have an account" in note[0].get_content()
    assert "/register/confirm/" not in note[0].get_content()
    assert "/password/forgot" in note[0].get_content()
    assert count_users() == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pw", "Use at least 12 characters."),
        ("password1234", "This password is too common."),
        ("aaaaaaaaaaaaaaaa", "This password is too common."),
        ("giulia@example.org", "Do not use your name or e-mail address as your password."),
        ("xyz@example.org", "Do not use your name or e-mail address as your password."),
        ("Giulia Rossi", "Do not use your name or e-mail address as your password."),
        ("giuliarossi-giulia", "Do not use your name or e-mail address as your password."),
    ],
)
def test_a_weak_password_is_refused_with_the_reason(client, password, message):
    email = "xyz@example.org" if password.startswith("xyz") else "giulia@example.org"

    response = register(client, email=email, password=password, confirm=password)

    assert response.status_code == 200
    assert message in page_text(response)
    assert count_users() == 0


def test_a_password_equal_to_the_name_is_refused(client):
    response = register(
        client,
        name="Giulia Rossi Bianchi",
        password="Giulia Rossi Bianchi",
        confirm="Giulia Rossi Bianchi",
    )

    assert response.status_code == 200
    assert "Do not use your name or e-mail address as your password." in page_text(response)


def test_a_128_character_password_is_accepted(client):
    long_password = "".join(f"{word}-" for word in ("bologna", "lulea", "coruna", "helsinki") * 5)[
        :128
    ]
    assert len(long_password) == 128

    response = register_and_confirm(client, password=long_password, confirm=long_password)

    assert response.status_code == 302
    client.post("/logout")
    assert login(client, User(email="giulia@example.org"), long_password).status_code == 302


def test_mismatched_password_confirmation_is_refused(client):
    response = register(client, confirm=GOOD_PASSWORD + "x")

    assert response.status_code == 200
    assert "The passwords do not match." in page_text(response)
    assert count_users() == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"email": "not-an-address"},
        {"name": ""},
        {"country": ""},
        {"country": "ZZ"},
        {"locale": "xx"},
        {"organisation": "x" * 201},
        {"email": "a" * 250 + "@example.org"},
        {"password": "p" * 300, "confirm": "p" * 300},
    ],
)
def test_bad_registration_input_re_shows_the_form_never_a_500(client, fields):
    response = register(client, **fields)

    assert response.status_code == 200
    assert "Please correct the fields marked below." in page_text(response)
    assert count_users() == 0


def test_registering_into_an_existing_organisation_joins_it_whatever_the_letter_case(
    client, make_user
):
    existing = make_user(org="Comune di Bologna", country="IT").organisation

    register_and_confirm(client, organisation="comune di bologna")

    user = db.session.execute(db.select(User).filter_by(email="giulia@example.org")).scalar_one()
    assert user.organisation_id == existing.id


# -- logging in ----------------------------------------------------------------------------------
def test_login_with_a_wrong_password_is_refused_with_a_message(client, make_user):
    user = make_user()

    response = login(client, user, "not-the-password")

    assert response.status_code == 200
    assert "The e-mail address or password is not correct." in page_text(response)
    assert client.get("/dashboard").status_code == 302


def test_login_after_ten_failures_is_refused_even_with_the_right_password(client, make_user):
    user = make_user()
    for _ in range(10):
        assert login(client, user, "not-the-password").status_code == 200

    response = login(client, user, TEST_PASSWORD)

    assert response.status_code == 429
    assert "Too many failed attempts" in page_text(response)
    assert client.get("/dashboard").status_code == 302


def test_the_account_limit_counts_failures_from_every_address(app, make_user):
    user = make_user()
    for n in range(10):
        login(app.test_client(), user, "not-the-password").status_code  # noqa: B018
        app.test_client().post(
            "/login",
            data={"email": user.email, "password": "x" * 12},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
        )

    response = app.test_client().post(
        "/login",
        data={"email": user.email, "password": TEST_PASSWORD},
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
    )

    assert response.status_code == 429


def test_one_address_trying_many_accounts_is_limited(app, make_user):
    attacker = {"REMOTE_ADDR": "203.0.113.7"}
    for n in range(50):
        app.test_client().post(
            "/login",
            data={"email": f"guess{n}@example.org", "password": "x" * 12},
            environ_base=attacker,
        )
    victim = make_user()

    from_attacker = app.test_client().post(
        "/login", data={"email": victim.email, "password": TEST_PASSWORD}, environ_base=attacker
    )
    from_elsewhere = app.test_client().post(
        "/login",
        data={"email": victim.email, "password": TEST_PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.1"},
    )

    assert from_attacker.status_code == 429
    assert from_elsewhere.status_code == 302


def test_a_successful_login_clears_the_account_s_failures(client, make_user):
    user = make_user()
    for _ in range(9):
        login(client, user, "not-the-password")
    assert login(client, user, TEST_PASSWORD).status_code == 302
    client.post("/logout")

    for _ in range(9):
        login(client, user, "not-the-password")

    assert login(client, user, TEST_PASSWORD).status_code == 302


def test_a_deactivated_account_cannot_log_in(client, make_user):
    user = make_user()
    user.active = False
    db.session.commit()

    response = login(client, user)

    assert response.status_code == 200
    assert "The e-mail address or password is not correct." in page_text(response)
    assert client.get("/dashboard").status_code == 302


def test_deactivating_a_logged_in_account_ends_its_access(client, make_user, login_as):
    user = make_user()
    login_as(user)
    assert client.get("/dashboard").status_code == 200

    user.active = False
    db.session.commit()

    assert client.get("/dashboard").status_code == 302


def test_login_sends_the_person_on_to_the_page_they_asked_for_but_never_off_site(client, make_user):
    user = make_user()

    assert client.get("/account").headers["Location"].startswith("/login?next=")
    inside = client.post(
        "/login?next=/account", data={"email": user.email, "password": TEST_PASSWORD}
    )
    client.post("/logout")
    outside = client.post(
        "/login?next=//evil.example/", data={"email": user.email, "password": TEST_PASSWORD}
    )

    assert inside.headers["Location"] == "/account"
    assert outside.headers["Location"] == "/dashboard"


def test_logging_out_ends_the_session(client, make_user, login_as):
    login_as(make_user())

    client.post("/logout")

    assert client.get("/dashboard").status_code == 302


# -- password reset ------------------------------------------------------------------------------
def reset_link(to: str) -> str:
    mails = [m for m in outbox() if m["To"] == to]
    assert mails, f"no mail to {to}"
    body = mails[-1].get_content()
    return re.search(r"https?://[^/\s]+(/password/reset/\S+)", body).group(1)


def test_password_reset_from_mail_to_login_and_the_link_works_once(client, make_user):
    user = make_user(name="Forgetful Official")

    response = client.post("/password/forgot", data={"email": user.email.upper()})
    assert response.status_code == 302
    link = reset_link(user.email)
    assert "Forgetful Official" in outbox()[-1].get_content()
    assert client.get(link).status_code == 200

    response = client.post(link, data={"password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD})

    assert response.headers["Location"] == "/login"
    assert login(client, user, TEST_PASSWORD).status_code == 200
    assert login(client, user, GOOD_PASSWORD).status_code == 302
    client.post("/logout")
    used = client.get(link, follow_redirects=True)
    assert "This reset link is invalid or has expired." in page_text(used)
    assert (
        client.post(
            link, data={"password": "another-fine-password", "confirm": "another-fine-password"}
        ).headers["Location"]
        == "/password/forgot"
    )


def test_a_reset_link_stops_working_when_the_password_is_changed_in_the_profile(
    client, make_user, login_as
):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    link = reset_link(user.email)
    login_as(user)

    client.post(
        "/account/password",
        data={
            "pw-current": TEST_PASSWORD,
            "pw-password": GOOD_PASSWORD,
            "pw-confirm": GOOD_PASSWORD,
        },
    )
    client.post("/logout")

    assert client.get(link).headers["Location"] == "/password/forgot"


def test_an_expired_reset_link_is_refused(client, make_user, monkeypatch):
    user = make_user()
    three_hours_ago = int(time.time()) - 3 * 3600
    with monkeypatch.context() as patched:
        patched.setattr(TimestampSigner, "get_timestamp", lambda self: three_hours_ago)
        client.post("/password/forgot", data={"email": user.email})
    link = reset_link(user.email)

    response = client.post(
        link, data={"password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD}, follow_redirects=True
    )

    assert "This reset link is invalid or has expired." in page_text(response)
    assert login(client, user, GOOD_PASSWORD).status_code == 200


def test_a_tampered_reset_link_is_refused(client, make_user):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    link = reset_link(user.email)

    assert client.get(link[:-3] + "abc").headers["Location"] == "/password/forgot"


def test_asking_a_reset_for_an_unknown_address_answers_the_same_and_sends_nothing(
    client, make_user
):
    known = make_user()
    answer_known = client.post(
        "/password/forgot", data={"email": known.email}, follow_redirects=True
    )
    answer_unknown = client.post(
        "/password/forgot", data={"email": "nobody@example.org"}, follow_redirects=True
    )

    message = "If an account exists for this address, we have sent it a link to reset the password."
    assert message in page_text(answer_known) and message in page_text(answer_unknown)
    assert [m["To"] for m in outbox()] == [known.email]


def test_a_weak_new_password_in_the_reset_form_is_refused(client, make_user):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})

    response = client.post(reset_link(user.email), data={"password": "short", "confirm": "short"})

    assert response.status_code == 200
    assert "Use at least 12 characters." in page_text(response)


def test_a_deactivated_account_gets_no_reset_mail(client, make_user):
    user = make_user()
    user.active = False
    db.session.commit()

    client.post("/password/forgot", data={"email": user.email})

    assert outbox() == []


# -- change password and profile -----------------------------------------------------------------
def test_change_password_needs_the_current_one(client, make_user, login_as):
    user = make_user(name="Careful Official")
    login_as(user)

    wrong = client.post(
        "/account/password",
        data={
            "pw-current": "not-my-password",
            "pw-password": GOOD_PASSWORD,
            "pw-confirm": GOOD_PASSWORD,
        },
    )
    right = client.post(
        "/account/password",
        data={
            "pw-current": TEST_PASSWORD,
            "pw-password": GOOD_PASSWORD,
            "pw-confirm": GOOD_PASSWORD,
        },
    )

    assert wrong.status_code == 200
    assert "Your current password is not correct." in page_text(wrong)
    assert 'value="Careful Official"' in page_text(
        wrong
    )  # the profile form beside it keeps its values
    assert right.headers["Location"] == "/account"
    client.post("/logout")
    assert login(client, user, TEST_PASSWORD).status_code == 200
    assert login(client, user, GOOD_PASSWORD).status_code == 302


def test_change_password_refuses_a_weak_new_one(client, make_user, login_as):
    login_as(make_user())

    response = client.post(
        "/account/password",
        data={
            "pw-current": TEST_PASSWORD,
            "pw-password": "password1234",
            "pw-confirm": "password1234",
        },
    )

    assert response.status_code == 200
    assert "This password is too common." in page_text(response)


def test_profile_edit_saves_name_organisation_and_language(client, make_user, login_as):
    user = make_user(name="Old Name")
    login_as(user)

    response = client.post(
        "/account",
        data={
            "name": "Åsa Lindqvist",
            "organisation": "Luleå kommun",
            "town": "Luleå",
            "country": "SE",
            "locale": "sv",
        },
    )

    assert response.headers["Location"] == "/account"
    db.session.refresh(user)
    assert (user.name, user.organisation.name, user.organisation.country, user.locale) == (
        "Åsa Lindqvist",
        "Luleå kommun",
        "SE",
        "sv",
    )
    page = page_text(client.get("/account"))
    assert 'value="Åsa Lindqvist"' in page and 'value="Luleå kommun"' in page
    assert '<html lang="sv">' in page


def test_account_page_shows_the_login_email_read_only_and_what_it_is_for(
    client, make_user, login_as
):
    login_as(make_user(email="asa.lindqvist@lulea.example"))

    page = page_text(client.get("/account"))

    assert re.search(r"<dt>E-mail</dt>\s*<dd>asa.lindqvist@lulea.example</dd>", page)
    assert "You log in with this address, and password reset links are sent to it." in page
    assert 'name="email"' not in page  # shown, not editable here


def test_account_page_explains_the_email_in_the_learners_language(client, make_user, login_as):
    login_as(make_user(email="giulia@bologna.example", locale="it"))

    page = page_text(client.get("/account"))

    assert "giulia@bologna.example" in page
    assert "You log in with this address" not in page
    assert "Accedi con questo indirizzo" in page


def test_profile_edit_with_an_organisation_but_no_country_asks_for_the_country(
    client, make_user, login_as
):
    login_as(make_user())

    response = client.post(
        "/account",
        data={"name": "Someone", "organisation": "New body", "country": "", "locale": "en"},
    )

    assert response.status_code == 200
    assert "Choose the country of your organisation." in page_text(response)


def test_profile_post_with_missing_fields_re_shows_the_form(client, make_user, login_as):
    login_as(make_user(org="Comune di Modena", country="IT"))

    response = client.post("/account", data={})

    assert response.status_code == 200
    assert "Please correct the fields marked below." in page_text(response)


# -- language --------------------------------------------------------------------------------------
def test_the_language_switcher_sets_the_language_of_an_anonymous_visitor(client):
    response = client.post("/language", data={"code": "sv", "next": "/?q=energy"})

    assert response.headers["Location"] == "/?q=energy"
    assert '<html lang="sv">' in page_text(client.get("/"))


def test_the_language_switcher_refuses_an_unknown_language_and_an_off_site_next(client):
    assert client.post("/language", data={"code": "xx"}).status_code == 404
    assert (
        client.post("/language", data={"code": "it", "next": "https://evil.example/"}).headers[
            "Location"
        ]
        == "/dashboard"
    )


def test_the_language_switcher_stores_a_logged_in_person_s_choice(client, make_user, login_as):
    user = make_user(locale="en")
    login_as(user)

    client.post("/language", data={"code": "fi", "next": "/dashboard"})

    db.session.refresh(user)
    assert user.locale == "fi"
    assert '<html lang="fi">' in page_text(client.get("/dashboard"))


def test_a_person_s_preferred_language_is_used_after_login(client, make_user, login_as):
    user = make_user(locale="es")
    client.post("/language", data={"code": "it"})
    login_as(user)

    assert '<html lang="es">' in page_text(client.get("/dashboard"))


def test_the_browser_language_is_used_when_nothing_else_says(client):
    page = client.get("/", headers={"Accept-Language": "fi-FI,fi;q=0.9,en;q=0.5"})

    assert '<html lang="fi">' in page_text(page)


def test_changing_the_password_ends_the_accounts_other_sessions_but_not_this_one(app, make_user):
    from nttlearn.testing import TEST_PASSWORD, login

    user = make_user()
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user)
    login(elsewhere, user)
    assert elsewhere.get("/dashboard").status_code == 200

    response = here.post(
        "/account/password",
        data={
            "pw-current": TEST_PASSWORD,
            "pw-password": "a new long passphrase 2010",
            "pw-confirm": "a new long passphrase 2010",
        },
    )

    assert response.status_code == 302
    assert here.get("/dashboard").status_code == 200
    assert elsewhere.get("/dashboard").status_code == 302  # sent to the login page
