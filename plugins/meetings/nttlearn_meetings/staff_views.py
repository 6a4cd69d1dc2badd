"""The organiser's pages: create, edit, cancel and duplicate a meeting, its history, agenda,
participants, check-in, attendance sheets, documents and co-organisers.

Any trainer or coordinator may plan a meeting. A meeting's own pages are for its organisers
(:func:`services.organiser_role`): its owner (the trainer who planned it, coordinators, admins)
does everything; a co-organiser the owner added does everything but cancel the meeting and choose
its co-organisers. Other trainers get 403."""

from __future__ import annotations

from datetime import date, datetime
from typing import overload
from zoneinfo import ZoneInfo

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from nttlearn.api import (
    Course,
    MediaRefused,
    User,
    check_upload,
    db,
    form_int,
    require_role,
    utcnow,
)

from . import cohorts, services, sheets
from .forms import (
    AgendaItemForm,
    CancelMeetingForm,
    CoOrganiserForm,
    DocumentForm,
    MeetingForm,
    RegisterPersonForm,
)
from .models import Meeting
from .timezones import local
from .views import Clock, bp, labels, meeting_or_404

require_organiser = require_role("trainer", "coordinator")


def organised_meeting(meeting_id: int, *, owner: bool = False) -> Meeting:
    """The meeting, for its organisers only (403 for others); ``owner``: for its owner only."""
    meeting = meeting_or_404(meeting_id)
    role = services.organiser_role(meeting, current_user)
    if role is None or (owner and role != "owner"):
        abort(403)
    return meeting


def _courses() -> list[Course]:
    return list(db.session.execute(db.select(Course).order_by(Course.title)).scalars())


@overload
def _on_clock(value: datetime, zone: str) -> datetime: ...
@overload
def _on_clock(value: None, zone: str) -> None: ...
def _on_clock(value: datetime | None, zone: str) -> datetime | None:
    """A time typed in a form (no zone) read on the meeting's clock."""
    return value.replace(tzinfo=ZoneInfo(zone)) if value is not None else None


def _details(form: MeetingForm) -> services.MeetingDetails:
    zone = form.time_zone.data
    return services.MeetingDetails(
        title=form.title.data or "",
        kind=form.kind.data,
        format=form.format.data,
        status=form.status.data,
        host_organisation=form.host_organisation.data or "",
        town=form.town.data or "",
        country=form.country.data or "",
        venue=form.venue.data or "",
        online_url=form.online_url.data or "",
        starts_at=_on_clock(form.starts_at.data, zone),
        ends_at=_on_clock(form.ends_at.data, zone),
        time_zone=zone,
        languages=form.languages.data or [],
        policy_areas=form.policy_areas.data or [],
        course_ids=form.course_ids.data or [],
        capacity=form.capacity.data,
        registration_deadline=_on_clock(form.registration_deadline.data, zone),
        description=form.description.data or "",
    )


def _show_error(form, exc: services.MeetingError) -> None:
    target = getattr(form, exc.field, None) if exc.field else None
    if target is not None:
        target.errors = [*target.errors, str(exc)]
    else:
        flash(str(exc), "error")


def _form() -> MeetingForm:
    return MeetingForm(courses=_courses(), cohorts=cohorts.linkable_cohorts(current_user))


