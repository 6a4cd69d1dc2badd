"""The plugin's public and learner pages (blueprint ``certificates``).

Public: the verification page, a shared certificate, and the documents a verifier dereferences
(issuer profile, keys, status lists, the 1EdTech revocation list, achievements). Learners: their certificates and the
downloads, which only the holder, the course's trainers and admins may open; anyone else gets
the same 404 as for a code that does not exist. The trainers' pages are in ``staff_views``.
"""

from __future__ import annotations

import json
import time
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from nttlearn.api import Course, can_manage_course, db, limiter, public, require_login

from . import credentials, designs, jobs, services, status_lists
from .badges import AchievementDefinition
from .baking import badge_png, bake_png
from .codes import normalise_code
from .forms import ShareForm, VerifyForm
from .models import IssuedCertificate
from .pdf import CertificateRenderError
from .rules import criteria_narrative, rule_for
from .settings import VERIFY_MISSES_PER_HOUR, setting
from .verification import verify_code

bp = Blueprint(
    "certificates",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/certificates/static",
)

PRIVATE = "private, no-store"


# -- verification (public) --------------------------------------------------------------------------
@bp.route("/verify")
@public
def verify_form():
    form = VerifyForm(request.args)
    if request.args.get("code") is not None and form.validate():
        code = normalise_code(form.code.data)
        if code is not None:
            return redirect(url_for("certificates.verify", code=code))
        form.code.errors.append(_("A certificate code looks like NTT-7K4Q-M2XD."))
    return render_template("certificates/verify.html", form=form, verdict=None)


@bp.route("/verify/<code>")
@public
def verify(code: str):
    started = time.perf_counter()
    misses = _misses()
    visitor = request.remote_addr or "?"
    if misses.blocked(visitor):
        return _timed(
            render_template(
                "certificates/verify.html", form=VerifyForm(), verdict=None, blocked=True
            ),
            429,
            started,
        )
    verdict = verify_code(code)
    if verdict.certificate is None:
        misses.hit(visitor)
        status = 404
    else:
        status = 200
    form = VerifyForm(data={"code": code})
    return _timed(
        render_template("certificates/verify.html", form=form, verdict=verdict), status, started
    )


def _misses():
    return limiter("certificates-verify-misses", int(setting(VERIFY_MISSES_PER_HOUR)), 3600)


def _timed(body: str, status: int, started: float) -> Response:
    """The page, with the time the server spent on it (``Server-Timing``, shown by browsers)."""
    response = current_app.make_response((body, status))
    response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
    return response


# -- the documents credentials point to (public) --------------------------------------------------------
@bp.route("/certificates/issuer")
@public
def issuer():
    return _json(credentials.profile_document())


@bp.route("/certificates/keys")
@public
def keys():
    return _json(credentials.published_keys())


@bp.route("/certificates/keys/<key_id>")
@public
def key(key_id: str):
    document = credentials.multikey_document(key_id)
    if document is None:
        abort(404)
    return _json(document)


@bp.route("/certificates/revocations")
@public
def revocations():
    response = _json(credentials.revocation_list(services.revoked_codes()))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/certificates/status/<int:list_id>")
@public
def status_list(list_id: int):
    """A signed ``BitstringStatusListCredential``, as stored when it was last re-signed."""
    row = status_lists.find_list(list_id)
    if row is None:
        abort(404)
    response = _json(row.credential)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/certificates/achievements/<slug>")
@public
def achievement(slug: str):
    course = _course_with_certificates(slug)
    definition = AchievementDefinition(
        id=credentials.achievement_id(course.slug),
        name=course.title,
        description=course.summary or course.title,
        criteria_narrative=criteria_narrative(rule_for(course), course),
        image_url=credentials.achievement_image_url(course.slug),
        outcomes=list(course.outcomes or []),
    )
    return _json(
        {
            "@context": [credentials.CREDENTIALS_V2_URL, credentials.OPEN_BADGES_V3_URL],
            "id": definition.id,
            "type": ["Achievement"],
            "achievementType": "Course",
            "name": definition.name,
            "description": definition.description,
            "criteria": {"narrative": definition.criteria_narrative},
            "image": {"id": definition.image_url, "type": "Image", "caption": definition.name},
            "creator": {"id": credentials.issuer_id(), "type": ["Profile"]},
        }
    )


