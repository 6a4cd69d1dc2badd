"""``nttlearn certificates …``: issue, revoke, export, print and verify certificates; list keys.

Every command that reports takes ``--json``. Errors go to stderr with a non-zero exit code;
``verify`` exits 0 only for a valid certificate.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
from flask.cli import with_appcontext

from nttlearn.api import Course, User, db

from . import credentials, demo, designs, services
from .keys import KeyRingError
from .pdf import CertificateRenderError, write_pdf_atomically
from .verification import verify_bytes, verify_text


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group("certificates")
def certificates_group() -> None:
    """Certificates: PDFs and verifiable Open Badges credentials."""


@certificates_group.command("issue")
@click.argument("email")
@click.argument("course_slug")
@click.option("--reason", required=True, help="Why it is issued by hand (kept with it).")
@click.option("--json", "as_json", is_flag=True, help='Print {"code": …}.')
@with_appcontext
def issue_command(email: str, course_slug: str, reason: str, as_json: bool) -> None:
    """Issue a certificate by hand to the learner with EMAIL for the course COURSE_SLUG."""
    learner = db.session.execute(
        db.select(User).filter(db.func.lower(User.email) == email.strip().lower())
    ).scalar()
    if learner is None:
        fail(f"no user has the e-mail address {email}")
    course = db.session.execute(db.select(Course).filter_by(slug=course_slug)).scalar()
    if course is None:
        fail(f"no course has the slug {course_slug}")
    if not reason.strip():
        fail("--reason must not be empty")
    try:
        cert = services.issue_certificate(learner, course, reason=reason)
    except (services.CertificateError, KeyRingError, credentials.SigningKeyError) as error:
        fail(str(error))
    db.session.commit()
    if as_json:
        echo_json({"code": cert.code})
    else:
        click.echo(cert.code)


@certificates_group.command("revoke")
@click.argument("code")
@click.option("--reason", required=True, help="Why it is revoked (kept with it).")
@with_appcontext
def revoke_command(code: str, reason: str) -> None:
    """Revoke the certificate CODE."""
    cert = _certificate(code)
    try:
        services.revoke_certificate(cert, reason=reason)
    except services.CertificateError as error:
        fail(str(error))
    db.session.commit()
    click.echo(f"{cert.code} revoked")


@certificates_group.command("reissue")
@click.argument("code")
@click.option("--reason", required=True, help="Why (for example: name corrected).")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def reissue_command(code: str, reason: str, as_json: bool) -> None:
    """Revoke CODE and issue a new certificate with the learner's current name."""
    cert = _certificate(code)
    try:
        new = services.reissue_certificate(cert, reason=reason)
    except (services.CertificateError, KeyRingError, credentials.SigningKeyError) as error:
        fail(str(error))
    db.session.commit()
    if as_json:
        echo_json({"code": new.code, "replaces": cert.code})
    else:
        click.echo(new.code)


@certificates_group.command("export")
@click.argument("code")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "jwt"]),
    default="json",
    show_default=True,
)
@with_appcontext
def export_command(code: str, output_format: str) -> None:
    """Print the certificate's signed credential (JSON with its proof, or a VC-JWT)."""
    cert = _certificate(code)
    if not cert.credential:
        fail(f"{cert.code} has no credential any more (its holder deleted their account)")
    if output_format == "jwt":
        click.echo(credentials.credential_as_jwt(cert.credential))
    else:
        echo_json(cert.credential)


@certificates_group.command("pdf")
@click.argument("code")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def pdf_command(code: str, out: Path) -> None:
    """Write the certificate's PDF to OUT (written aside, then renamed into place)."""
    cert = _certificate(code)
    if not out.parent.is_dir():
        fail(f"{out.parent} is not a folder")
    try:
        write_pdf_atomically(
            out, designs.certificate_data(cert), designs.template_of(designs.issued_design(cert))
        )
    except CertificateRenderError as error:
        fail(str(error))
    click.echo(str(out))


@certificates_group.group("keys", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="The keys as published, as JSON.")
@click.pass_context
@with_appcontext
def keys_group(ctx: click.Context, as_json: bool) -> None:
    """List the public keys as published (current first); `keys rotate` makes a new one."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        published = credentials.published_keys()
    except (KeyRingError, credentials.SigningKeyError) as error:
        fail(str(error))
    if as_json:
        echo_json(published)
        return
    for number, key in enumerate(published):
        click.echo(
            f"{key['id']}  {key['publicKeyMultibase']}{'  (current)' if number == 0 else ''}"
        )


@keys_group.command("rotate")
@with_appcontext
def keys_rotate() -> None:
    """Sign with a new key from now on; credentials signed before keep verifying."""
    key = credentials.key_ring().rotate()
    click.echo(key.verification_method)


@certificates_group.command("verify")
@click.argument("code_or_file")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def verify_command(code_or_file: str, as_json: bool) -> None:
    """Check a certificate code, a credential (JSON or JWT), a baked PNG or a PDF.

    Exits 0 only when the certificate is valid; revoked, expired, altered or unknown
    certificates exit 1 with the reason.
    """
    path = Path(code_or_file)
    verdict = verify_bytes(path.read_bytes()) if path.is_file() else verify_text(code_or_file)
    if as_json:
        echo_json(verdict.as_json())
    else:
        summary = verdict.as_json()
        if verdict.certificate is not None:
            click.echo(
                f"{summary['code']}: {summary['course']}, issued to {summary['holder'] or '(name removed)'} "
                f"on {summary['issued_on']} by {summary['issuer']}"
            )
        click.echo(verdict.status.upper().replace("_", " "))
        for reason in verdict.reasons:
            click.echo(f"  {reason}")
    sys.exit(0 if verdict.ok else 1)


@certificates_group.command("demo")
@click.option("--email", default=demo.DEMO_LEARNER, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def demo_command(email: str, as_json: bool) -> None:
    """Complete the main course for a demo learner, so that a certificate is issued to them."""
    try:
        result = demo.complete_main_course(email)
    except demo.DemoError as error:
        fail(str(error))
    db.session.commit()
    if as_json:
        echo_json(result)
        return
    if result["code"]:
        click.echo(
            f"{result['learner']} completed {result['course']}: certificate {result['code']}"
        )
    else:
        click.echo(f"{result['learner']}: {result['message']}")


def _certificate(code: str):
    cert = services.find_certificate(code)
    if cert is None:
        fail(f"no certificate has the code {code}")
    return cert
