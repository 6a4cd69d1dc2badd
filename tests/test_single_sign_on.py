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
from nttlearn.models import Organisation, User, UserIdentity
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
    user = db.session.execute(
        db.select(User).filter_by(email="anna.virtanen@kunta.example")
    ).scalar_one()
    assert (user.name, user.role, user.locale, user.password_hash) == (
        "Anna Virtanen",
        "learner",
        "fi",
        "",
    )
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
    assert wrong.status_code == 200 and "The password is not correct." in wrong.get_data(
        as_text=True
    )
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
    answer = browser.log_in(
        "anna-sub", "anna-pw", tamper=lambda url: _with_query(url, state="forged")
    )

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

    down = check_oidc_provider(
        {
            "key": "down",
            "name": "Region ID",
            "client_id": "x",
            "issuer": f"http://127.0.0.1:{free_port()}",
        }
    )
    client = app_factory({"BASE_URL": SITE, "OIDC_PROVIDERS": [down]}).test_client()

    answer = client.get("/login/sso/down")

    assert answer.headers["Location"] == "/login"
    assert "Region ID cannot be reached at the moment" in client.get("/login").get_data(
        as_text=True
    )


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
    browser.client.post(
        "/language", data={"code": "en", "next": "/"}
    )  # Anna's claims chose Finnish


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
    assert "This is the only way you can log in." in browser.client.get("/account").get_data(
        as_text=True
    )


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
    other.post(
        "/login", data={"email": user_factory()(role="admin").email, "password": TEST_PASSWORD}
    )

    assert other.post(f"/account/identities/{identity.id}/remove").status_code == 404
    assert count_rows(UserIdentity) == 1


def test_deleting_the_account_removes_its_identities(browser):
    from nttlearn.auth.services import delete_account

    browser.log_in("anna-sub", "anna-pw")
    user = db.session.execute(
        db.select(User).filter_by(email="anna.virtanen@kunta.example")
    ).scalar_one()

    delete_account(user)
    db.session.commit()

    assert count_rows(UserIdentity) == 0


def test_my_data_export_lists_my_single_sign_on_logins(browser):
    browser.log_in("anna-sub", "anna-pw")

    exported = browser.client.get("/account/export.json").get_json()

    assert [(i["issuer"], i["subject"]) for i in exported["single_sign_on"]] == [
        (browser.issuer, "anna-sub")
    ]


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


# -- the organisation of a new account ---------------------------------------------------------
ORG_CLAIMS = {"organisation_claim": "org_name", "country_claim": "org_country"}


def _log_in_with(sso_app, provider, login: str, password: str, **settings) -> User | None:
    """The account the provider's login made (its organisation loaded), on a site with ``settings``."""
    app = sso_app(OIDC_PROVIDERS=[provider.settings(**settings)])
    with app.app_context():
        Browser(app.test_client(), provider.issuer).log_in(login, password)
        user = db.session.execute(db.select(User).filter_by(email=provider_email(login))).scalar()
        user.organisations_at_the_end = count_rows(Organisation)
        return user


def provider_email(login: str) -> str:
    from oidc_provider import ACCOUNTS

    return ACCOUNTS[login]["claims"]["email"]


def test_a_new_account_joins_the_organisation_named_by_a_claim(sso_app, provider):
    user = _log_in_with(sso_app, provider, "anna-sub", "anna-pw", **ORG_CLAIMS)

    assert (user.organisation.name, user.organisation.country) == ("Järvenpään kaupunki", "FI")


def test_an_existing_organisation_of_that_name_is_reused(sso_app, provider):
    app = sso_app(OIDC_PROVIDERS=[provider.settings(**ORG_CLAIMS)])
    with app.app_context():
        existing = user_factory()(org="järvenpään KAUPUNKI", country="FI").organisation
        Browser(app.test_client(), provider.issuer).log_in("anna-sub", "anna-pw")

        user = db.session.execute(
            db.select(User).filter_by(email="anna.virtanen@kunta.example")
        ).scalar_one()
        assert user.organisation_id == existing.id
        assert count_rows(Organisation) == 1


def test_without_a_country_claim_the_providers_country_is_used(sso_app, provider):
    user = _log_in_with(
        sso_app, provider, "paolo-sub", "paolo-pw", organisation_claim="org_name", country="IT"
    )

    # A list-valued claim (groups) gives its first entry.
    assert (user.organisation.name, user.organisation.country) == ("Comune di Bologna", "IT")


