"""Who calls the REST API: a bearer token in ``Authorization``, never a cookie session.

Every API view declares the scope it needs with :func:`token_required`; the route-permission
walk reads that declaration like the site's own (``nttlearn_permission``). The token's scopes
narrow what its owner may do; each view still checks the owner's rights (an admin scope on a
learner's account opens nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request
from flask_smorest import abort

from ..auth.permissions import PERMISSION_ATTRIBUTE
from ..extensions import db
from ..models import API_SCOPES, ApiToken, User, utcnow
from ..ratelimit import limiter
from .tokens import find_token

F = TypeVar("F", bound=Callable[..., Any])
LAST_USED_PRECISION = timedelta(minutes=1)


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _authenticate() -> ApiToken:
    token = _bearer_token()
    record = find_token(token) if token else None
    if record is None:
        abort(401, message="Send a valid personal access token: 'Authorization: Bearer ntt_…'.")
    limit, window = current_app.config["API_RATE_LIMIT"]
    counter = limiter("api-token", limit, window)
    key = str(record.id)
    if current_app.config.get("RATELIMIT_ENABLED", True) and counter.blocked(key):
        abort(
            429,
            message=f"More than {limit} requests in {window} seconds with this token.",
            headers={"Retry-After": str(window)},
        )
    counter.hit(key)
    now = utcnow()
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_PRECISION:
        db.session.execute(
            db.update(ApiToken).where(ApiToken.id == record.id).values(last_used_at=now)
        )
        db.session.commit()
    return record


def token_required(scope: str) -> Callable[[F], F]:
    """An API view for tokens holding ``scope`` (``read``, ``write`` or ``admin``).

    No token, or a revoked or expired one: 401. A token without the scope: 403. The caller is
    then :func:`api_user`.
    """
    if scope not in API_SCOPES:
        raise ValueError(f"unknown API scope {scope!r}")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            record = _authenticate()
            if scope not in record.scope_list:
                abort(403, message=f"This token does not hold the {scope!r} scope.")
            if scope == "admin" and not record.user.is_admin:
                abort(403, message="The 'admin' scope works only for administrators' tokens.")
            g.api_token = record
            return view(*args, **kwargs)

        setattr(wrapped, PERMISSION_ATTRIBUTE, f"token:{scope}")
        return wrapped  # type: ignore[return-value]

    return decorator


def api_user() -> User:
    """The account whose token made this API request (inside a :func:`token_required` view)."""
    return g.api_token.user
