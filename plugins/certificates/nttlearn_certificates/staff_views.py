"""Trainers' and admins' pages: a course's rule and certificates, issuing by hand and by cohort,
revoking and reissuing, and the template editor with its server-drawn preview."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from nttlearn.api import Course, Enrolment, User, db, require_admin, require_course_staff

from . import credentials, designs, services
from .document import TemplateError
from .forms import BulkIssueForm, IssueForm, ReasonForm, RuleForm, TemplateForm
from .keys import KeyRingError
from .models import IssuedCertificate
from .pdf import CertificateRenderError
from .rules import CertificateRule, rule_for, save_rule
from .views import bp

PREVIEW_HEADERS = {
    # The preview is shown in a frame of the editor: same origin only.
    "Content-Security-Policy": "frame-ancestors 'self'",
    "X-Frame-Options": "SAMEORIGIN",
    "Cache-Control": "no-store",
}


# -- a course's certificates --------------------------------------------------------------------------
@bp.route("/certificates/courses/<int:course_id>")
@require_course_staff
def course(course_id: int):
    return _course_page(db.get_or_404(Course, course_id))


@bp.route("/certificates/courses/<int:course_id>/rule", methods=["POST"])
@require_course_staff
def save_course_rule(course_id: int):
    course = db.get_or_404(Course, course_id)
    form = RuleForm()
    if not form.validate_on_submit():
        return _course_page(course, rule_form=form), 400
    save_rule(
        course,
        CertificateRule(
            enabled=bool(form.enabled.data),
            min_quiz_grade=form.min_quiz_grade.data,
            require_accepted_proposal=bool(form.require_accepted_proposal.data),
            valid_months=form.valid_months.data,
        ),
    )
    db.session.commit()
    flash(_("The certificate rule has been saved."), "success")
    return redirect(url_for("certificates.course", course_id=course.id))


@bp.route("/certificates/courses/<int:course_id>/issue", methods=["POST"])
@require_course_staff
def issue(course_id: int):
    course = db.get_or_404(Course, course_id)
    form = _issue_form(course)
    if not form.validate_on_submit():
        return _course_page(course, issue_form=form), 400
    learner = db.get_or_404(User, form.learner.data)
    try:
        cert = services.issue_certificate(
            learner, course, issued_by=current_user, reason=form.reason.data
        )
    except (services.CertificateError, KeyRingError, credentials.SigningKeyError) as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("certificates.course", course_id=course.id))
    db.session.commit()
    flash(
        _(
            "Certificate %(code)s has been issued to %(name)s.",
            code=cert.code,
            name=cert.learner_name,
        ),
        "success",
    )
    return redirect(url_for("certificates.course", course_id=course.id))


@bp.route("/certificates/courses/<int:course_id>/bulk", methods=["POST"])
@require_course_staff
def bulk(course_id: int):
    course = db.get_or_404(Course, course_id)
    form = _bulk_form(course)
    if not form.validate_on_submit():
        return _course_page(course, bulk_form=form), 400
    try:
        result = services.bulk_issue(
            course,
            form.cohort.data,
            reason=form.reason.data,
            issued_by=current_user,
            include_incomplete=bool(form.include_incomplete.data),
        )
    except (services.CertificateError, KeyRingError, credentials.SigningKeyError) as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("certificates.course", course_id=course.id))
    db.session.commit()
    flash(
        _(
            "%(issued)d certificates issued; %(already)d learners already held one; %(open)d have not "
            "completed the course.",
            issued=len(result.issued),
            already=len(result.already),
            open=len(result.not_completed),
        ),
        "success",
    )
    return redirect(url_for("certificates.course", course_id=course.id))


@bp.route("/certificates/courses/<int:course_id>/certificates/<code>/revoke", methods=["POST"])
@require_course_staff
def revoke(course_id: int, code: str):
    cert = _course_certificate(course_id, code)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give a reason for the revocation."), "error")
    else:
        try:
            services.revoke_certificate(cert, reason=form.reason.data, revoked_by=current_user)
        except services.CertificateError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Certificate %(code)s has been revoked.", code=cert.code), "success")
    return redirect(url_for("certificates.course", course_id=course_id))


@bp.route("/certificates/courses/<int:course_id>/certificates/<code>/reissue", methods=["POST"])
@require_course_staff
def reissue(course_id: int, code: str):
    cert = _course_certificate(course_id, code)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give a reason for reissuing the certificate."), "error")
        return redirect(url_for("certificates.course", course_id=course_id))
    try:
        new = services.reissue_certificate(cert, reason=form.reason.data, issued_by=current_user)
    except (services.CertificateError, KeyRingError, credentials.SigningKeyError) as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(
            _(
                "Certificate %(old)s has been replaced by %(new)s, issued to %(name)s.",
                old=cert.code,
                new=new.code,
                name=new.learner_name,
            ),
            "success",
        )
    return redirect(url_for("certificates.course", course_id=course_id))


def _course_certificate(course_id: int, code: str) -> IssuedCertificate:
    cert = services.find_certificate(code)
    if cert is None or cert.course_id != course_id:
        abort(404)
    return cert


def _issue_form(course: Course, *, submitted: bool = True) -> IssueForm:
    form = IssueForm() if submitted else IssueForm(formdata=None)
    form.learner.choices = [SelectChoice(0, "—")] + [
        SelectChoice(user.id, f"{user.name} <{user.email}>")
        for user in _learners_without_certificate(course)
    ]
    return form


def _bulk_form(course: Course, *, submitted: bool = True) -> BulkIssueForm:
    form = BulkIssueForm() if submitted else BulkIssueForm(formdata=None)
    form.cohort.choices = [
        SelectChoice("", _("Everyone enrolled")),
        *(SelectChoice(c) for c in services.cohorts(course)),
    ]
    return form


def _learners_without_certificate(course: Course) -> list[User]:
    live = db.select(IssuedCertificate.user_id).where(
        IssuedCertificate.course_id == course.id,
        IssuedCertificate.revoked_at.is_(None),
        IssuedCertificate.user_id.is_not(None),
    )
    return list(
        db.session.execute(
            db.select(User)
            .join(Enrolment, Enrolment.user_id == User.id)
            .where(
                Enrolment.course_id == course.id, User.deleted_at.is_(None), User.id.not_in(live)
            )
            .order_by(User.name)
        ).scalars()
    )


def _course_page(
    course: Course,
    rule_form: RuleForm | None = None,
    issue_form: IssueForm | None = None,
    bulk_form: BulkIssueForm | None = None,
) -> str:
    if rule_form is None:
        rule = rule_for(course)
        rule_form = RuleForm(
            formdata=None,
            data={
                "enabled": rule.enabled,
                "min_quiz_grade": rule.min_quiz_grade,
                "require_accepted_proposal": rule.require_accepted_proposal,
                "valid_months": rule.valid_months,
            },
        )
    return render_template(
        "certificates/course.html",
        course=course,
        rule_form=rule_form,
        issue_form=issue_form or _issue_form(course, submitted=False),
        bulk_form=bulk_form or _bulk_form(course, submitted=False),
        certificates=services.course_certificates(course.id),
        waiting=services.completed_without_certificate(course),
        reason_form=ReasonForm(formdata=None),
        has_own_template=designs.course_design(course.id) is not None,
    )


# -- templates ---------------------------------------------------------------------------------------
@bp.route("/certificates/courses/<int:course_id>/template", methods=["GET", "POST"])
@require_course_staff
def course_template(course_id: int):
    course = db.get_or_404(Course, course_id)
    return _template_editor(course)


@bp.route("/certificates/courses/<int:course_id>/template/preview.pdf", methods=["GET", "POST"])
@require_course_staff
def course_template_preview(course_id: int):
    course = db.get_or_404(Course, course_id)
    return _preview(course)


@bp.route("/certificates/courses/<int:course_id>/template/delete", methods=["POST"])
@require_course_staff
def delete_course_template(course_id: int):
    course = db.get_or_404(Course, course_id)
    if designs.delete_course_design(course.id):
        db.session.commit()
        flash(
            _("The course's own template is gone: its certificates use the site's template."),
            "success",
        )
    return redirect(url_for("certificates.course_template", course_id=course.id))


@bp.route("/certificates/admin", methods=["GET", "POST"])
@require_admin
def site_template():
    return _template_editor(None)


@bp.route("/certificates/admin/preview.pdf", methods=["GET", "POST"])
@require_admin
def site_template_preview():
    return _preview(None)


@bp.route("/certificates/admin/rotate-key", methods=["POST"])
@require_admin
def rotate_key():
    if FlaskForm().validate_on_submit():
        key = credentials.key_ring().rotate()
        flash(
            _(
                "A new signing key is in use: %(key)s. Certificates signed before still verify.",
                key=key.verification_method,
            ),
            "success",
        )
    else:
        flash(_("Your form expired. Please try again."), "error")
    return redirect(url_for("certificates.site_template"))


def _editing(course: Course | None):
    return designs.course_design(course.id) if course is not None else designs.site_design()


def _template_form(course: Course | None) -> TemplateForm:
    if request.method == "POST":
        return TemplateForm()
    design = _editing(course) or (designs.site_design() if course is not None else None)
    values = designs.DesignValues.of(design)
    data = {
        "title": values.title,
        "body": values.body,
        "primary_colour": values.primary_colour,
        "accent_colour": values.accent_colour,
        "text_colour": values.text_colour,
    }
    for n, (name, role) in enumerate(values.signatories, start=1):
        data[f"signatory_{n}_name"], data[f"signatory_{n}_role"] = name, role
    return TemplateForm(data=data)


def _submitted(form: TemplateForm, course: Course | None):
    """The values and images of a submitted editor form; raises TemplateError/ImageRejected."""
    values = designs.DesignValues(
        title=form.title.data or "",
        body=form.body.data or "",
        primary_colour=form.primary_colour.data,
        accent_colour=form.accent_colour.data,
        text_colour=form.text_colour.data,
        signatories=form.signatories(),
    )
    designs.check_template(values)
    uploads: dict[str, bytes | None] = {}
    for name in designs.IMAGE_FIELDS:
        upload = getattr(form, name).data
        content = upload.read() if upload and getattr(upload, "filename", "") else b""
        if content:
            try:
                uploads[name] = designs.check_image(content)
            except designs.ImageRejected as error:
                getattr(form, name).errors = [str(error)]
                raise
    remove = frozenset(
        name for name in designs.IMAGE_FIELDS if getattr(form, f"remove_{name}").data
    )
    return values, uploads, remove


def _template_editor(course: Course | None):
    form = _template_form(course)
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            values, uploads, remove = _submitted(form, course)
        except TemplateError as error:
            form.body.errors = [*form.body.errors, str(error)]
            status = 400
        except designs.ImageRejected:
            status = 400
        else:
            designs.save_design(course, values, uploads, remove=remove, user_id=current_user.id)
            db.session.commit()
            flash(_("The certificate template has been saved."), "success")
            if course is not None:
                return redirect(url_for("certificates.course_template", course_id=course.id))
            return redirect(url_for("certificates.site_template"))
    elif request.method == "POST":
        status = 400
    editing = _editing(course)
    preview_url = (
        url_for("certificates.course_template_preview", course_id=course.id)
        if course
        else url_for("certificates.site_template_preview")
    )
    return render_template(
        "certificates/template_editor.html",
        form=form,
        course=course,
        design=editing,
        images={name: getattr(editing, name) is not None for name in designs.IMAGE_FIELDS}
        if editing
        else {},
        preview_url=preview_url,
        keys=credentials.published_keys() if course is None else [],
        reason_form=ReasonForm(formdata=None),
    ), status


def _preview(course: Course | None) -> Response:
    """The editor's preview: the saved template (GET) or the form as it stands (POST), as a PDF."""
    design = _editing(course) or (designs.site_design() if course is not None else None)
    values = designs.DesignValues.of(design)
    images = designs.stored_images(design)
    if request.method == "POST":
        form = TemplateForm()
        if not form.validate():
            return _preview_problem(
                " ".join(str(e) for errors in form.errors.values() for e in errors)
            )
        try:
            values, uploads, remove = _submitted(form, course)
        except (TemplateError, designs.ImageRejected) as error:
            return _preview_problem(str(error))
        images = {
            name: None if name in remove else uploads.get(name, images.get(name))
            for name in designs.IMAGE_FIELDS
        }
    locale = current_user.locale or "en"
    try:
        content = designs.preview_pdf(course, values, images, locale)
    except CertificateRenderError as error:
        return _preview_problem(str(error))
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'inline; filename="preview.pdf"'
    response.headers.update(PREVIEW_HEADERS)
    return response


def _preview_problem(message: str) -> Response:
    body = render_template("certificates/preview_problem.html", message=message)
    response = Response(body, status=400, mimetype="text/html")
    response.headers.update(PREVIEW_HEADERS)
    return response
