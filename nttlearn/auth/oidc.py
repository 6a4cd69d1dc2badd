"""Single sign-on, the protocol side: each configured OpenID Connect provider as an Authlib client
(discovery from the issuer's ``/.well-known/openid-configuration``, the authorization code flow
with PKCE, state and nonce checked), and the claims of the person who comes back.

Authlib keeps the state, the nonce and the PKCE verifier of a login in progress in the Flask
session (a signed cookie), so any worker can finish a login another one began, and a callback
opened in another browser finds no state and is refused. What the claims mean for accounts is
:mod:`.identities`' business.
"""

from __future__ import annotations

from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client.errors import MismatchingStateError
from authlib.integrations.flask_client import OAuth
from flask import current_app, request, session
from joserfc.errors import JoseError
from werkzeug.wrappers import Response

EXTENSION = "nttlearn_oidc"
TIMEOUT_SECONDS = 10  # each call to a provider; a login page must not hang on a provider that does

# Why a login at a provider did not end in claims: each has its message on the login page.
UNREACHABLE, STATE, DENIED, FAILED = "unreachable", "state", "denied", "failed"


class SsoFailure(Exception):
    """A login at a provider that did not succeed. ``reason`` is one of the constants above (or
    of :mod:`.identities`); ``detail`` is for the log, never for the page."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail = reason, detail


def providers() -> list[dict[str, str]]:
    """The configured providers (``NTTLEARN_OIDC_PROVIDERS``), in the login page's order."""
    return list(current_app.config.get("OIDC_PROVIDERS") or [])


def provider(key: str) -> dict[str, str] | None:
    return next((p for p in providers() if p["key"] == key), None)


def provider_names() -> dict[str, str]:
    """Issuer (without a trailing slash) → the provider's name, to name a linked identity."""
    return {p["issuer"]: p["name"] for p in providers()}


def _client(settings: dict[str, str]):
    """The Authlib client of a provider, made once per app (it caches the discovery document
    and the provider's keys)."""
    oauth: OAuth | None = current_app.extensions.get(EXTENSION)
    if oauth is None:
        oauth = current_app.extensions[EXTENSION] = OAuth(current_app._get_current_object())
    client = oauth.create_client(settings["key"])
    if client is None:
        client_kwargs: dict[str, Any] = {
            "scope": settings["scope"],
            "code_challenge_method": "S256",
            "default_timeout": TIMEOUT_SECONDS,
        }
        if not settings["client_secret"]:
            client_kwargs["token_endpoint_auth_method"] = "none"  # noqa: S105 (a public client: PKCE alone)
        client = oauth.register(
            settings["key"],
            overwrite=True,
            client_id=settings["client_id"],
            client_secret=settings["client_secret"] or None,
            server_metadata_url=settings["issuer"] + "/.well-known/openid-configuration",
            client_kwargs=client_kwargs,
        )
    return client


def _discover(client, settings: dict[str, str]) -> dict[str, Any]:
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as error:
        raise SsoFailure(UNREACHABLE, f"discovery at {settings['issuer']}: {error}") from None
    if metadata.get("issuer", "").rstrip("/") != settings["issuer"]:
        # OpenID Connect Discovery 1.0, 4.3: a document naming another issuer is not this one's.
        client.server_metadata.clear()
        raise SsoFailure(FAILED, f"the discovery document names issuer {metadata.get('issuer')!r}")
    return metadata


def authorization_redirect(
    settings: dict[str, str], redirect_uri: str, *, reauthenticate: bool = False
) -> Response:
    """The redirect that sends the browser to the provider's login, with a new state, nonce and
    PKCE challenge (kept in the session). ``reauthenticate`` asks the provider to log the person in
    again even if it has a session (``prompt=login``, ``max_age=0``: OpenID Connect Core 1.0,
    3.1.2.1), so that the ID token's ``auth_time`` is now."""
    client = _client(settings)
    _discover(client, settings)
    # One login in progress per provider and browser: each start would otherwise add its state
    # to the session cookie, which a browser stops storing past 4 kB.
    for name in [name for name in session if name.startswith(f"_state_{settings['key']}_")]:
        session.pop(name)
    try:
        extra = {"prompt": "login", "max_age": 0} if reauthenticate else {}
        return client.authorize_redirect(redirect_uri, **extra)
    except (requests.RequestException, RuntimeError) as error:
        raise SsoFailure(UNREACHABLE, str(error)) from None


def callback_claims(settings: dict[str, str]) -> dict[str, Any]:
    """The verified claims of the person the provider sends back to the callback: the ID token's
    (signature, issuer, audience, expiry and nonce checked), completed by the UserInfo endpoint
    when the ID token leaves out e-mail, name or the organisation's claims. Raises :class:`SsoFailure`."""
    error = request.args.get("error")
    if error:
        raise SsoFailure(
            DENIED if error == "access_denied" else FAILED,
            f"{error}: {request.args.get('error_description', '')}"[:300],
        )
    client = _client(settings)
    _discover(client, settings)
    try:
        token = client.authorize_access_token()
    except MismatchingStateError:
        raise SsoFailure(STATE, "no login in progress in this browser has this state") from None
    except requests.RequestException as failure:
        raise SsoFailure(UNREACHABLE, str(failure)) from None
    except (AuthlibBaseError, JoseError, ValueError, KeyError) as failure:
        raise SsoFailure(FAILED, repr(failure)) from None
    claims = dict(token.get("userinfo") or {})
    if not claims.get("sub") or not claims.get("iss"):
        raise SsoFailure(FAILED, "the token response had no ID token")
    wanted = {
        "email",
        "name",
        settings.get("organisation_claim"),
        settings.get("country_claim"),
    } - {"", None}
    if not wanted <= claims.keys():
        try:
            extra = dict(client.userinfo(token=token))
        except (requests.RequestException, AuthlibBaseError, ValueError) as failure:
            raise SsoFailure(UNREACHABLE, f"userinfo: {failure}") from None
        if extra.get("sub") != claims["sub"]:  # OpenID Connect Core 1.0, 5.3.2
            raise SsoFailure(FAILED, "the UserInfo response is about another subject")
        claims = {**extra, **claims}
    return claims
