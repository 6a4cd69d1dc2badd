"""Issuing, revoking and reissuing certificates; listing them for learners and trainers.

Everything runs in the caller's transaction and never commits: a view or command commits once
it has succeeded, and the automatic issue on ``course.completed`` is part of the completion
itself. "Exactly once per learner and course" is the database's to keep (a unique index over
the certificates that are not revoked); the code checks first so that people get a message.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from nttlearn.api import Course, Enrolment, User, db, emit, enqueue, utcnow

from . import designs, jobs, notifications, rules, status_lists
from .badges import AchievementDefinition, Evidence, new_salt
from .codes import new_code, normalise_code
from .credentials import (
    achievement_id,
    achievement_image_url,
    build_signed_credential,
    signing_key,
)
from .models import IssuedCertificate
from .settings import issuer_name, issuer_url

ISSUED_EVENT = "certificates.issued"
REVOKED_EVENT = "certificates.revoked"
CODE_ATTEMPTS = 5
log = logging.getLogger(__name__)


class CertificateError(ValueError):
    """An action on certificates that cannot be done, with a message for the person asking."""


class AlreadyIssued(CertificateError):
    """The learner already holds a certificate for the course that is not revoked."""

    def __init__(self, certificate: IssuedCertificate) -> None:
        super().__init__(
            _(
                "%(name)s already holds certificate %(code)s for this course.",
                name=certificate.learner_name,
                code=certificate.code,
            )
        )
        self.certificate = certificate


# -- reading -------------------------------------------------------------------------------------------
def find_certificate(code: str) -> IssuedCertificate | None:
    """The certificate a person typed or scanned the code of (tolerant of case and look-alikes)."""
    normalised = normalise_code(code)
    if normalised is None:
        return None
    return db.session.execute(
        db.select(IssuedCertificate).where(IssuedCertificate.code == normalised)
    ).scalar()


def live_certificate(user_id: int, course_id: int) -> IssuedCertificate | None:
    """The learner's certificate for the course that is not revoked (at most one)."""
    return db.session.execute(
        db.select(IssuedCertificate).where(
            IssuedCertificate.user_id == user_id,
            IssuedCertificate.course_id == course_id,
            IssuedCertificate.revoked_at.is_(None),
        )
    ).scalar()


_LIVE_CODE = db.select(IssuedCertificate.code).where(
    IssuedCertificate.user_id == db.bindparam("user_id"),
    IssuedCertificate.course_id == db.bindparam("course_id"),
    IssuedCertificate.revoked_at.is_(None),
)


def live_certificate_code(user_id: int, course_id: int) -> str | None:
    """The code of the learner's live certificate for the course: all the course sidebar shows,
    on every course and lesson page, so it does not load the signed credential."""
    return db.session.execute(_LIVE_CODE, {"user_id": user_id, "course_id": course_id}).scalar()


def certificates_of(user_id: int) -> list[IssuedCertificate]:
    """A learner's certificates, newest first, revoked ones included (they say so)."""
    return list(
        db.session.execute(
            db.select(IssuedCertificate)
            .where(IssuedCertificate.user_id == user_id)
            .order_by(IssuedCertificate.issued_at.desc(), IssuedCertificate.id.desc())
        ).scalars()
    )


def course_certificates(course_id: int) -> list[IssuedCertificate]:
    return list(
        db.session.execute(
            db.select(IssuedCertificate)
            .where(IssuedCertificate.course_id == course_id)
            .order_by(IssuedCertificate.issued_at.desc(), IssuedCertificate.id.desc())
        ).scalars()
    )


def revoked_codes() -> list[str]:
    return list(
        db.session.execute(
            db.select(IssuedCertificate.code)
            .where(IssuedCertificate.revoked_at.is_not(None))
            .order_by(IssuedCertificate.id)
        ).scalars()
    )


def completed_without_certificate(course: Course) -> list[User]:
    """Learners who completed the course but hold no live certificate for it."""
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
                Enrolment.course_id == course.id,
                Enrolment.completed_at.is_not(None),
                User.deleted_at.is_(None),
                User.id.not_in(live),
            )
            .order_by(User.name)
        ).scalars()
    )


def cohorts(course: Course) -> list[str]:
    return [
        c
        for c in db.session.execute(
            db.select(Enrolment.cohort)
            .where(Enrolment.course_id == course.id)
            .distinct()
            .order_by(Enrolment.cohort)
        ).scalars()
        if c
    ]


