"""Applications really submitted: after the capstone, a team records what it sent to a funder
(programme and call, date, lead applicant, partners, amounts, outcome) with the document it
submitted; its trainers and the coordinators correct it.

Each change emits ``peer_review.application_recorded`` or ``peer_review.application_updated``
with the whole application, so that a report (the evaluation plugin's impact report) keeps its
own copy and never reads these tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from nttlearn.api import Activity, MediaRefused, Module, check_upload, db, emit, utcnow

from .models import Application, ApplicationDocument, Team
from .teams import has_submitted, member_ids

OUTCOME_LABELS = {
    "pending": _l("Pending"),
    "funded": _l("Funded"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
}
MAX_AMOUNT = Decimal("100000000")  # 100 million euro: more is a typing slip
MAX_PARTNERS = 40
DOCUMENT_MAX_MB = 20
EARLIEST = date(2000, 1, 1)


class ApplicationError(ValueError):
    """An application that cannot be saved; ``field`` names the form field the message is for."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ApplicationInput:
    """What the form sends, before checking."""

    programme: str
    call: str
    submitted_on: date | None
    lead_organisation: str
    partners: str  # one partner a line: "organisation; town; country code"
    requested_eur: str
    outcome: str
    granted_eur: str


def parse_amount(text: str, field: str, required: bool) -> Decimal | None:
    """An amount in euro as people type it: ``120000``, ``120 000``, ``120000.50`` or ``120000,50``."""
    cleaned = text.replace(" ", "").replace("\u00a0", "").replace("€", "").strip()
    if not cleaned:
        if required:
            raise ApplicationError(_("Give the amount in euro."), field)
        return None
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ApplicationError(
            _(
                "“%(text)s” is not an amount in euro: write it as 120000 or 120000.50.",
                text=text.strip(),
            ),
            field,
        ) from None
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        raise ApplicationError(_("An amount is between 0 and 100 million euro."), field)
    if amount != amount.quantize(Decimal("0.01")):
        raise ApplicationError(_("An amount has at most two decimals (cents)."), field)
    return amount.quantize(Decimal("0.01"))


def parse_partners(text: str) -> list[dict[str, str]]:
    """``organisation; town; CC`` a line into a list of partners; a bad line is named."""
    partners = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [" ".join(p.split()) for p in line.split(";")]
        if len(parts) != 3 or not all(parts):
            raise ApplicationError(
                _("Line %(n)d: write a partner as “organisation; town; country code”.", n=number),
                "partners",
            )
        organisation, town, country = parts
        country = country.upper()
        if len(country) != 2 or not country.isalpha() or not country.isascii():
            raise ApplicationError(
                _(
                    "Line %(n)d: give the country as its two-letter code, such as IT or FI.",
                    n=number,
                ),
                "partners",
            )
        if len(organisation) > 200 or len(town) > 120:
            raise ApplicationError(_("Line %(n)d is too long.", n=number), "partners")
        partners.append({"organisation": organisation, "town": town, "country": country})
    if len(partners) > MAX_PARTNERS:
        raise ApplicationError(_("At most %(n)d partners.", n=MAX_PARTNERS), "partners")
    return partners


def partners_text(partners: list[dict[str, str]]) -> str:
    return "\n".join(f"{p['organisation']}; {p['town']}; {p['country']}" for p in partners)


def _checked(values: ApplicationInput, today: date) -> dict[str, Any]:
    programme, call = " ".join(values.programme.split()), " ".join(values.call.split())
    lead = " ".join(values.lead_organisation.split())
    if not programme or len(programme) > 200:
        raise ApplicationError(
            _("Name the funding programme (at most 200 characters)."), "programme"
        )
    if not call or len(call) > 200:
        raise ApplicationError(_("Name the call or measure (at most 200 characters)."), "call")
    if values.submitted_on is None:
        raise ApplicationError(_("Give the date the application was submitted."), "submitted_on")
    if not EARLIEST <= values.submitted_on <= today:
        raise ApplicationError(
            _("The date submitted cannot be in the future (or before 2000)."), "submitted_on"
        )
    if not lead or len(lead) > 200:
        raise ApplicationError(
            _("Name the lead applicant (at most 200 characters)."), "lead_organisation"
        )
    if values.outcome not in OUTCOME_LABELS:
        raise ApplicationError(_("Choose the outcome."), "outcome")
    requested = parse_amount(values.requested_eur, "requested_eur", required=True)
    granted = parse_amount(values.granted_eur, "granted_eur", required=values.outcome == "funded")
    if values.outcome != "funded" and granted:
        raise ApplicationError(_("Only a funded application has a granted amount."), "granted_eur")
    return {
        "programme": programme,
        "funding_call": call,
        "submitted_on": values.submitted_on,
        "lead_organisation": lead,
        "partners": parse_partners(values.partners),
        "requested_eur": requested,
        "outcome": values.outcome,
        "granted_eur": granted if values.outcome == "funded" else None,
    }


def may_record(team: Team, user_id: int) -> bool:
    """After the capstone: a member of a team that has submitted its proposal."""
    return user_id in member_ids(team.id) and has_submitted(team.id)


def record(team: Team, values: ApplicationInput, user_id: int, today: date) -> Application:
    """A new application of ``team``; the same programme and call twice is refused (also when two
    submits race: the unique key decides)."""
    if not has_submitted(team.id):
        raise ApplicationError(
            _("Record an application once your team has submitted its proposal.")
        )
    fields = _checked(values, today)
    duplicate = _(
        "Your team has already recorded an application to this programme and call: "
        "correct that one instead."
    )
    if _clash(team.id, fields["programme"], fields["funding_call"]) is not None:
        raise ApplicationError(duplicate, "call")
    application = Application(
        team_id=team.id,
        activity_id=team.activity_id,
        recorded_by_id=user_id,
        updated_by_id=user_id,
        created_at=utcnow(),
        updated_at=utcnow(),
        **fields,
    )
    try:
        with db.session.begin_nested():
            db.session.add(application)
    except IntegrityError:
        raise ApplicationError(duplicate, "call") from None
    _announce("peer_review.application_recorded", application, user_id)
    return application