@bp.route("/new", methods=["GET", "POST"])
@require_organiser
def new_meeting():
    form = _form()
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(_details(form), current_user.id)
            cohorts.set_cohort_links(meeting, form.cohort_ids.data or [], current_user)
        except services.MeetingError as exc:
            db.session.rollback()
            _show_error(form, exc)
        else:
            db.session.commit()
            flash(_("The meeting has been created. Add its agenda next."), "success")
            return redirect(url_for("meetings.agenda", meeting_id=meeting.id))
    return render_template("meetings/edit.html", form=form, meeting=None, other_cohorts=[]), (
        400 if request.method == "POST" else 200
    )


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@require_organiser
def edit_meeting(meeting_id: int):
    meeting = organised_meeting(meeting_id)
    form = _form()
    mine = {choice.value for choice in form.cohort_ids.choices}
    linked = cohorts.linked_cohorts(meeting.id)
    if request.method == "GET":
        form.process(obj=meeting)
        for name in ("starts_at", "ends_at", "registration_deadline"):
            value = getattr(meeting, name)
            getattr(form, name).data = (
                local(value, meeting.time_zone).replace(tzinfo=None) if value else None
            )
        form.cohort_ids.data = [cohort.id for cohort, _course in linked if cohort.id in mine]
    elif form.validate_on_submit():
        try:
            changes = services.update_meeting(meeting, _details(form), current_user.id)
            changes |= cohorts.set_cohort_links(meeting, form.cohort_ids.data or [], current_user)
        except services.MeetingError as exc:
            db.session.rollback()
            _show_error(form, exc)
        else:
            db.session.commit()
            flash(
                _("The meeting has been saved.") if changes else _("Nothing was changed."),
                "success",
            )
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    owner = services.organiser_role(meeting, current_user) == "owner"
    return render_template(
        "meetings/edit.html",
        form=form,
        meeting=meeting,
        cancel_form=CancelMeetingForm(),
        owner=owner,
        other_cohorts=[pair for pair in linked if pair[0].id not in mine],
    ), (400 if request.method == "POST" else 200)


@bp.route("/<int:meeting_id>/cancel", methods=["POST"])
@require_organiser
def cancel_meeting(meeting_id: int):
    meeting = organised_meeting(meeting_id, owner=True)
    form = CancelMeetingForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        told = services.cancel_meeting(meeting, current_user.id, form.reason.data or "")
    except services.MeetingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(
            ngettext(
                "The meeting has been cancelled; %(num)d person has been told by e-mail.",
                "The meeting has been cancelled; %(num)d people have been told by e-mail.",
                told,
            ),
            "success",
        )
    return redirect(url_for("meetings.detail", meeting_id=meeting_id))


@bp.route("/<int:meeting_id>/duplicate", methods=["POST"])
@require_organiser
def duplicate_meeting(meeting_id: int):
    meeting = organised_meeting(meeting_id)
    copy = services.duplicate_meeting(meeting, current_user.id)
    db.session.commit()
    flash(_("This is a draft copy: change its dates and publish it."), "success")
    return redirect(url_for("meetings.edit_meeting", meeting_id=copy.id))


@bp.route("/<int:meeting_id>/history")
@require_organiser
def history(meeting_id: int):
    meeting = organised_meeting(meeting_id)
    return render_template(
        "meetings/history.html", meeting=meeting, revisions=services.history_of(meeting.id)
    )


# -- agenda --------------------------------------------------------------------------------------------
@bp.route("/<int:meeting_id>/agenda", methods=["GET", "POST"])
@require_organiser
def agenda(meeting_id: int):
    meeting = organised_meeting(meeting_id)
    form = AgendaItemForm()
    if request.method == "GET":
        form.starts_at.data = local(meeting.starts_at, meeting.time_zone).replace(tzinfo=None)
        form.ends_at.data = local(meeting.starts_at, meeting.time_zone).replace(tzinfo=None)
    elif form.validate_on_submit():
        try:
            services.add_agenda_item(
                meeting,
                title=form.title.data,
                kind=form.kind.data,
                starts_at=_on_clock(form.starts_at.data, meeting.time_zone),
                ends_at=_on_clock(form.ends_at.data, meeting.time_zone),
                room=form.room.data or "",
                speakers=form.speakers.data or "",
                team_name=form.team_name.data or "",
                proposal_url=form.proposal_url.data or "",
                by_id=current_user.id,
            )
        except services.MeetingError as exc:
            db.session.rollback()
            _show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Added to the agenda."), "success")
            return redirect(url_for("meetings.agenda", meeting_id=meeting.id))
    return render_template(
        "meetings/agenda.html",
        meeting=meeting,
        form=form,
        items=services.agenda_of(meeting.id),
        clock=Clock(meeting.time_zone),
        **labels(),
    ), (400 if form.errors else 200)


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/delete", methods=["POST"])
@require_organiser
def delete_agenda_item(meeting_id: int, item_id: int):
    meeting = organised_meeting(meeting_id)
    if not services.delete_agenda_item(meeting, item_id, by_id=current_user.id):
        abort(404)
    db.session.commit()
    flash(_("Removed from the agenda."), "success")
    return redirect(url_for("meetings.agenda", meeting_id=meeting_id))


