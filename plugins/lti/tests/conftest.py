"""Fixtures for the LTI plugin's tests: an app with this plugin alone, and a real LTI 1.3 platform
on 127.0.0.1 (a Flask app served by Werkzeug in a thread) with its own RSA key: it publishes its
JWKS, signs id_tokens, issues access tokens to the tool's signed client assertions, receives AGS
scores and serves an NRPS member list."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify, request
from jwcrypto.jwk import JWK
from werkzeug.serving import make_server

from nttlearn.api import db
from nttlearn_lti.models import Platform

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
CLIENT_ID = "nttlearn-client"
DEPLOYMENT = "deployment-1"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"


def rsa_key() -> tuple[Any, str]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return private, pem.decode()


class FakeLms:
    """The platform side, for real: what it received is kept for the tests to read."""

    def __init__(self) -> None:
        self.private, self.private_pem = rsa_key()
        public_pem = self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
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
        self.app = self._make_app()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.issuer = self.base
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
            claims = jwt.decode(assertion, jwt.PyJWK(key).key, algorithms=["RS256"],
                                audience=self.base + "/token")
            if claims["iss"] != CLIENT_ID or claims["sub"] != CLIENT_ID:
                return jsonify(error="invalid_client"), 401
            access = uuid.uuid4().hex
            self.tokens.add(access)
            self.token_requests.append({"scope": request.form.get("scope", "")})
            return jsonify(access_token=access, token_type="Bearer", expires_in=3600,
                           scope=request.form.get("scope", ""))

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
            body = {"id": self.base + "/contexts/42/memberships", "context": {"id": "42", "title": "Open data"},
                    "members": self.members}
            return app.response_class(json.dumps(body),
                                      mimetype="application/vnd.ims.lti-nrps.v2.membershipcontainer+json")

        return app

    # -- what the platform's pages do -----------------------------------------------------------
    def id_token(self, nonce: str, *, sub: str = "learner-1", roles: list[str] | None = None,
                 custom: dict[str, str] | None = None, message_type: str = "LtiResourceLinkRequest",
                 key: Any = None, kid: str | None = None, **overrides: Any) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer, "aud": CLIENT_ID, "sub": sub, "iat": now, "exp": now + 300, "nonce": nonce,
            "name": "Lucia Bianchi", "given_name": "Lucia", "family_name": "Bianchi",
            "email": "lucia.bianchi@comune.example", "locale": "it-IT",
            CLAIM + "message_type": message_type, CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": DEPLOYMENT,
            CLAIM + "roles": roles if roles is not None else [MEMBERSHIP + "Learner"],
            CLAIM + "context": {"id": "42", "title": "Open data", "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"]},
        }
        if message_type == "LtiResourceLinkRequest":
            claims[CLAIM + "target_link_uri"] = "http://localhost/lti/launch"
            claims[CLAIM + "resource_link"] = {"id": "link-1", "title": "nttlearn"}
            claims[CLAIM + "custom"] = custom or {}
            claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = {
                "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                          "https://purl.imsglobal.org/spec/lti-ags/scope/score"],
                "lineitems": self.base + "/lineitems", "lineitem": self.base + "/lineitems/7/lineitem"}
            claims["https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"] = {
                "context_memberships_url": self.base + "/contexts/42/memberships", "service_versions": ["2.0"]}
        else:
            claims[CLAIM + "target_link_uri"] = "http://localhost/lti/launch"
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": self.base + "/deep-link-return", "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"], "data": "dl-data-9"}
        claims.update(overrides)
        return jwt.encode(claims, key or self.private_pem, algorithm="RS256", headers={"kid": kid or self.kid})


@pytest.fixture
def lms() -> Iterator[FakeLms]:
    platform = FakeLms()
    platform.thread.start()
    yield platform
    platform.server.shutdown()
    platform.thread.join(5)


@pytest.fixture
def app(app_factory) -> Iterator[Flask]:
    app = app_factory(plugins=["lti"])
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def registered(app, lms) -> Platform:
    """The platform registered by an admin, and the tool's JWKS known to the platform."""
    platform = Platform(name="Moodle of the region", issuer=lms.issuer, client_id=CLIENT_ID,
                        deployment_ids=[DEPLOYMENT], auth_login_url=lms.base + "/auth",
                        auth_token_url=lms.base + "/token", key_set_url=lms.base + "/jwks")
    db.session.add(platform)
    db.session.commit()
    lms.tool_jwks = app.test_client().get("/lti/jwks.json").get_json()
    return platform


def start_login(client, lms: FakeLms) -> dict[str, str]:
    """The platform's third-party login initiation; returns the auth request's parameters."""
    response = client.post("/lti/login", data={
        "iss": lms.issuer, "client_id": CLIENT_ID, "login_hint": "user-hint", "lti_message_hint": "msg-hint",
        "target_link_uri": "http://localhost/lti/launch", "lti_deployment_id": DEPLOYMENT})
    assert response.status_code == 302, response.get_data(as_text=True)
    location = urlparse(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == lms.base + "/auth"
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def launch(client, lms: FakeLms, **token: Any):
    """A full login → launch, as a browser sent by the platform does it."""
    auth = start_login(client, lms)
    id_token = lms.id_token(auth["nonce"], **token)
    return client.post("/lti/launch", data={"id_token": id_token, "state": auth["state"]}), auth, id_token