def test_without_any_country_the_account_is_made_without_an_organisation(sso_app, provider):
    user = _log_in_with(sso_app, provider, "paolo-sub", "paolo-pw", organisation_claim="org_name")

    assert user is not None and user.organisation is None
    assert user.organisations_at_the_end == 0


def test_without_the_setting_no_organisation_is_taken_from_the_claims(sso_app, provider):
    user = _log_in_with(sso_app, provider, "anna-sub", "anna-pw")

    assert user.organisation is None


def test_the_organisation_claims_have_defaults_for_every_provider(monkeypatch):
    monkeypatch.delenv("NTTLEARN_OIDC_ISSUER", raising=False)
    monkeypatch.setenv("NTTLEARN_OIDC_ORGANISATION_CLAIM", "org_name")
    monkeypatch.setenv("NTTLEARN_OIDC_COUNTRY", "fi")
    monkeypatch.setenv(
        "NTTLEARN_OIDC_PROVIDERS",
        '[{"key": "a", "issuer": "https://a.example", "client_id": "a"}, '
        '{"key": "b", "issuer": "https://b.example", "client_id": "b", '
        '"organisation_claim": "municipality", "country": "SE"}]',
    )

    first, second = oidc_providers()

    assert (first["organisation_claim"], first["country_claim"], first["country"]) == (
        "org_name",
        "",
        "FI",
    )
    assert (second["organisation_claim"], second["country"]) == ("municipality", "SE")


# -- passwords disabled for accounts with a provider login ---------------------------------------
@pytest.fixture
def sso_only(sso_app, provider):
    """A site with NTTLEARN_OIDC_DISABLE_PASSWORDS, and Marco: a password and a linked login."""
    app = sso_app(OIDC_DISABLE_PASSWORDS=True)
    with app.app_context():
        marco = user_factory()(email="marco.rossi@comune.example", name="Marco Rossi")
        browser = Browser(app.test_client(), provider.issuer)
        browser.log_in("marco-sub", "marco-pw")
        browser.client.post("/login/sso/link", data={"password": TEST_PASSWORD})
        browser.client.post("/logout")
        assert count_rows(UserIdentity, user_id=marco.id) == 1
        yield app, marco, browser
        db.session.remove()


def test_a_linked_account_cannot_log_in_with_its_password(sso_only):
    app, marco, _ = sso_only
    client = app.test_client()

    answer = client.post("/login", data={"email": marco.email, "password": TEST_PASSWORD})

    assert answer.status_code == 200
    assert 'Use the "Log in with City ID" button' in answer.get_data(as_text=True).replace(
        "&#34;", '"'
    )
    assert client.get("/account").status_code == 302  # not logged in


def test_the_login_page_says_to_use_the_provider(sso_only):
    app, _, _ = sso_only

    page = app.test_client().get("/login").get_data(as_text=True)

    assert "log in with its button: its password does not work here" in page


def test_a_linked_account_still_logs_in_through_the_provider(sso_only):
    app, _, browser = sso_only

    answer = browser.log_in("marco-sub", "marco-pw")

    assert answer.headers["Location"] == "/dashboard"
    assert "Marco Rossi" in _logged_in_as(browser)


def test_an_account_without_a_linked_login_keeps_its_password(sso_only):
    app, _, _ = sso_only
    other = user_factory()()

    answer = app.test_client().post(
        "/login", data={"email": other.email, "password": TEST_PASSWORD}
    )

    assert answer.status_code == 302


def test_password_reset_is_refused_for_a_linked_account(sso_only):
    from nttlearn.auth.services import reset_token

    app, marco, _ = sso_only
    client = app.test_client()
    with app.test_request_context():
        token = reset_token(marco)

    asked = client.post("/password/forgot", data={"email": marco.email})
    opened = client.get(f"/password/reset/{token}")
    posted = client.post(
        f"/password/reset/{token}",
        data={"password": "A new pass phrase 42", "confirm": "A new pass phrase 42"},
    )

    # The form answers as for any address; the mail explains instead of carrying a link.
    assert asked.headers["Location"] == "/login"
    mail = _last_mail(app)
    assert (
        "Your account logs in with City ID, not with a password" in mail
        and "/password/reset/" not in mail
    )
    assert opened.headers["Location"] == "/login" and posted.headers["Location"] == "/login"
    assert "Your account logs in with City ID only" in client.get("/login").get_data(as_text=True)
    db.session.refresh(marco)
    assert (
        client.post(
            "/login", data={"email": marco.email, "password": "A new pass phrase 42"}
        ).status_code
        == 200
    )