# -- issuing -------------------------------------------------------------------------------------------
def issue_certificate(
    learner: User,
    course: Course,
    *,
    issued_by: User | None = None,
    reason: str = "",
    replaces: IssuedCertificate | None = None,
    now: datetime | None = None,
) -> IssuedCertificate:
    """Issue the learner's certificate for the course, signed and ready to download.

    Raises `AlreadyIssued` when they hold one that is not revoked, also when another request
    issued it a moment ago. The certificate gets a random free bit in a status list for its
    revocation. Announces ``certificates.issued`` and queues the learner's mail and the drawing
    of the PDF (background jobs, sent when the transaction commits).
    """
    if learner.deleted_at is not None:
        raise CertificateError(_("This account has been deleted."))
    existing = live_certificate(learner.id, course.id)
    if existing is not None:
        raise AlreadyIssued(existing)
    issued_at = (now or utcnow()).astimezone(UTC).replace(microsecond=0)
    rule = rules.rule_for(course)
    valid_until = add_months(issued_at, rule.valid_months) if rule.valid_months else None
    locale = learner.locale or "en"
    design = designs.design_for(course.id)
    key = signing_key()
    salt = new_salt()
    with force_locale(locale):
        achievement = AchievementDefinition(
            id=achievement_id(course.slug),
            name=course.localized("title", locale),
            description=course.localized("summary", locale) or course.localized("title", locale),
            criteria_narrative=rules.criteria_narrative(rule, course),
            image_url=achievement_image_url(course.slug),
            outcomes=course.localized_outcomes(locale),
            language=locale,
        )
        evidence = rule_evidence(rule)
    for _attempt in range(CODE_ATTEMPTS):
        code = new_code()
        place = status_lists.draw_place(issued_at)
        certificate = IssuedCertificate(
            code=code,
            user_id=learner.id,
            course_id=course.id,
            template_id=design.id if design else None,
            learner_name=learner.name,
            course_title=achievement.name,
            course_slug=course.slug,
            locale=locale,
            hours=course.hours,
            outcomes=course.localized_outcomes(locale),
            issuer_name=issuer_name(),
            issuer_url=issuer_url(),
            signatories=list(design.signatories or []) if design else [],
            issued_at=issued_at,
            valid_until=valid_until,
            issued_by_id=issued_by.id if issued_by else None,
            issue_reason=reason.strip(),
            replaces_id=replaces.id if replaces else None,
            salt=salt,
            status_list_id=place.list_id,
            status_list_index=place.index,
            credential=build_signed_credential(
                code=code,
                achievement=achievement,
                recipient_email=learner.email,
                salt=salt,
                issued_at=issued_at,
                valid_until=valid_until,
                key=key,
                status_place=place,
                evidence=evidence,
            ),
        )
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
        except IntegrityError:
            existing = live_certificate(learner.id, course.id)
            if existing is not None:  # a concurrent request issued it first
                raise AlreadyIssued(existing) from None
            continue  # the code or the status bit was just taken: draw both again
        emit(ISSUED_EVENT, user_id=learner.id, course_id=course.id, data={"code": code})
        notifications.queue_issued_mail(certificate, learner)
        enqueue(jobs.prepare_pdf, code, key=f"certificate-pdf:{code}")
        return certificate
    raise CertificateError(_("No free certificate code could be found; try again."))


def rule_evidence(rule: rules.CertificateRule) -> list[Evidence]:
    """What the learner did beyond completing the course, as the credential's ``evidence``: the
    conditions of the course's rule they met (none for a course that asks only completion)."""
    evidence = []
    if rule.min_quiz_grade is not None:
        evidence.append(
            Evidence(
                name=_("Quiz results"),
                genre="Assessment",
                narrative=_(
                    "Scored at least %(grade)s in every quiz of the course.",
                    grade=rules.grade_text(rule.min_quiz_grade),
                ),
            )
        )
    if rule.require_accepted_proposal:
        evidence.append(
            Evidence(
                name=_("Network proposal"),
                genre="Project",
                narrative=_("Wrote a network proposal with colleagues that passed peer review."),
            )
        )
    return evidence


def issue_if_eligible(
    user_id: int, course_id: int, *, late: bool = False
) -> IssuedCertificate | None:
    """The automatic issue: when the course's rule is met and none is held yet (idempotent).

    ``late`` is for events after the completion (a quiz graded, a proposal accepted): they
    matter only to courses whose rule asks for more than completion.
    """
    course = db.session.get(Course, course_id)
    if course is None:
        return None
    rule = rules.rule_for(course)
    if not rule.enabled or (late and not rule.has_extra_conditions):
        return None
    learner = db.session.get(User, user_id)
    if learner is None or learner.deleted_at is not None:
        return None
    if live_certificate(user_id, course_id) is not None:
        return None
    if not rules.check_rule(rule, user_id, course).met:
        return None
    try:
        with db.session.begin_nested():
            return issue_certificate(learner, course)
    except AlreadyIssued:
        return None


