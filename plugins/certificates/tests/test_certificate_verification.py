"""The public verification page: status, holder, course, date and issuer, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from nttlearn import db
from nttlearn.testing import count_queries
from nttlearn_certificates import services
from nttlearn_certificates.rules import CertificateRule, save_rule


@pytest.fixture
def issued(make_user, quiz_course, complete):
    learner = make_user(
        name="Åsa Lindqvist",
        email="asa.lindqvist@lulea.example.se",
        org="Luleå kommun",
        country="SE",
        town="Luleå",
    )
    course = quiz_course()
    complete(learner, course)
    return services.live_certificate(learner.id, course.id)


def test_a_valid_certificate_shows_holder_course_date_and_issuer(issued, client):
    response = client.get(f"/verify/{issued.code}")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "This certificate is genuine and valid." in page
    for fact in (
        "Åsa Lindqvist",
        "Designing a network of twinned towns",
        issued.issued_at.strftime("%B %-d, %Y"),
        "SERN – Sweden-Emilia-Romagna Network",
    ):
        assert fact in page


def test_the_page_reveals_nothing_else_about_the_learner(issued, client):
    page = client.get(f"/verify/{issued.code}").get_data(as_text=True)

    for private in (
        "asa.lindqvist@lulea.example.se",
        "Luleå kommun",
        "Analyse local needs",
        issued.salt,
        "identityHash",
        "/certificates/" + issued.code + "/",
    ):
        assert private not in page


def test_a_code_typed_loosely_is_found(issued, client):
    loose = issued.code.lower().replace("-", " ").replace("0", "o")

    response = client.get("/verify", query_string={"code": loose})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{issued.code}")


def test_an_unknown_code_is_clearly_not_found(client):
    response = client.get("/verify/NTT-0000-0000")

    assert response.status_code == 404
    assert "Certificate not found" in response.get_data(as_text=True)


def test_a_malformed_code_in_the_form_is_explained(client):
    response = client.get("/verify", query_string={"code": "hello"})

    assert response.status_code == 200
    assert "looks like NTT-7K4Q-M2XD" in response.get_data(as_text=True)


def test_a_revoked_certificate_says_so_without_the_reason(issued, client):
    services.revoke_certificate(issued, reason="Plagiarised capstone proposal")
    db.session.commit()

    page = client.get(f"/verify/{issued.code}").get_data(as_text=True)

    assert "was revoked on" in page and "Revoked" in page
    assert "Plagiarised" not in page


def test_an_expired_certificate_says_so(make_user, quiz_course, client):
    course = quiz_course()
    save_rule(course, CertificateRule(valid_months=12))
    cert = services.issue_certificate(
        make_user(), course, reason="x", now=datetime.now(UTC) - timedelta(days=400)
    )
    db.session.commit()

    page = client.get(f"/verify/{cert.code}").get_data(as_text=True)

    assert "This certificate expired on" in page and "Expired" in page


def test_guessing_codes_is_rate_limited_per_address(app, issued, client):
    app.config["CERTIFICATES_VERIFY_MISSES_PER_HOUR"] = 5
    for number in range(5):
        assert client.get(f"/verify/NTT-0000-000{number}").status_code == 404

    blocked = client.get(f"/verify/{issued.code}")
    other_address = client.get(f"/verify/{issued.code}", environ_base={"REMOTE_ADDR": "10.1.2.3"})

    assert blocked.status_code == 429
    assert "Too many unknown codes" in blocked.get_data(as_text=True)
    assert other_address.status_code == 200


def test_the_page_reports_its_server_time_and_runs_two_queries(app, issued, client):
    client.get(f"/verify/{issued.code}")  # warm the template cache

    with count_queries(app) as queries:
        response = client.get(f"/verify/{issued.code}")

    assert response.headers["Server-Timing"].startswith("app;dur=")
    assert len(queries) <= 2  # the plugin switches and the certificate: nothing per request grows


@pytest.mark.parametrize(("locale", "month"), [("it", "marzo"), ("sv", "mars")])
def test_the_verdict_writes_the_revocation_and_expiry_days_in_the_reader_s_language(
    app, make_user, quiz_course, locale, month
):
    from flask_babel import force_locale

    from nttlearn_certificates.verification import verify_code

    course = quiz_course()
    save_rule(course, CertificateRule(valid_months=12))
    expired = services.issue_certificate(
        make_user(), course, reason="x", now=datetime(2010, 3, 5, 10, tzinfo=UTC)
    )
    revoked = services.issue_certificate(
        make_user(), course, reason="x", now=datetime(2010, 3, 1, 10, tzinfo=UTC)
    )
    services.revoke_certificate(
        revoked, reason="Issued by mistake", now=datetime(2010, 3, 2, 10, tzinfo=UTC)
    )
    db.session.commit()

    with app.test_request_context(), force_locale(locale):
        expired_text = " ".join(verify_code(expired.code).reasons)
        revoked_text = " ".join(verify_code(revoked.code).reasons)

    assert f"5 {month} 2011" in expired_text and "2011-03-05" not in expired_text
    assert f"2 {month} 2010" in revoked_text and "2010-03-02" not in revoked_text