def _last_mail(app) -> str:
    from nttlearn.mail import outbox

    return outbox()[-1].get_body(("plain",)).get_content()


def test_the_account_page_hides_the_password_change(sso_only):
    app, _, browser = sso_only
    browser.log_in("marco-sub", "marco-pw")
    browser.client.post("/language", data={"code": "en", "next": "/"})

    page = _logged_in_as(browser)
    changed = browser.client.post(
        "/account/password",
        data={
            "pw-current": TEST_PASSWORD,
            "pw-password": "A new pass phrase 42",
            "pw-confirm": "A new pass phrase 42",
        },
    )

    assert "Change password" not in page and 'name="pw-current"' not in page
    assert "not with a password" in page
    assert changed.headers["Location"] == "/account"
    assert "Your account logs in with City ID only" in browser.client.get("/account").get_data(
        as_text=True
    )


def test_the_last_provider_login_cannot_be_removed_when_passwords_are_disabled(sso_only):
    app, marco, browser = sso_only
    browser.log_in("marco-sub", "marco-pw")
    browser.client.post("/language", data={"code": "en", "next": "/"})
    identity = db.session.execute(db.select(UserIdentity)).scalar_one()

    browser.client.post(f"/account/identities/{identity.id}/remove")

    assert count_rows(UserIdentity, user_id=marco.id) == 1
    assert "its last single sign-on login cannot be removed" in browser.client.get(
        "/account"
    ).get_data(as_text=True)


# -- settings ---------------------------------------------------------------------------------
def test_one_provider_from_the_environment(monkeypatch):
    monkeypatch.setenv("NTTLEARN_OIDC_ISSUER", "https://login.example.fi/realms/kunta/")
    monkeypatch.setenv("NTTLEARN_OIDC_CLIENT_ID", "nttlearn")
    monkeypatch.setenv("NTTLEARN_OIDC_CLIENT_SECRET", "secret")
    monkeypatch.setenv("NTTLEARN_OIDC_NAME", "Kunta-ID")
    monkeypatch.delenv("NTTLEARN_OIDC_TRUST_EMAIL", raising=False)
    monkeypatch.delenv("NTTLEARN_OIDC_PROVIDERS", raising=False)
    for name in ("ORGANISATION_CLAIM", "COUNTRY_CLAIM", "COUNTRY"):
        monkeypatch.delenv(f"NTTLEARN_OIDC_{name}", raising=False)

    (only,) = oidc_providers()

    assert only == {
        "key": "sso",
        "name": "Kunta-ID",
        "issuer": "https://login.example.fi/realms/kunta",
        "client_id": "nttlearn",
        "client_secret": "secret",
        "scope": "openid email profile",
        "trust_email": "",
        "organisation_claim": "",
        "country_claim": "",
        "country": "",
    }


def test_several_providers_from_json(monkeypatch):
    monkeypatch.delenv("NTTLEARN_OIDC_ISSUER", raising=False)
    monkeypatch.setenv(
        "NTTLEARN_OIDC_PROVIDERS",
        '[{"name": "Entra ID", "issuer": "https://login.microsoftonline.com/t/v2.0", '
        '"client_id": "a"}, {"key": "kc", "issuer": "https://kc.example", "client_id": "b"}]',
    )

    keys = [p["key"] for p in oidc_providers()]

    assert keys == ["entra-id", "kc"]


@pytest.mark.parametrize(
    "provider, problem",
    [
        ({"issuer": "login.example", "client_id": "a"}, "'issuer'"),
        ({"issuer": "https://login.example"}, "'client_id'"),
        ({"issuer": "https://login.example", "client_id": "a", "key": "Not A Key"}, "'key'"),
        ({"issuer": "https://login.example", "client_id": "a", "country": "Finland"}, "'country'"),
    ],
)
def test_a_misconfigured_provider_is_named_in_the_error(provider, problem):
    with pytest.raises(ValueError, match=problem):
        check_oidc_provider(provider)
