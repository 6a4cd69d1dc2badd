"""Single sign-on with OpenID Connect, against a real provider (panva's oidc-provider on
127.0.0.1): log in, accounts made or linked, refusals explained on the login page, identities
on the account page."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from oidc_provider import PROVIDER_KEY, SITE, Browser, run_provider

from nttlearn.auth.sessions import active_sessions
from nttlearn.config import check_oidc_provider, oidc_providers
from nttlearn.extensions import db
from nttlearn.models import User, UserIdentity
from nttlearn.testing import TEST_PASSWORD, count_rows, user_factory

CALLBACK = f"{SITE}/login/sso/{PROVIDER_KEY}/callback"


@pytest.fixture(scope="module")
def provider():
    yield from run_provider([CALLBACK])


@pytest.fixture
def sso_app(app_factory, provider):
    def make(**config):
        return app_factory({"BASE_URL": SITE, "OIDC_PROVIDERS": [provider.settings()], **config})

    return make


@pytest.fixture
def app(sso_app):
    app = sso_app()
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def browser(app, provider):
    return Browser(app.test_client(), provider.issuer)


def _flash_text(browser) -> str:
    return browser.client.get("/login").get_data(as_text=True)


def _logged_in_as(browser) -> str | None:
    """The name on the account page, or None when the browser is sent to the login page."""
    answer = browser.client.get("/account")
    if answer.status_code != 200:
        return None
    return answer.get_data(as_text=True)


def test_login_page_offers_the_configured_provider(browser):
    page = browser.client.get("/login?next=/courses").get_data(as_text=True)

    assert "Log in with City ID" in page
    assert f"/login/sso/{PROVIDER_KEY}?next=/courses" in page


def test_login_page_offers_no_provider_when_none_is_configured(app_factory):
    plain = app_factory({"OIDC_PROVIDERS": []})

    assert "Log in with" not in plain.test_client().get("/login").get_data(as_text=True)


def test_the_authorization_request_uses_pkce_state_and_nonce(browser, provider):
    answer = browser.client.get(f"/login/sso/{PROVIDER_KEY}")
    query = dict(parse_qsl(urlsplit(answer.headers["Location"]).query))

    assert query["response_type"] == "code"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) >= 43
    assert query["state"] and query["nonce"]
    assert query["redirect_uri"] == CALLBACK
    assert set(query["scope"].split()) == {"openid", "email", "profile"}


def test_a_new_person_gets_a_learner_account_from_the_verified_claims(browser, app):
    answer = browser.log_in("anna-sub", "anna-pw")

    assert answer.status_code == 302 and answer.headers["Location"] == "/dashboard"
    user = db.session.execute(db.select(User).filter_by(email="anna.virtanen@kunta.example")).scalar_one()
    assert (user.name, user.role, user.locale, user.password_hash) == ("Anna Virtanen", "learner", "fi", "")
    identity = db.session.execute(db.select(UserIdentity).filter_by(user_id=user.id)).scalar_one()
    assert identity.subject == "anna-sub" and identity.issuer == browser.issuer
    assert len(active_sessions(user)) == 1  # the core's own session, as at a password login
    assert "Anna Virtanen" in _logged_in_as(browser)


def test_a_returning_identity_logs_in_to_the_same_account(browser, app, provider):
    browser.log_in("anna-sub", "anna-pw")
    browser.client.post("/logout")
    again = Browser(app.test_client(), provider.issuer)

    answer = again.log_in("anna-sub", "anna-pw")

    assert answer.status_code == 302
    assert count_rows(User, email="anna.virtanen@kunta.example") == 1
    assert count_rows(UserIdentity) == 1
    assert "Anna Virtanen" in _logged_in_as(again)


def test_starting_again_keeps_one_login_in_progress(browser):
    for _ in range(3):
        browser.client.get(f"/login/sso/{PROVIDER_KEY}")

    with browser.client.session_transaction() as session:
        assert len([key for key in session if key.startswith("_state_")]) == 1


def test_login_keeps_the_next_page(browser):
    answer = browser.log_in("anna-sub", "anna-pw", start=f"/login/sso/{PROVIDER_KEY}?next=/account")

    assert answer.headers["Location"] == "/account"


def test_login_starts_a_fresh_session(browser):
    with browser.client.session_transaction() as session:
        session["planted"] = "by someone else"

    browser.log_in("anna-sub", "anna-pw")

    with browser.client.session_transaction() as session:
        assert "planted" not in session
        assert not any(key.startswith("_state_") for key in session)


def test_a_verified_email_of_an_existing_account_links_only_after_its_password(browser, app):
    marco = user_factory()(email="marco.rossi@comune.example", name="Marco Rossi")

    answer = browser.log_in("marco-sub", "marco-pw")

    assert answer.headers["Location"] == "/login/sso/link"
    assert _logged_in_as(browser) is None  # no silent takeover
    assert count_rows(UserIdentity) == 0
    page = browser.client.get("/login/sso/link").get_data(as_text=True)
    assert "marco.rossi@comune.example" in page and "City ID" in page

    wrong = browser.client.post("/login/sso/link", data={"password": "not-his-password"})
    assert wrong.status_code == 200 and "The password is not correct." in wrong.get_data(as_text=True)
    assert count_rows(UserIdentity) == 0 and _logged_in_as(browser) is None

    right = browser.client.post("/login/sso/link", data={"password": TEST_PASSWORD})
    assert right.status_code == 302
    assert count_rows(UserIdentity, user_id=marco.id, subject="marco-sub") == 1
    assert "Marco Rossi" in _logged_in_as(browser)


def test_a_linked_identity_logs_in_directly_next_time(browser, app, provider):
    user_factory()(email="marco.rossi@comune.example", name="Marco Rossi")
    browser.log_in("marco-sub", "marco-pw")
    browser.client.post("/login/sso/link", data={"password": TEST_PASSWORD})
    again = Browser(app.test_client(), provider.issuer)

    answer = again.log_in("marco-sub", "marco-pw")

    assert answer.headers["Location"] == "/dashboard"
    assert "Marco Rossi" in _logged_in_as(again)


def test_the_link_page_without_a_login_in_progress_sends_to_the_login_page(browser):
    answer = browser.client.get("/login/sso/link")

    assert answer.status_code == 302 and answer.headers["Location"] == "/login"
    assert "Your login has expired. Please start again." in _flash_text(browser)


def test_an_unverified_email_is_refused_with_a_message(browser):
    answer = browser.log_in("unverified-sub", "unverified-pw")

    assert answer.headers["Location"] == "/login"
    assert "City ID has not verified your e-mail address" in _flash_text(browser)
    assert count_rows(User, email="someone@elsewhere.example") == 0
    assert count_rows(UserIdentity) == 0


def test_an_unverified_email_never_links_to_the_account_with_that_address(browser):
    user_factory()(email="someone@elsewhere.example")

    answer = browser.log_in("unverified-sub", "unverified-pw")

    assert answer.headers["Location"] == "/login"
    assert count_rows(UserIdentity) == 0


def test_a_provider_whose_addresses_the_site_trusts_needs_no_email_verified(sso_app, provider):
    app = sso_app(OIDC_PROVIDERS=[provider.settings(trust_email="on")])
    with app.app_context():
        browser = Browser(app.test_client(), provider.issuer)

        answer = browser.log_in("unverified-sub", "unverified-pw")

        assert answer.headers["Location"] == "/dashboard"
        assert count_rows(User, email="someone@elsewhere.example") == 1


def test_claims_without_an_email_are_refused_with_a_message(browser):
    browser.log_in("no-email-sub", "no-email-pw")

    assert "City ID did not give your e-mail address" in _flash_text(browser)


def test_a_cancelled_login_at_the_provider_is_explained(browser):
    answer = browser.log_in(None, cancel=True)

    assert answer.headers["Location"] == "/login"
    assert "You cancelled the login at City ID" in _flash_text(browser)
    assert _logged_in_as(browser) is None


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=urlencode({**dict(parse_qsl(parts.query)), **changes})))


def test_a_callback_with_another_state_is_refused(browser):
    answer = browser.log_in("anna-sub", "anna-pw", tamper=lambda url: _with_query(url, state="forged"))

    assert answer.headers["Location"] == "/login"
    assert "it was started in another browser or tab" in _flash_text(browser)
    assert count_rows(User, email="anna.virtanen@kunta.example") == 0


def test_a_callback_opened_in_another_browser_is_refused(browser, app, provider):
    stolen = {}

    def steal(url: str) -> str:
        stolen["url"] = url
        return f"{SITE}/login"  # the person's own browser never reaches the callback

    browser.log_in("anna-sub", "anna-pw", tamper=steal)
    attacker = app.test_client()

    answer = attacker.get(stolen["url"].removeprefix(SITE))

    assert answer.headers["Location"] == "/login"
    assert count_rows(User, email="anna.virtanen@kunta.example") == 0


def test_a_callback_cannot_be_used_twice(browser, app):
    kept = {}
    browser.log_in("anna-sub", "anna-pw", tamper=lambda url: kept.setdefault("url", url))
    browser.client.post("/logout")

    answer = browser.client.get(kept["url"].removeprefix(SITE))

    assert answer.headers["Location"] == "/login"
    assert _logged_in_as(browser) is None


def test_a_provider_that_cannot_be_reached_is_explained(app_factory):
    from nttlearn.testing import free_port

    down = check_oidc_provider({"key": "down", "name": "Region ID", "client_id": "x",
                                "issuer": f"http://127.0.0.1:{free_port()}"})
    client = app_factory({"BASE_URL": SITE, "OIDC_PROVIDERS": [down]}).test_client()

    answer = client.get("/login/sso/down")

    assert answer.headers["Location"] == "/login"
    assert "Region ID cannot be reached at the moment" in client.get("/login").get_data(as_text=True)


def test_no_account_is_made_when_registration_through_sso_is_off(sso_app, provider):
    app = sso_app(OIDC_REGISTER=False)
    with app.app_context():
        browser = Browser(app.test_client(), provider.issuer)

        browser.log_in("anna-sub", "anna-pw")

        assert "this site does not create accounts through City ID" in _flash_text(browser)
        assert count_rows(User, email="anna.virtanen@kunta.example") == 0


def test_refusals_are_translated(browser):
    browser.client.post("/language", data={"code": "fi", "next": "/"})

    browser.log_in("unverified-sub", "unverified-pw")

    page = _flash_text(browser)
    assert "has not verified your e-mail address" not in page
    assert "City ID" in page


def test_an_unknown_provider_is_not_found(browser):
    assert browser.client.get("/login/sso/nobody").status_code == 404
    assert browser.client.get("/login/sso/nobody/callback").status_code == 404


def test_logout_is_local(browser):
    browser.log_in("anna-sub", "anna-pw")

    answer = browser.client.post("/logout")

    assert answer.headers["Location"] == "/"
    assert _logged_in_as(browser) is None


# -- identities on the account page ------------------------------------------------------------
def _in_english(browser) -> None:
    browser.client.post("/language", data={"code": "en", "next": "/"})  # Anna's claims chose Finnish


def test_the_account_page_lists_linked_identities(browser):
    browser.log_in("anna-sub", "anna-pw")
    _in_english(browser)

    page = _logged_in_as(browser)

    assert "Single sign-on" in page and "City ID" in page and "anna.virtanen@kunta.example" in page
    assert "Your only way to log in" in page  # no password: it cannot be removed


def test_the_last_way_to_log_in_cannot_be_removed(browser):
    browser.log_in("anna-sub", "anna-pw")
    _in_english(browser)
    identity = db.session.execute(db.select(UserIdentity)).scalar_one()

    answer = browser.client.post(f"/account/identities/{identity.id}/remove")

    assert answer.status_code == 302
    assert count_rows(UserIdentity) == 1
    assert "This is the only way you can log in." in browser.client.get("/account").get_data(as_text=True)


def test_an_identity_can_be_removed_when_the_account_has_a_password(browser):
    marco = user_factory()(email="marco.rossi@comune.example", name="Marco Rossi")
    browser.log_in("marco-sub", "marco-pw")
    browser.client.post("/login/sso/link", data={"password": TEST_PASSWORD})
    identity = db.session.execute(db.select(UserIdentity)).scalar_one()

    answer = browser.client.post(f"/account/identities/{identity.id}/remove")

    assert answer.status_code == 302
    assert count_rows(UserIdentity, user_id=marco.id) == 0
    assert "has been removed" in browser.client.get("/account").get_data(as_text=True)


def test_another_persons_identity_cannot_be_removed(browser, app, provider):
    browser.log_in("anna-sub", "anna-pw")
    identity = db.session.execute(db.select(UserIdentity)).scalar_one()
    other = app.test_client()
    other.post("/login", data={"email": user_factory()(role="admin").email, "password": TEST_PASSWORD})

    assert other.post(f"/account/identities/{identity.id}/remove").status_code == 404
    assert count_rows(UserIdentity) == 1


def test_deleting_the_account_removes_its_identities(browser):
    from nttlearn.auth.services import delete_account

    browser.log_in("anna-sub", "anna-pw")
    user = db.session.execute(db.select(User).filter_by(email="anna.virtanen@kunta.example")).scalar_one()

    delete_account(user)
    db.session.commit()

    assert count_rows(UserIdentity) == 0


def test_my_data_export_lists_my_single_sign_on_logins(browser):
    browser.log_in("anna-sub", "anna-pw")

    exported = browser.client.get("/account/export.json").get_json()

    assert [(i["issuer"], i["subject"]) for i in exported["single_sign_on"]] == [(browser.issuer, "anna-sub")]


def test_linking_the_same_identity_twice_keeps_one_and_never_moves_it(app):
    from nttlearn.auth.identities import link_identity
    from nttlearn.auth.oidc import SsoFailure

    make = user_factory()
    owner, other = make(), make()
    claims = {"iss": "https://login.example", "sub": "s-1", "email": owner.email}

    first, again = link_identity(owner, claims), link_identity(owner, claims)
    db.session.commit()
    with pytest.raises(SsoFailure) as refused:
        link_identity(other, claims)

    assert first.id == again.id and count_rows(UserIdentity) == 1
    assert refused.value.reason == "taken"


# -- settings ---------------------------------------------------------------------------------
def test_one_provider_from_the_environment(monkeypatch):
    monkeypatch.setenv("NTTLEARN_OIDC_ISSUER", "https://login.example.fi/realms/kunta/")
    monkeypatch.setenv("NTTLEARN_OIDC_CLIENT_ID", "nttlearn")
    monkeypatch.setenv("NTTLEARN_OIDC_CLIENT_SECRET", "secret")
    monkeypatch.setenv("NTTLEARN_OIDC_NAME", "Kunta-ID")
    monkeypatch.delenv("NTTLEARN_OIDC_TRUST_EMAIL", raising=False)
    monkeypatch.delenv("NTTLEARN_OIDC_PROVIDERS", raising=False)

    (only,) = oidc_providers()

    assert only == {"key": "sso", "name": "Kunta-ID", "issuer": "https://login.example.fi/realms/kunta",
                    "client_id": "nttlearn", "client_secret": "secret", "scope": "openid email profile",
                    "trust_email": ""}


def test_several_providers_from_json(monkeypatch):
    monkeypatch.delenv("NTTLEARN_OIDC_ISSUER", raising=False)
    monkeypatch.setenv("NTTLEARN_OIDC_PROVIDERS", '[{"name": "Entra ID", "issuer": "https://login.microsoftonline.com/t/v2.0", '
                                                  '"client_id": "a"}, {"key": "kc", "issuer": "https://kc.example", "client_id": "b"}]')

    keys = [p["key"] for p in oidc_providers()]

    assert keys == ["entra-id", "kc"]


@pytest.mark.parametrize("provider, problem", [
    ({"issuer": "login.example", "client_id": "a"}, "'issuer'"),
    ({"issuer": "https://login.example"}, "'client_id'"),
    ({"issuer": "https://login.example", "client_id": "a", "key": "Not A Key"}, "'key'"),
])
def test_a_misconfigured_provider_is_named_in_the_error(provider, problem):
    with pytest.raises(ValueError, match=problem):
        check_oidc_provider(provider)