# -- participants ------------------------------------------------------------------------------------
@bp.route("/<int:meeting_id>/participants", methods=["GET", "POST"])
@require_organiser
def participants(meeting_id: int):
    meeting = organised_meeting(meeting_id)
    form = RegisterPersonForm()
    if form.validate_on_submit():
        person = db.session.execute(
            db.select(User).where(
                User.email == form.email.data.strip().lower(), User.deleted_at.is_(None)
            )
        ).scalar()
        if person is None:
            form.email.errors = [
                *form.email.errors,
                _("No one has an account with this e-mail address."),
            ]
        else:
            try:
                registration = services.register(meeting.id, person, by_id=current_user.id)
            except services.MeetingError as exc:
                db.session.rollback()
                form.email.errors = [*form.email.errors, str(exc)]
            else:
                db.session.commit()
                flash(
                    _("%(name)s is registered.", name=person.name)
                    if registration.state == "registered"
                    else _(
                        "The meeting is full: %(name)s is on the waiting list.", name=person.name
                    ),
                    "success",
                )
                return redirect(url_for("meetings.participants", meeting_id=meeting.id))
    return render_template(
        "meetings/participants.html",
        meeting=meeting,
        form=form,
        rows=services.registrations_of(meeting.id),
        days=services.meeting_days(meeting),
        present=services.attendance_of(meeting.id),
    ), (400 if form.errors else 200)


@bp.route("/<int:meeting_id>/participants.csv")
@require_organiser
def participants_csv(meeting_id: int):
    meeting = organised_meeting(meeting_id)
    return _csv(sheets.participants_csv(meeting), f"meeting-{meeting.id}-participants.csv")


def _csv(text: str, filename: str) -> Response:
    response = Response(text.encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# -- check-in and attendance -------------------------------------------------------------------------
def _day(meeting: Meeting, value: str | None) -> date:
    days = services.meeting_days(meeting)
    if not value:
        today = local(utcnow(), meeting.time_zone).date()
        return today if today in days else days[0]
    try:
        chosen = date.fromisoformat(value)
    except ValueError:
        abort(400)
    if chosen not in days:
        abort(404)
    return chosen


@bp.route("/<int:meeting_id>/check-in", methods=["GET", "POST"])
@require_organiser
def check_in(meeting_id: int):
    meeting = organised_meeting(meeting_id)
    day = _day(meeting, request.values.get("day"))
    if request.method == "POST":
        user_id = form_int("user_id")
        person = db.session.get(User, user_id) if user_id is not None else None
        if person is None:
            abort(404)
        try:
            services.check_in(meeting.id, person, day, by_id=current_user.id)
        except services.MeetingError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("%(name)s is checked in.", name=person.name), "success")
        return redirect(
            url_for("meetings.check_in", meeting_id=meeting.id, day=day.isoformat())
            + f"#person-{person.id}"
        )
    rows = services.registrations_of(meeting.id, ("registered",))
    present = services.attendance_of(meeting.id)
    return render_template(
        "meetings/check_in.html",
        meeting=meeting,
        day=day,
        days=services.meeting_days(meeting),
        rows=rows,
        present=present,
        checked=sum((p.id, day) in present for _r, p in rows),
    )


@bp.route("/<int:meeting_id>/attendance.csv")
@require_organiser
def attendance_csv(meeting_id: int):
    meeting = organised_meeting(meeting_id)
    return _csv(sheets.attendance_csv(meeting), f"meeting-{meeting.id}-attendance.csv")