def on_event(
    name: str, user_id: int | None, course_id: int | None, data: dict | None = None
) -> None:
    """React to the event log: issue on ``course.completed``, or later when a missing condition
    (a quiz grade, an accepted proposal) arrives for a learner who completed already. An
    accepted proposal counts for every author the event lists (``data["authors"]``).

    A certificate that cannot be made (a damaged key, say) must not undo the learner's
    completion: the error is logged, nothing of the certificate is kept, and the trainer's page
    lists the learner among those to issue to.
    """
    if course_id is None or (name != "course.completed" and name not in rules.LATE_EVENTS):
        return
    learners = [user_id] if user_id is not None else []
    if name == rules.PROPOSAL_ACCEPTED:
        authors = (data or {}).get("authors")
        learners += (
            [a for a in authors if isinstance(a, int) and a not in learners]
            if isinstance(authors, list)
            else []
        )
    for learner_id in learners:
        try:
            issue_if_eligible(learner_id, course_id, late=name != "course.completed")
        except Exception:  # noqa: BLE001 - see the docstring
            log.exception(
                "could not issue the certificate of user %s for course %s", learner_id, course_id
            )


@dataclass
class BulkResult:
    issued: list[IssuedCertificate] = field(default_factory=list)
    already: list[IssuedCertificate] = field(default_factory=list)
    not_completed: list[User] = field(default_factory=list)


def bulk_issue(
    course: Course, cohort: str, *, reason: str, issued_by: User, include_incomplete: bool = False
) -> BulkResult:
    """Issue to every learner of a cohort ("" for everyone enrolled) who holds none yet.

    Without ``include_incomplete`` only those who completed the course get one.
    """
    query = db.select(Enrolment).where(Enrolment.course_id == course.id).order_by(Enrolment.id)
    if cohort:
        query = query.where(Enrolment.cohort == cohort)
    result = BulkResult()
    for enrolment in db.session.execute(query).scalars():
        learner = enrolment.user
        if learner.deleted_at is not None:
            continue
        if enrolment.completed_at is None and not include_incomplete:
            result.not_completed.append(learner)
            continue
        try:
            result.issued.append(
                issue_certificate(learner, course, issued_by=issued_by, reason=reason)
            )
        except AlreadyIssued as already:
            result.already.append(already.certificate)
    return result


# -- revoking ------------------------------------------------------------------------------------------
def revoke_certificate(
    certificate: IssuedCertificate,
    *,
    reason: str,
    revoked_by: User | None = None,
    now: datetime | None = None,
) -> None:
    """Revoke a certificate: every check (page, CLI, status list, revocation list) says so from
    now on. Its status list is re-signed in the same transaction."""
    reason = reason.strip()
    if not reason:
        raise CertificateError(_("Give a reason for the revocation."))
    if certificate.is_revoked:
        raise CertificateError(_("Certificate %(code)s is already revoked.", code=certificate.code))
    certificate.revoked_at = now or utcnow()
    certificate.revocation_reason = reason
    certificate.revoked_by_id = revoked_by.id if revoked_by else None
    certificate.public = False
    db.session.flush()
    status_lists.publish_for([certificate], certificate.revoked_at)
    designs.forget_pdf(certificate.code)
    emit(
        REVOKED_EVENT,
        user_id=certificate.user_id,
        course_id=certificate.course_id,
        data={"code": certificate.code},
    )


def reissue_certificate(
    certificate: IssuedCertificate, *, reason: str, issued_by: User | None = None
) -> IssuedCertificate:
    """Revoke a certificate and issue a new one with the learner's current name (a correction)."""
    if certificate.user_id is None or certificate.course_id is None:
        raise CertificateError(_("The learner or the course of this certificate no longer exists."))
    learner = db.session.get(User, certificate.user_id)
    course = db.session.get(Course, certificate.course_id)
    if learner is None or course is None or learner.deleted_at is not None:
        raise CertificateError(_("The learner or the course of this certificate no longer exists."))
    if not certificate.is_revoked:
        revoke_certificate(certificate, reason=reason, revoked_by=issued_by)
    return issue_certificate(
        learner, course, issued_by=issued_by, reason=reason, replaces=certificate
    )


def set_public(certificate: IssuedCertificate, public: bool) -> None:
    if public and certificate.is_revoked:
        raise CertificateError(_("A revoked certificate cannot be shared."))
    certificate.public = public
    db.session.flush()


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` plus whole months, on the same day (or the month's last, for 31 January + 1)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