def update(application: Application, values: ApplicationInput, user_id: int, today: date) -> None:
    fields = _checked(values, today)
    clash = _clash(application.team_id, fields["programme"], fields["funding_call"])
    if clash is not None and clash != application.id:
        raise ApplicationError(
            _("This team has another application to this programme and call."), "call"
        )
    for key, value in fields.items():
        setattr(application, key, value)
    application.updated_by_id, application.updated_at = user_id, utcnow()
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise ApplicationError(
            _("This team has another application to this programme and call."), "call"
        ) from None
    _announce("peer_review.application_updated", application, user_id)


def _clash(team_id: int, programme: str, call: str) -> int | None:
    return db.session.execute(
        db.select(Application.id).where(
            Application.team_id == team_id,
            Application.programme == programme,
            Application.funding_call == call,
        )
    ).scalar()


def event_data(application: Application) -> dict[str, Any]:
    """The whole application, as the events carry it (amounts as numbers of euro)."""
    partners = application.partners or []
    return {
        "application_id": application.id,
        "team_id": application.team_id,
        "activity_id": application.activity_id,
        "programme": application.programme,
        "call": application.funding_call,
        "submitted_on": application.submitted_on.isoformat(),
        "lead_organisation": application.lead_organisation,
        "partner_organisations": [p["organisation"] for p in partners],
        "partner_towns": [p["town"] for p in partners],
        "partner_countries": sorted({p["country"] for p in partners}),
        "requested_eur": float(application.requested_eur),
        "outcome": application.outcome,
        "granted_eur": float(application.granted_eur)
        if application.granted_eur is not None
        else None,
    }


def _announce(name: str, application: Application, user_id: int) -> None:
    course_id = db.session.execute(
        db.select(Module.course_id)
        .join(Activity, Activity.module_id == Module.id)
        .where(Activity.id == application.activity_id)
    ).scalar()
    emit(name, user_id=user_id, course_id=course_id, data=event_data(application))


# -- the submitted document ----------------------------------------------------------------------
def attach_document(application: Application, filename: str, data: bytes, user_id: int) -> None:
    """Keep the submitted document (PDF or an office document, checked by the core's allow-list);
    a new one replaces the old."""
    if len(data) > DOCUMENT_MAX_MB * 1024 * 1024:
        raise ApplicationError(
            _("The document is larger than %(mb)d MB.", mb=DOCUMENT_MAX_MB), "document"
        )
    if not data:
        raise ApplicationError(_("The document is empty."), "document")
    try:
        kind = check_upload(filename, data)
    except MediaRefused as refused:
        raise ApplicationError(str(refused), "document") from None
    if kind.kind not in ("pdf", "document"):
        raise ApplicationError(
            _(
                "Attach the application as PDF or as an office document "
                "(DOCX, ODT, XLSX, ODS, PPTX, ODP)."
            ),
            "document",
        )
    name = "".join(c for c in filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1] if c.isprintable())[
        -200:
    ]
    document = db.session.get(ApplicationDocument, application.id)
    if document is None:
        document = ApplicationDocument(application_id=application.id)
        db.session.add(document)
    document.filename, document.size, document.content = (
        name or f"application.{kind.extension}",
        len(data),
        data,
    )
    document.uploaded_by_id, document.uploaded_at = user_id, utcnow()
    db.session.flush()


def document_of(application_id: int) -> ApplicationDocument | None:
    return db.session.get(ApplicationDocument, application_id)


def documents_of(application_ids: list[int]) -> dict[int, ApplicationDocument]:
    if not application_ids:
        return {}
    return {
        d.application_id: d
        for d in db.session.execute(
            db.select(ApplicationDocument).where(
                ApplicationDocument.application_id.in_(application_ids)
            )
        ).scalars()
    }


# -- reading --------------------------------------------------------------------------------------
def applications_of_team(team_id: int) -> list[Application]:
    return list(
        db.session.execute(
            db.select(Application)
            .where(Application.team_id == team_id)
            .order_by(Application.submitted_on, Application.id)
        ).scalars()
    )


def applications_of_activity(activity_id: int) -> list[tuple[Application, Team]]:
    return [
        tuple(row)
        for row in db.session.execute(
            db.select(Application, Team)
            .join(Team, Team.id == Application.team_id)
            .where(Application.activity_id == activity_id)
            .order_by(Application.submitted_on, Application.id)
        )
    ]


def all_applications() -> list[tuple[Application, Team, Activity]]:
    """Every application on the site, for the coordinators."""
    return [
        tuple(row)
        for row in db.session.execute(
            db.select(Application, Team, Activity)
            .join(Team, Team.id == Application.team_id)
            .join(Activity, Activity.id == Application.activity_id)
            .order_by(Application.submitted_on.desc(), Application.id)
        )
    ]


def form_values(application: Application) -> dict[str, Any]:
    """An application as the form shows it."""
    return {
        "programme": application.programme,
        "call": application.funding_call,
        "submitted_on": application.submitted_on,
        "lead_organisation": application.lead_organisation,
        "partners": partners_text(application.partners or []),
        "requested_eur": f"{application.requested_eur:.2f}",
        "outcome": application.outcome,
        "granted_eur": f"{application.granted_eur:.2f}"
        if application.granted_eur is not None
        else "",
    }
