"""A real LTI 1.3 platform for the LTI plugin's tests, on 127.0.0.1 (a Flask app served by Werkzeug
in a thread) with its own RSA key: it publishes its JWKS, signs id_tokens, issues access tokens to
the tool's signed client assertions, receives AGS scores and serves an NRPS member list.

For the browser test it also has the pages a browser passes through: the link a person clicks
(third-party login initiation, an auto-submitting form to the tool), the authentication endpoint
(an auto-submitting form posting the signed id_token back) and the deep-linking return, which
verifies the tool's signed answer with the tool's published keys.

Imported by ``conftest.py`` (the HTTP-level tests) and ``e2e/`` (the browser test)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any
from urllib.parse import parse_qs, urlparse
from urllib.request import urlopen

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify, request
from jwcrypto.jwk import JWK
from markupsafe import escape
from werkzeug.serving import make_server

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
CLIENT_ID = "nttlearn-client"
DEPLOYMENT = "deployment-1"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"


def rsa_key() -> tuple[Any, str]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return private, pem.decode()


class FakeLms:
    """The platform side, for real: what it received is kept for the tests to read."""

    def __init__(self) -> None:
        self.private, self.private_pem = rsa_key()
        public_pem = self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        jwk = json.loads(JWK.from_pem(public_pem).export_public())
        self.kid = "platform-key-1"
        jwk.update(kid=self.kid, alg="RS256", use="sig")
        self.jwks = {"keys": [jwk]}
        self.tool_jwks: dict[str, Any] = {"keys": []}
        self.tokens: set[str] = set()
        self.scores: list[dict[str, Any]] = []
        self.token_requests: list[dict[str, Any]] = []
        self.members: list[dict[str, Any]] = []
        self.scores_down = False
        self.tool = ""  # the tool's base URL, for the browser pages
        self.launches: dict[str, dict[str, Any]] = {}  # login_hint → what the id_token says
        self.deep_link_answers: list[dict[str, Any]] = []  # verified LtiDeepLinkingResponse claims
        self.app = self._make_app()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.issuer = self.base
        # Where the browser reaches the platform; the browser test uses http://localhost:<port>,
        # another site than the tool's http://127.0.0.1:<port>, so its form posts are cross-site.
        self.browser_base = self.base
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _make_app(self) -> Flask:
        app = Flask("fake_lms")

        @app.get("/jwks")
        def jwks():
            return jsonify(self.jwks)

        @app.post("/token")
        def token():
            assertion = request.form.get("client_assertion", "")
            header = jwt.get_unverified_header(assertion)
            [key] = [k for k in self.tool_jwks["keys"] if k["kid"] == header.get("kid")] or [None]
            if key is None:
                return jsonify(error="invalid_client"), 401
            claims = jwt.decode(
                assertion, jwt.PyJWK(key).key, algorithms=["RS256"], audience=self.base + "/token"
            )
            if claims["iss"] != CLIENT_ID or claims["sub"] != CLIENT_ID:
                return jsonify(error="invalid_client"), 401
            access = uuid.uuid4().hex
            self.tokens.add(access)
            self.token_requests.append({"scope": request.form.get("scope", "")})
            return jsonify(
                access_token=access,
                token_type="Bearer",
                expires_in=3600,
                scope=request.form.get("scope", ""),
            )

        def authorised() -> bool:
            return request.headers.get("Authorization", "").removeprefix("Bearer ") in self.tokens

        @app.post("/lineitems/7/lineitem/scores")
        def scores():
            if not authorised():
                return jsonify(error="unauthorised"), 401
            if self.scores_down:
                return jsonify(error="maintenance"), 503
            if request.content_type != "application/vnd.ims.lis.v1.score+json":
                return jsonify(error="wrong content type"), 415
            self.scores.append(request.get_json(force=True))
            return "", 204

        @app.get("/contexts/42/memberships")
        def memberships():
            if not authorised():
                return jsonify(error="unauthorised"), 401
            body = {
                "id": self.base + "/contexts/42/memberships",
                "context": {"id": "42", "title": "Open data"},
                "members": self.members,
            }
            return app.response_class(
                json.dumps(body),
                mimetype="application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
            )

        @app.get("/link/<hint>")
        def link(hint: str):
            """A link in the platform's course: third-party login initiation, in the browser."""
            return self.autosubmit(
                self.tool + "/lti/login",
                {
                    "iss": self.issuer,
                    "client_id": CLIENT_ID,
                    "login_hint": hint,
                    "lti_message_hint": "msg-hint",
                    "target_link_uri": self.tool + "/lti/launch",
                    "lti_deployment_id": DEPLOYMENT,
                },
            )

        @app.get("/auth")
        def auth():
            """The authentication request: the signed id_token goes back to the redirect URI."""
            ask = request.args
            if (
                ask.get("client_id") != CLIENT_ID
                or ask.get("login_hint") not in self.launches
                or not ask.get("redirect_uri", "").startswith(self.tool + "/")
            ):
                return "unknown client, person or redirect URI", 400
            token = self.id_token(ask["nonce"], **self.launches[ask["login_hint"]])
            return self.autosubmit(
                ask["redirect_uri"], {"id_token": token, "state": ask.get("state", "")}
            )

        @app.post("/deep-link-return")
        def deep_link_return():
            """The tool's LtiDeepLinkingResponse, verified with the keys the tool publishes."""
            token = request.form.get("JWT", "")
            if not self.tool_jwks["keys"]:
                with urlopen(self.tool + "/lti/jwks.json", timeout=10) as answer:
                    self.tool_jwks = json.load(answer)
            kid = jwt.get_unverified_header(token).get("kid")
            [key] = [k for k in self.tool_jwks["keys"] if k["kid"] == kid]
            claims = jwt.decode(
                token, jwt.PyJWK(key).key, algorithms=["RS256"], audience=self.issuer
            )
            self.deep_link_answers.append(claims)
            items = claims.get("https://purl.imsglobal.org/spec/lti-dl/claim/content_items") or []
            titles = "".join(f"<li>{escape(item.get('title', ''))}</li>" for item in items)
            return f"<!doctype html><title>Platform</title><h1>Content added</h1><ul>{titles}</ul>"

        return app

    @staticmethod
    def autosubmit(action: str, fields: dict[str, str]) -> str:
        """A page whose form posts ``fields`` to ``action`` at once, as platforms' pages do."""
        inputs = "".join(
            f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
            for k, v in fields.items()
        )
        return (
            f'<!doctype html><title>Platform</title><form method="post" action="{escape(action)}">'
            f"{inputs}<button>Continue</button></form><script>document.forms[0].submit()</script>"
        )

    # -- what the platform's pages do -----------------------------------------------------------
    def id_token(
        self,
        nonce: str,
        *,
        sub: str = "learner-1",
        roles: list[str] | None = None,
        custom: dict[str, str] | None = None,
        message_type: str = "LtiResourceLinkRequest",
        key: Any = None,
        kid: str | None = None,
        **overrides: Any,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": "Lucia Bianchi",
            "given_name": "Lucia",
            "family_name": "Bianchi",
            "email": "lucia.bianchi@comune.example",
            "locale": "it-IT",
            CLAIM + "message_type": message_type,
            CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": DEPLOYMENT,
            CLAIM + "roles": roles if roles is not None else [MEMBERSHIP + "Learner"],
            CLAIM + "context": {
                "id": "42",
                "title": "Open data",
                "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
            },
        }
        if message_type == "LtiResourceLinkRequest":
            claims[CLAIM + "target_link_uri"] = "http://localhost/lti/launch"
            claims[CLAIM + "resource_link"] = {"id": "link-1", "title": "nttlearn"}
            claims[CLAIM + "custom"] = custom or {}
            claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = {
                "scope": [
                    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                ],
                "lineitems": self.base + "/lineitems",
                "lineitem": self.base + "/lineitems/7/lineitem",
            }
            claims["https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"] = {
                "context_memberships_url": self.base + "/contexts/42/memberships",
                "service_versions": ["2.0"],
            }
        else:
            claims[CLAIM + "target_link_uri"] = "http://localhost/lti/launch"
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": self.browser_base + "/deep-link-return",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "data": "dl-data-9",
            }
        claims.update(overrides)
        return jwt.encode(
            claims, key or self.private_pem, algorithm="RS256", headers={"kid": kid or self.kid}
        )


def start_login(client, lms: FakeLms) -> dict[str, str]:
    """The platform's third-party login initiation; returns the auth request's parameters."""
    response = client.post(
        "/lti/login",
        data={
            "iss": lms.issuer,
            "client_id": CLIENT_ID,
            "login_hint": "user-hint",
            "lti_message_hint": "msg-hint",
            "target_link_uri": "http://localhost/lti/launch",
            "lti_deployment_id": DEPLOYMENT,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    location = urlparse(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == lms.base + "/auth"
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def launch(client, lms: FakeLms, **token: Any):
    """A full login → launch, as a browser sent by the platform does it."""
    auth = start_login(client, lms)
    id_token = lms.id_token(auth["nonce"], **token)
    return (
        client.post("/lti/launch", data={"id_token": id_token, "state": auth["state"]}),
        auth,
        id_token,
    )
