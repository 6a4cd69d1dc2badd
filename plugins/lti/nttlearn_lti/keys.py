"""The tool's RSA key pair: made on first use, kept in the database (every app node signs with the
same key), published as a JWKS at ``/lti/jwks.json``."""

from __future__ import annotations

import json
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK
from sqlalchemy.exc import IntegrityError

from nttlearn.api import db

from .models import ToolKey


def _new_key() -> ToolKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    kid = JWK.from_pem(public_pem.encode()).thumbprint()
    return ToolKey(kid=kid, private_pem=private_pem, public_pem=public_pem)


def current_key() -> ToolKey:
    """The newest key pair, made (and committed) when there is none yet."""
    key = db.session.execute(db.select(ToolKey).order_by(ToolKey.id.desc()).limit(1)).scalar()
    if key is not None:
        return key
    key = _new_key()
    try:
        with db.session.begin_nested():
            db.session.add(key)
    except IntegrityError:  # pragma: no cover - two nodes made one at once: use the other's
        pass
    db.session.commit()
    return db.session.execute(db.select(ToolKey).order_by(ToolKey.id.desc()).limit(1)).scalar_one()


def public_jwk(key: ToolKey) -> dict[str, Any]:
    jwk = json.loads(JWK.from_pem(key.public_pem.encode()).export_public())
    jwk.update(kid=key.kid, alg="RS256", use="sig")
    return jwk


def jwks() -> dict[str, Any]:
    current_key()
    keys = db.session.execute(db.select(ToolKey).order_by(ToolKey.id)).scalars()
    return {"keys": [public_jwk(key) for key in keys]}
