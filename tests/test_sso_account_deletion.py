"""An account that logs in only through single sign-on has no password to type before it is
deleted: its owner logs in again at the provider (``prompt=login``, ``max_age=0``), and the
deletion is accepted only when the provider's ID token says they logged in just now. Against the
real provider of the single sign-on tests."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from oidc_provider import PROVIDER_KEY, SITE, Browser, run_provider

from nttlearn.auth.sso_views import REAUTH
from nttlearn.extensions import db
from nttlearn.models import User, UserIdentity
from nttlearn.testing import TEST_PASSWORD, count_rows, user_factory

CALLBACK = f"{SITE}/login/sso/{PROVIDER_KEY}/callback"
ANNA = "anna.virtanen@kunta.example"
REAUTHENTICATE = f"/account/delete/reauthenticate/{PROVIDER_KEY}"


@pytest.fixture(scope="module")
def provider():
    yield from run_provider([CALLBACK])


@pytest.fixture
def app(app_factory, provider):
    app = app_factory({"BASE_URL": SITE, "OIDC_PROVIDERS": [provider.settings()]})
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def browser(app, provider):
    browser = Browser(app.test_client(), provider.issuer)
    browser.log_in("anna-sub", "anna-pw")  # a new account, made by the login: no password here
    browser.client.post(
        "/language", data={"code": "en"}
    )  # her provider says Finnish: read the pages in English
    return browser


def _log_in_again(browser, login: str, password: str):
    """Ask to log in again, go through the provider's login page, and come back."""
    answer = browser.client.post(REAUTHENTICATE)
    assert answer.status_code == 302 and answer.headers["Location"].startswith(
        browser.issuer + "/auth?"
    )
    callback = browser.through_provider(answer.headers["Location"], login, password, cancel=False)
    return browser.client.get(callback.removeprefix(SITE))


def _anna() -> User | None:
    db.session.expire_all()
    return db.session.execute(db.select(User).filter_by(email=ANNA)).scalar()


def test_an_account_without_a_password_is_deleted_after_logging_in_again_at_the_provider(browser):
    assert _anna().password_hash == ""
    page = browser.client.get("/account/delete").get_data(as_text=True)
    assert "Log in again with City ID" in page and 'type="password"' not in page

    back = _log_in_again(browser, "anna-sub", "anna-pw")
    confirmed = browser.client.get("/account/delete").get_data(as_text=True)
    deleted = browser.client.post("/account/delete", data={"confirm": "y"})

    assert back.status_code == 302 and back.headers["Location"].endswith("/account/delete")
    assert "You can now delete your account." in confirmed
    assert deleted.status_code == 302
    assert _anna() is None and count_rows(UserIdentity) == 0


def test_the_provider_is_asked_for_a_fresh_login(browser):
    query = dict(parse_qsl(urlsplit(browser.client.post(REAUTHENTICATE).headers["Location"]).query))

    assert query["prompt"] == "login" and query["max_age"] == "0"
    assert query["redirect_uri"] == CALLBACK and query["nonce"] and query["state"]


def test_the_provider_asks_for_the_password_again_although_the_person_is_logged_in_there(browser):
    url = browser.client.post(REAUTHENTICATE).headers["Location"]
    answer = browser.at_provider.get(url, allow_redirects=True, timeout=10)

    assert "Test provider login" in answer.text  # its login form, not straight back to the site


def test_without_logging_in_again_the_account_is_not_deleted(browser):
    answer = browser.client.post("/account/delete", data={"confirm": "y"})

    assert answer.status_code == 200
    assert "First confirm who you are" in answer.get_data(as_text=True)
    assert _anna() is not None


def test_logging_in_again_as_someone_else_does_not_confirm(browser):
    browser.at_provider = (
        requests.Session()
    )  # no session at the provider: someone else types their login
    back = _log_in_again(browser, "paolo-sub", "paolo-pw")
    page = browser.client.get(back.headers["Location"].removeprefix(SITE)).get_data(as_text=True)
    answer = browser.client.post("/account/delete", data={"confirm": "y"})

    assert "with another login than the one linked to this account" in page
    assert "First confirm who you are" in answer.get_data(as_text=True)
    assert _anna() is not None


def test_an_id_token_whose_login_is_older_than_the_request_does_not_confirm(browser):
    answer = browser.client.post(REAUTHENTICATE)
    with browser.client.session_transaction() as session:  # as if the provider had not asked again:
        session[REAUTH] = {
            **session[REAUTH],
            "started": time.time() + 3600,
        }  # its auth_time is before the request
    callback = browser.through_provider(
        answer.headers["Location"], "anna-sub", "anna-pw", cancel=False
    )
    browser.client.get(callback.removeprefix(SITE))

    refused = browser.client.post("/account/delete", data={"confirm": "y"})

    assert "First confirm who you are" in refused.get_data(as_text=True)
    assert _anna() is not None


def test_the_confirmation_expires(browser, monkeypatch):
    _log_in_again(browser, "anna-sub", "anna-pw")
    later = time.time() + 3600
    monkeypatch.setattr("nttlearn.auth.sso_views.time.time", lambda: later)

    answer = browser.client.post("/account/delete", data={"confirm": "y"})

    assert "First confirm who you are" in answer.get_data(as_text=True)
    assert _anna() is not None


# -- who may not ask for it ---------------------------------------------------------------------------
def test_a_visitor_is_sent_to_log_in(app):
    answer = app.test_client().post(REAUTHENTICATE)

    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_an_account_without_a_login_at_that_provider_gets_not_found(app):
    client = app.test_client()
    client.post("/login", data={"email": user_factory()().email, "password": TEST_PASSWORD})

    assert client.post(REAUTHENTICATE).status_code == 404
    assert client.post("/account/delete/reauthenticate/elsewhere").status_code == 404
    page = client.get("/account/delete").get_data(as_text=True)
    assert (
        'type="password"' in page and "Log in again with" not in page
    )  # a password account types it
