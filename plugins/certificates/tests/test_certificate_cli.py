"""``nttlearn certificates …``: issue, revoke, export, pdf, keys, verify and demo."""

from __future__ import annotations

import copy
import io
import json

import pypdf
import pytest

from nttlearn import db
from nttlearn.learn.services import enrol
from nttlearn_certificates import services
from nttlearn_certificates.baking import badge_png, bake_png
from nttlearn_certificates.rules import CertificateRule, save_rule


@pytest.fixture
def learner_and_course(make_user, quiz_course):
    learner = make_user(name="Åsa Lindqvist", email="asa.lindqvist@example.org")
    course = quiz_course(slug="designing-twinned-town-networks")
    enrol(learner.id, course, by_staff=True)
    db.session.commit()
    return learner, course


@pytest.fixture
def code(cli, learner_and_course) -> str:
    result = cli(
        "certificates",
        "issue",
        "asa.lindqvist@example.org",
        "designing-twinned-town-networks",
        "--reason",
        "Attended the Luleå seminar",
        "--json",
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["code"]


def test_issue_prints_the_code_and_refuses_a_second_one(cli, code, learner_and_course):
    again = cli(
        "certificates",
        "issue",
        "asa.lindqvist@example.org",
        "designing-twinned-town-networks",
        "--reason",
        "again",
    )

    cert = services.find_certificate(code)
    assert cert.issue_reason == "Attended the Luleå seminar"
    assert again.exit_code == 1 and f"already holds certificate {code}" in again.output


def test_issue_explains_an_unknown_learner_or_course(cli, learner_and_course):
    unknown_user = cli(
        "certificates",
        "issue",
        "nobody@example.org",
        "designing-twinned-town-networks",
        "--reason",
        "x",
    )
    unknown_course = cli(
        "certificates", "issue", "asa.lindqvist@example.org", "no-such-course", "--reason", "x"
    )

    assert unknown_user.exit_code == 1 and "no user has the e-mail address" in unknown_user.output
    assert unknown_course.exit_code == 1 and "no course has the slug" in unknown_course.output


def test_verify_a_code_exits_zero_only_while_it_is_valid(cli, code):
    valid = cli("certificates", "verify", code, "--json")
    revoke = cli("certificates", "revoke", code, "--reason", "Issued in error")
    revoked = cli("certificates", "verify", code, "--json")

    assert valid.exit_code == 0 and json.loads(valid.output)["status"] == "valid"
    assert revoke.exit_code == 0
    assert revoked.exit_code == 1
    report = json.loads(revoked.output)
    assert report["status"] == "revoked" and "Issued in error" in report["reasons"][0]
    assert (
        report["holder"] == "Åsa Lindqvist"
        and report["course"] == "Designing a network of twinned towns"
    )


def test_verify_an_unknown_code_is_not_found(cli):
    result = cli("certificates", "verify", "NTT-0000-0000")

    assert result.exit_code == 1 and "NOT FOUND" in result.output


def test_export_json_and_jwt_files_verify_and_a_changed_file_does_not(cli, code, tmp_path):
    exported = cli("certificates", "export", code)
    jwt = cli("certificates", "export", code, "--format", "jwt")
    credential = json.loads(exported.output)
    (tmp_path / "c.json").write_text(exported.output)
    (tmp_path / "c.jwt").write_text(jwt.output)
    changed = copy.deepcopy(credential)
    changed["credentialSubject"]["achievement"]["name"] = "Advanced course"
    (tmp_path / "changed.json").write_text(json.dumps(changed))
    header, payload, signature = jwt.output.strip().split(".")
    (tmp_path / "changed.jwt").write_text(f"{header}.{payload[:-2]}AA.{signature}")

    assert cli("certificates", "verify", str(tmp_path / "c.json")).exit_code == 0
    assert cli("certificates", "verify", str(tmp_path / "c.jwt")).exit_code == 0
    tampered = cli("certificates", "verify", str(tmp_path / "changed.json"))
    assert (
        tampered.exit_code == 1
        and "INVALID" in tampered.output
        and "changed after it was signed" in tampered.output
    )
    assert cli("certificates", "verify", str(tmp_path / "changed.jwt")).exit_code == 1


def test_a_revoked_credential_file_fails_its_status_check(cli, code, tmp_path):
    (tmp_path / "c.json").write_text(cli("certificates", "export", code).output)
    cli("certificates", "revoke", code, "--reason", "Issued in error")

    result = cli("certificates", "verify", str(tmp_path / "c.json"), "--json")

    assert result.exit_code == 1 and json.loads(result.output)["status"] == "revoked"


def test_a_baked_badge_verifies(cli, code, tmp_path):
    credential = json.loads(cli("certificates", "export", code).output)
    (tmp_path / "badge.png").write_bytes(bake_png(badge_png("Twinning"), credential))

    result = cli("certificates", "verify", str(tmp_path / "badge.png"), "--json")

    assert result.exit_code == 0 and json.loads(result.output)["checked"] == "png+credential"


def test_pdf_writes_the_certificate_and_verify_reads_its_code_back(cli, code, tmp_path):
    out = tmp_path / "certificate.pdf"

    written = cli("certificates", "pdf", code, str(out))
    verified = cli("certificates", "verify", str(out), "--json")

    assert written.exit_code == 0
    text = " ".join(pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text().split())
    assert "Åsa Lindqvist" in text and code in text
    assert verified.exit_code == 0 and json.loads(verified.output)["code"] == code


def test_a_pdf_whose_name_was_changed_is_reported_as_altered(cli, code, tmp_path, app):
    from nttlearn_certificates import designs

    cert = services.find_certificate(code)
    data = designs.certificate_data(cert)
    data.learner_name = "Someone Else"
    from nttlearn_certificates.pdf import render_pdf

    (tmp_path / "forged.pdf").write_bytes(render_pdf(data, designs.template_of(None)))

    result = cli("certificates", "verify", str(tmp_path / "forged.pdf"))

    assert result.exit_code == 1 and "altered" in result.output


def test_pdf_refuses_a_missing_folder_and_leaves_no_file(cli, code, tmp_path):
    result = cli("certificates", "pdf", code, str(tmp_path / "missing" / "out.pdf"))

    assert result.exit_code == 1 and "is not a folder" in result.output
    assert not (tmp_path / "missing").exists()


def test_keys_json_lists_the_published_multikeys(cli, code):
    keys = json.loads(cli("certificates", "keys", "--json").output)
    cert = services.find_certificate(code)

    assert keys == [
        {
            "id": cert.credential["proof"][0]["verificationMethod"],
            "type": "Multikey",
            "controller": "https://learn.example.org/certificates/issuer",
            "publicKeyMultibase": keys[0]["publicKeyMultibase"],
        }
    ]
    assert keys[0]["publicKeyMultibase"].startswith("z6Mk")


def test_keys_rotate_adds_a_current_key_and_keeps_the_old(cli, code):
    before = json.loads(cli("certificates", "keys", "--json").output)

    cli("certificates", "keys", "rotate")

    after = json.loads(cli("certificates", "keys", "--json").output)
    assert after[1:] == before and len(after) == 2
    assert cli("certificates", "verify", code).exit_code == 0


def test_an_expired_certificate_fails_verification(cli, make_user, quiz_course):
    from datetime import UTC, datetime

    course = quiz_course()
    save_rule(course, CertificateRule(valid_months=6))
    cert = services.issue_certificate(
        make_user(), course, reason="x", now=datetime(2010, 3, 11, tzinfo=UTC)
    )
    db.session.commit()

    result = cli("certificates", "verify", cert.code)

    assert (
        result.exit_code == 1
        and "EXPIRED" in result.output
        and "September 11, 2010" in result.output
    )


def test_demo_completes_the_main_course_and_issues_the_certificate(cli, learner_and_course):
    result = cli("certificates", "demo", "--email", "asa.lindqvist@example.org", "--json")

    report = json.loads(result.output)
    assert result.exit_code == 0 and report["code"].startswith("NTT-")
    assert cli("certificates", "verify", report["code"]).exit_code == 0


def test_a_missing_private_key_is_a_clear_error_and_issues_nothing(
    cli, code, instance, make_user, quiz_course
):
    for private in (instance / "certificates" / "keys").glob("*.key.pem"):
        private.unlink()
    learner, course = (
        make_user(email="lucia.fernandez@example.org"),
        quiz_course(slug="second-course"),
    )

    result = cli(
        "certificates", "issue", "lucia.fernandez@example.org", "second-course", "--reason", "x"
    )

    assert result.exit_code == 1
    assert (
        "The signing key" in result.output
        and "is missing; restore it from a backup" in result.output
    )
    assert services.live_certificate(learner.id, course.id) is None
    assert cli("certificates", "verify", code).exit_code == 0  # issued certificates still verify
