"""The learner's pages (blueprint ``meetings``): the list, a meeting, registering and cancelling,
"My meetings" with the personal calendar address, the calendar feeds and the
documents. The organiser's pages are in :mod:`.staff_views`, on the same blueprint."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from nttlearn.api import (
    LANGUAGE_NAMES,
    Course,
    db,
    media_headers,
    public,
    render_fragment,
    render_markdown,
    request_cache,
    require_login,
    utcnow,
)

from . import calendar, services
from .forms import (
    AGENDA_LABELS,
    DOCUMENT_LABELS,
    FORMAT_LABELS,
    KIND_LABELS,
    POLICY_AREAS,
)
from .models import Meeting, MeetingDocument
from .timezones import (
    format_day,
    format_moment,
    format_span,
    format_time,
    local,
    personal_zone,
    zone_label,
)

# The blueprint's name is the plugin's name: the core answers 404 for it when the plugin is off.
bp = Blueprint("meetings", __name__, url_prefix="/meetings", template_folder="templates")


def is_organiser(user) -> bool:
    """Trainers, coordinators and admins organise meetings (Indico's event managers, site-wide)."""
    return bool(user and user.is_authenticated and (user.is_trainer or user.is_coordinator))


def meeting_or_404(meeting_id: int) -> Meeting:
    meeting = services.get_meeting(meeting_id)
    if meeting is None or (meeting.status == "draft" and not is_organiser(current_user)):
        abort(404)
    return meeting


class Clock:
    """How the pages write a meeting's times: on the reader's clock, naming it, and on the
    meeting's own clock when that is another one (Helsinki 09:00 is 08:00 in Bologna)."""

    def __init__(self, reader_zone: str | None) -> None:
        self.reader_zone = reader_zone

    def zone_for(self, meeting: Meeting) -> str:
        return self.reader_zone or meeting.time_zone

    def span(self, meeting: Meeting) -> str:
        zone = self.zone_for(meeting)
        return f"{format_span(meeting.starts_at, meeting.ends_at, zone)} ({zone_label(zone)})"

    def local_span(self, meeting: Meeting) -> str | None:
        """The meeting's own time, when the reader's clock is another one."""
        zone = self.zone_for(meeting)
        if (
            local(meeting.starts_at, zone).utcoffset()
            == local(meeting.starts_at, meeting.time_zone).utcoffset()
        ):
            return None
        return _(
            "%(time)s in %(place)s",
            time=format_span(meeting.starts_at, meeting.ends_at, meeting.time_zone),
            place=zone_label(meeting.time_zone),
        )

    def hours(self, item, meeting: Meeting) -> str:
        return f"{format_time(item.starts_at, meeting.time_zone)}–{format_time(item.ends_at, meeting.time_zone)}"


def labels() -> dict[str, Any]:
    return {
        "kinds": KIND_LABELS,
        "formats": FORMAT_LABELS,
        "areas": POLICY_AREAS,
        "agenda_kinds": AGENDA_LABELS,
        "document_kinds": DOCUMENT_LABELS,
    }


@bp.route("/")
@require_login
def index():
    organiser = is_organiser(current_user)
    upcoming = services.visible_meetings(upcoming=True, staff=organiser)
    past = services.visible_meetings(upcoming=False, staff=organiser, limit=30)
    ids = [m.id for m in upcoming]
    return render_template(
        "meetings/index.html",
        upcoming=upcoming,
        past=past,
        clock=Clock(personal_zone(current_user)),
        states=services.registration_states(current_user.id, ids),
        taken=services.seats_taken(ids),
        organiser=organiser,
        **labels(),
    )


@bp.route("/<int:meeting_id>")
@require_login
def detail(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    registration = services.registration_of(meeting.id, current_user.id)
    courses = (
        db.session.execute(
            db.select(Course)
            .where(Course.id.in_(meeting.course_ids or [-1]), Course.published.is_(True))
            .order_by(Course.title)
        )
        .scalars()
        .all()
    )
    agenda = services.agenda_of(meeting.id)
    days = services.meeting_days(meeting)
    by_day = [
        (day, [item for item in agenda if local(item.starts_at, meeting.time_zone).date() == day])
        for day in days
    ]
    return render_template(
        "meetings/detail.html",
        meeting=meeting,
        registration=registration,
        courses=courses,
        by_day=by_day,
        documents=services.documents_of(meeting.id),
        clock=Clock(personal_zone(current_user)),
        closed=services.registration_closed(meeting),
        taken=services.count_registered(meeting.id),
        description=render_markdown(meeting.description) if meeting.description else None,
        organiser=services.organiser_role(meeting, current_user) is not None,
        language_names=LANGUAGE_NAMES,
        zone_name=zone_label(meeting.time_zone),
        day_names={day: format_day(day) for day in days},
        deadline_text=_deadline(meeting, current_user),
        **labels(),
    )


def _deadline(meeting: Meeting, user) -> str | None:
    if meeting.registration_deadline is None:
        return None
    zone = personal_zone(user) or meeting.time_zone
    return f"{format_moment(meeting.registration_deadline, zone)} ({zone_label(zone)})"


@bp.route("/<int:meeting_id>/register", methods=["POST"])
@require_login
def register(meeting_id: int):
    meeting_or_404(meeting_id)
    try:
        registration = services.register(meeting_id, current_user)
    except services.MeetingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        if registration.state == "registered":
            flash(
                _(
                    "You are registered. The meeting is in your calendar feed and under My meetings."
                ),
                "success",
            )
        else:
            flash(
                _(
                    "The meeting is full: you are on the waiting list and will be told by e-mail if a seat frees up."
                ),
                "info",
            )
    return redirect(_back(meeting_id))


@bp.route("/<int:meeting_id>/cancel-registration", methods=["POST"])
@require_login
def cancel_registration(meeting_id: int):
    meeting_or_404(meeting_id)
    try:
        services.cancel_registration(meeting_id, current_user)
    except services.MeetingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Your registration has been cancelled."), "success")
    return redirect(_back(meeting_id))


def _back(meeting_id: int) -> str:
    """Back to the dashboard when the button was there, else to the meeting."""
    if request.form.get("from") == "dashboard":
        return url_for("learn.dashboard")
    return url_for("meetings.detail", meeting_id=meeting_id)


@bp.route("/mine")
@require_login
def mine():
    return _mine_page(feed_url=None)


def _mine_page(feed_url: str | None) -> str:
    """The person's meetings and calendar address; times on their clock, which they choose on
    their account page (the core's time zone, the one setting for the whole site)."""
    settings = calendar.settings_of(current_user.id)
    zone = personal_zone(current_user)
    return render_template(
        "meetings/mine.html",
        rows=services.my_registrations(current_user.id),
        feed_url=feed_url,
        has_feed=bool(settings and settings.feed_token_hash),
        clock=Clock(zone),
        zone_name=zone_label(zone) if zone else None,
        now=utcnow(),
        **labels(),
    )


@bp.route("/mine/calendar", methods=["POST"])
@require_login
def new_feed():
    token = calendar.new_feed_token(current_user.id)
    db.session.commit()
    # Shown once, on this page: only its hash is stored.
    return _mine_page(feed_url=url_for("meetings.personal_feed", token=token, _external=True))


@bp.route("/mine/calendar/revoke", methods=["POST"])
@require_login
def revoke_feed():
    if calendar.revoke_feed(current_user.id):
        db.session.commit()
        flash(
            _("Your calendar address no longer works. Make a new one whenever you like."), "success"
        )
    return redirect(url_for("meetings.mine"))


# -- calendar feeds --------------------------------------------------------------------------------
def _ics(body: bytes, name: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{name}.ics"'
    return response


def _meeting_url(meeting: Meeting) -> str:
    return url_for("meetings.detail", meeting_id=meeting.id, _external=True)


@bp.route("/<int:meeting_id>.ics")
@public
def meeting_feed(meeting_id: int):
    meeting = services.get_meeting(meeting_id)
    if meeting is None or meeting.status == "draft":
        abort(404)
    return _ics(
        calendar.calendar_of([meeting], meeting.title, _meeting_url), f"meeting-{meeting.id}"
    )


@bp.route("/calendar.ics")
@public
def public_feed():
    return _ics(
        calendar.calendar_of(calendar.published_meetings(), _("Meetings"), _meeting_url), "meetings"
    )


@bp.route("/calendar/<token>.ics")
@public
def personal_feed(token: str):
    owner = calendar.feed_owner(token)
    if owner is None:
        abort(404)
    return _ics(
        calendar.calendar_of(calendar.registered_meetings(owner), _("My meetings"), _meeting_url),
        "my-meetings",
    )


# -- documents ---------------------------------------------------------------------------------------
@bp.route("/<int:meeting_id>/documents/<int:document_id>")
@require_login
def document(meeting_id: int, document_id: int):
    meeting_or_404(meeting_id)
    found = db.session.execute(
        db.select(MeetingDocument).where(
            MeetingDocument.id == document_id, MeetingDocument.meeting_id == meeting_id
        )
    ).scalar()
    if found is None:
        abort(404)
    mime, inline, headers = media_headers(found.file_name)
    response = Response(found.content, mimetype=mime, headers=headers)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{found.file_name}"'
    return response


# -- the dashboard card ------------------------------------------------------------------------------
def _registration_states(user_id: int, meetings: list[Meeting]) -> dict[int, str]:
    """The person's registration states for ``meetings``: those the to-do list read in this
    request when it covers them all (each ends after the moment it read them), else one query."""
    from .todo import REGISTRATIONS_KEY

    known = request_cache().get(REGISTRATIONS_KEY)
    if known is not None and known[0] == user_id and all(m.ends_at > known[1] for m in meetings):
        return {m.id: known[2][m.id] for m in meetings if m.id in known[2]}
    return services.registration_states(user_id, [m.id for m in meetings])


def dashboard_slot(context: dict[str, Any]) -> Markup | None:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return None
    upcoming = services.visible_meetings(upcoming=True, limit=3, published_only=True)
    return render_fragment(
        "meetings/dashboard_slot.html",
        upcoming=upcoming,
        states=_registration_states(user.id, upcoming),
        clock=Clock(personal_zone(user) if upcoming else None),
        closed={m.id: services.registration_closed(m) for m in upcoming},
        kinds=KIND_LABELS,
    )


def navbar_slot(context: dict[str, Any]) -> Markup | None:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return None
    return render_fragment("meetings/navbar_slot.html")


def cohort_slot(context: dict[str, Any]) -> Markup | None:
    """The seminars of a cohort on its trainer's page, with a message to the cohort about the next one."""
    from .cohorts import cohort_seminars, registered_members

    user, cohort, course = context.get("user"), context.get("cohort"), context.get("course")
    if cohort is None or course is None or user is None or not user.is_authenticated:
        return None
    seminars = cohort_seminars(cohort.id)
    now = utcnow()
    upcoming = [m for m in seminars if m.status == "published" and m.ends_at > now]
    following = upcoming[0] if upcoming else None
    clock = Clock(personal_zone(user))
    message = None
    if following is not None:
        place = ", ".join(part for part in (following.venue, following.town) if part)
        message = {
            "subject": _(
                "Next seminar: %(title)s, %(date)s",
                title=following.title,
                date=format_day(local(following.starts_at, clock.zone_for(following)).date()),
            )[:150],
            "body": _(
                "Our next seminar is %(title)s, %(when)s, %(place)s.\n\nPlease register on its page: "
                "%(url)s",
                title=following.title,
                when=clock.span(following),
                place=place or following.country,
                url=url_for("meetings.detail", meeting_id=following.id, _external=True),
            ),
        }
    return render_fragment(
        "meetings/cohort_slot.html",
        seminars=seminars,
        course=course,
        cohort=cohort,
        clock=clock,
        now=now,
        registered=registered_members(cohort.id, [m.id for m in seminars]),
        following=following,
        message=message,
        may_plan=context.get("role") == "course",
        kinds=KIND_LABELS,
    )