@bp.route("/<int:meeting_id>/attendance-<day>.pdf")
@require_organiser
def attendance_pdf(meeting_id: int, day: str):
    meeting = organised_meeting(meeting_id)
    chosen = _day(meeting, day)
    response = Response(sheets.attendance_sheet(meeting, [chosen]), mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="meeting-{meeting.id}-attendance-{chosen.isoformat()}.pdf"'
    )
    return response


# -- documents -----------------------------------------------------------------------------------------
@bp.route("/<int:meeting_id>/documents", methods=["GET", "POST"])
@require_organiser
def documents(meeting_id: int):
    meeting = organised_meeting(meeting_id)
    form = DocumentForm()
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read()
        name = (upload.filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
        try:
            check_upload(name, content)
            document = services.add_document(
                meeting,
                title=form.title.data,
                file_name=name,
                content=content,
                kind=form.kind.data,
                team_name=form.team_name.data or "",
                proposal_url=form.proposal_url.data or "",
                by_id=current_user.id,
            )
        except MediaRefused as exc:
            form.file.errors = [*form.file.errors, str(exc)]
        except services.MeetingError as exc:
            db.session.rollback()
            _show_error(form, exc)
        else:
            db.session.commit()
            current_app.logger.info("meeting %s: document %s attached", meeting.id, document.id)
            flash(_("The document has been attached."), "success")
            return redirect(url_for("meetings.documents", meeting_id=meeting.id))
    return render_template(
        "meetings/documents.html",
        meeting=meeting,
        form=form,
        documents=services.documents_of(meeting.id),
        **labels(),
    ), (400 if form.errors else 200)


@bp.route("/<int:meeting_id>/documents/<int:document_id>/delete", methods=["POST"])
@require_organiser
def delete_document(meeting_id: int, document_id: int):
    meeting = organised_meeting(meeting_id)
    if not services.delete_document(meeting, document_id, by_id=current_user.id):
        abort(404)
    db.session.commit()
    flash(_("The document has been removed."), "success")
    return redirect(url_for("meetings.documents", meeting_id=meeting_id))


# -- co-organisers -------------------------------------------------------------------------------------
@bp.route("/<int:meeting_id>/organisers", methods=["GET", "POST"])
@require_organiser
def organisers(meeting_id: int):
    """Who organises the meeting; its owner adds trainers as co-organisers here."""
    meeting = organised_meeting(meeting_id)
    owner = services.organiser_role(meeting, current_user) == "owner"
    form = CoOrganiserForm()
    if request.method == "POST":
        if not owner:
            abort(403)
        if form.validate_on_submit():
            person = db.session.execute(
                db.select(User).where(
                    User.email == form.email.data.strip().lower(), User.deleted_at.is_(None)
                )
            ).scalar()
            if person is None:
                form.email.errors = [
                    *form.email.errors,
                    _("No one has an account with this e-mail address."),
                ]
            else:
                try:
                    services.add_co_organiser(meeting, person, by_id=current_user.id)
                except services.MeetingError as exc:
                    db.session.rollback()
                    form.email.errors = [*form.email.errors, str(exc)]
                else:
                    db.session.commit()
                    flash(
                        _("%(name)s is now a co-organiser of this meeting.", name=person.name),
                        "success",
                    )
                    return redirect(url_for("meetings.organisers", meeting_id=meeting.id))
    planner = db.session.get(User, meeting.created_by_id) if meeting.created_by_id else None
    return render_template(
        "meetings/organisers.html",
        meeting=meeting,
        form=form,
        owner=owner,
        planner=planner,
        rows=services.co_organisers_of(meeting.id),
    ), (400 if form.errors else 200)


@bp.route("/<int:meeting_id>/organisers/<int:user_id>/remove", methods=["POST"])
@require_organiser
def remove_organiser(meeting_id: int, user_id: int):
    meeting = organised_meeting(meeting_id, owner=True)
    if not services.remove_co_organiser(meeting, user_id, by_id=current_user.id):
        abort(404)
    db.session.commit()
    flash(_("No longer a co-organiser of this meeting."), "success")
    return redirect(url_for("meetings.organisers", meeting_id=meeting_id))
