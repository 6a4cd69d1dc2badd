"""``nttlearn api token create|list|revoke``: personal access tokens from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..auth.services import find_user
from ..extensions import db
from ..models import API_SCOPES, ApiToken
from .tokens import TokenError, create_token, revoke_token, user_tokens


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(1)


def _echo_json(data: object) -> None:
    import json

    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _token_json(record: ApiToken) -> dict:
    return {
        "id": record.id,
        "name": record.name,
        "prefix": record.prefix,
        "scopes": record.scope_list,
        "created_at": record.created_at,
        "expires_at": record.expires_at,
        "last_used_at": record.last_used_at,
    }


@click.group("api")
def api_group() -> None:
    """The REST API (/api/v1): personal access tokens."""


@api_group.group("token")
def token_group() -> None:
    """Personal access tokens: create, list, revoke."""


@token_group.command("create")
@click.argument("email")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice(API_SCOPES),
    help="read, write or admin (repeat for several)",
)
@click.option("--name", default="", help="What the token is for, to recognise it later")
@click.option(
    "--expires-days", type=click.IntRange(1, 3650), default=None, help="Expire after N days"
)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def token_create(
    email: str, scopes: tuple[str, ...], name: str, expires_days: int | None, as_json: bool
) -> None:
    """Make a token for the account EMAIL; it is printed once and cannot be read back."""
    user = find_user(email)
    if user is None or user.deleted_at is not None:
        _fail(f"no account with the e-mail address {email}")
    try:
        token, record = create_token(user, list(scopes), name=name, expires_days=expires_days)
    except TokenError as exc:
        db.session.rollback()
        _fail(str(exc))
    db.session.commit()
    if as_json:
        _echo_json(
            {
                "token": token,
                "id": record.id,
                "scopes": record.scope_list,
                "expires_at": record.expires_at,
            }
        )
        return
    click.echo(token)
    click.echo(
        f"(token {record.id}, scopes: {' '.join(record.scope_list)}; it is shown only now)",
        err=True,
    )


@token_group.command("list")
@click.argument("email")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def token_list(email: str, as_json: bool) -> None:
    """The account's tokens that still work (never the tokens themselves)."""
    user = find_user(email)
    if user is None:
        _fail(f"no account with the e-mail address {email}")
    tokens = [_token_json(t) for t in user_tokens(user)]
    if as_json:
        _echo_json(tokens)
        return
    for t in tokens:
        click.echo(f"{t['id']}\t{t['prefix']}…\t{' '.join(t['scopes'])}\t{t['name']}")


@token_group.command("revoke")
@click.argument("token_id", type=click.IntRange(1, 2**31 - 1))
@with_appcontext
def token_revoke(token_id: int) -> None:
    """Revoke the token TOKEN_ID at once."""
    record = db.session.get(ApiToken, token_id)
    if record is None:
        _fail(f"no token {token_id}")
    revoke_token(record)
    db.session.commit()
    click.echo(f"revoked token {token_id} ({record.prefix}…)")