@bp.route("/certificates/achievements/<slug>/badge.png")
@public
def achievement_badge(slug: str):
    course = _course_with_certificates(slug)
    design = designs.design_for(course.id)
    values = designs.DesignValues.of(design)
    png = badge_png(
        course.title, primary_colour=values.primary_colour, accent_colour=values.accent_colour
    )
    response = Response(png, mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _course_with_certificates(slug: str) -> Course:
    course = db.session.execute(db.select(Course).filter_by(slug=slug)).scalar()
    issued = db.session.execute(
        db.select(IssuedCertificate.id).where(IssuedCertificate.course_slug == slug).limit(1)
    ).first()
    if course is None or (not course.published and issued is None):
        abort(404)
    return course


def _json(document: Any) -> Response:
    return Response(json.dumps(document, ensure_ascii=False, indent=2), mimetype="application/json")


# -- a learner's certificates ------------------------------------------------------------------------
@bp.route("/certificates/")
@require_login
def mine():
    return render_template(
        "certificates/mine.html", certificates=services.certificates_of(current_user.id)
    )


@bp.route("/certificates/<code>")
@require_login
def certificate(code: str):
    cert = _viewable(code)
    form = ShareForm(data={"public": cert.public})
    return render_template(
        "certificates/certificate.html",
        cert=cert,
        form=form,
        owner=cert.user_id == current_user.id,
        pdf_ready=jobs.pdf_ready(cert),
        verify_url=credentials.verify_url(cert.code),
    )


@bp.route("/certificates/<code>/share", methods=["POST"])
@require_login
def share(code: str):
    cert = _viewable(code)
    if cert.user_id != current_user.id:
        abort(404)
    form = ShareForm()
    if form.validate_on_submit():
        try:
            services.set_public(cert, bool(form.public.data))
        except services.CertificateError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(
                _("Your certificate can now be seen by anyone with its link.")
                if cert.public
                else _("Your certificate is no longer shared."),
                "success",
            )
    return redirect(url_for("certificates.certificate", code=cert.code))


@bp.route("/certificates/<code>/certificate.pdf")
@require_login
def pdf(code: str):
    return _pdf_response(_viewable(code))


@bp.route("/certificates/<code>/credential.json")
@require_login
def credential_json(code: str):
    return _credential_response(_viewable(code))


@bp.route("/certificates/<code>/credential.jwt")
@require_login
def credential_jwt(code: str):
    cert = _viewable(code)
    if not cert.credential:
        abort(404)
    return _download(
        credentials.credential_as_jwt(cert.credential).encode("ascii"),
        "application/jwt",
        f"{cert.code}.jwt",
    )


@bp.route("/certificates/<code>/badge.png")
@require_login
def badge(code: str):
    return _badge_response(_viewable(code))


def _viewable(code: str) -> IssuedCertificate:
    """The certificate, if the current user holds it, teaches its course or is an admin."""
    cert = services.find_certificate(code)
    if cert is None:
        abort(404)
    if cert.user_id == current_user.id or current_user.is_admin:
        return cert
    if cert.course_id is not None and can_manage_course(current_user, cert.course_id):
        return cert
    abort(404)


# -- a certificate its holder shares (public) ----------------------------------------------------------
@bp.route("/certificates/shared/<code>")
@public
def shared(code: str):
    cert = _shared(code)
    return render_template(
        "certificates/shared.html", cert=cert, verify_url=credentials.verify_url(cert.code)
    )


@bp.route("/certificates/shared/<code>/certificate.pdf")
@public
def shared_pdf(code: str):
    return _pdf_response(_shared(code))


@bp.route("/certificates/shared/<code>/credential.json")
@public
def shared_credential(code: str):
    return _credential_response(_shared(code))


@bp.route("/certificates/shared/<code>/badge.png")
@public
def shared_badge(code: str):
    return _badge_response(_shared(code))


def _shared(code: str) -> IssuedCertificate:
    visitor = request.remote_addr or "?"
    misses = _misses()
    if misses.blocked(visitor):
        abort(429)
    cert = services.find_certificate(code)
    if cert is None or not cert.public or cert.is_revoked:
        misses.hit(visitor)
        abort(404)
    return cert


# -- downloads ---------------------------------------------------------------------------------------
def _pdf_response(cert: IssuedCertificate) -> Response:
    try:
        content = designs.certificate_pdf(cert)
    except CertificateRenderError as error:
        current_app.logger.error("certificate %s cannot be drawn: %s", cert.code, error)
        abort(500, description=_("The certificate cannot be drawn: %(error)s", error=str(error)))
    return _download(content, "application/pdf", f"{cert.code}.pdf")


def _credential_response(cert: IssuedCertificate) -> Response:
    if not cert.credential:
        abort(404)
    content = json.dumps(cert.credential, ensure_ascii=False, indent=2).encode("utf-8")
    return _download(content, "application/ld+json", f"{cert.code}.json")


def _badge_response(cert: IssuedCertificate) -> Response:
    if not cert.credential:
        abort(404)
    values = designs.DesignValues.of(designs.issued_design(cert))
    png = badge_png(
        cert.course_title, primary_colour=values.primary_colour, accent_colour=values.accent_colour
    )
    return _download(bake_png(png, cert.credential), "image/png", f"{cert.code}.png")


def _download(content: bytes, mimetype: str, filename: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = PRIVATE
    return response
