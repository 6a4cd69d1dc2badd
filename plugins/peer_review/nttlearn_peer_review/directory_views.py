"""The partner directory's pages, on the ``peer_review`` blueprint: search and suggestions, one's
own entry (opt in, change, remove) and inviting someone found there to one's proposal team.

Everyone logged in may open the directory; it lists only the entries of people who share a course
with the visitor (:mod:`.directory`). Inviting someone the visitor cannot see answers 404.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from nttlearn.api import Activity, Enrolment, Module, User, db, require_login

from . import directory, teams
from .forms import DirectoryEntryForm, DirectoryInviteForm, DirectorySearchForm, RemoveEntryForm
from .models import ProposalSettings, Submission, Team, TeamMember
from .views import bp, open_page, own_team, refused
from .writing import POLICY_AREAS

TEAM_PHASES = ("drafting", "submission")  # teams change until the submission phase ends


def invitable_teams(user_id: int) -> list[tuple[Team, Activity, int]]:
    """The visitor's teams that may still invite (learners form teams, before the end of the
    submission phase, not yet submitted), with their activity and course id: one query."""
    return [
        tuple(row)
        for row in db.session.execute(
            db.select(Team, Activity, Module.course_id)
            .join(TeamMember, TeamMember.team_id == Team.id)
            .join(ProposalSettings, ProposalSettings.activity_id == Team.activity_id)
            .join(Activity, Activity.id == Team.activity_id)
            .join(Module, Module.id == Activity.module_id)
            .where(
                TeamMember.user_id == user_id,
                ProposalSettings.team_formation == "learners",
                ProposalSettings.phase.in_(TEAM_PHASES),
                Activity.archived.is_(False),
                ~db.select(Submission.id).where(Submission.team_id == Team.id).exists(),
            )
            .order_by(Activity.title, Team.id)
        )
    ]


def enrolments_among(course_ids: set[int], user_ids: set[int]) -> set[tuple[int, int]]:
    """``(user_id, course_id)`` pairs: which of the people may join which course's teams."""
    if not course_ids or not user_ids:
        return set()
    return set(
        tuple(row)
        for row in db.session.execute(
            db.select(Enrolment.user_id, Enrolment.course_id).where(
                Enrolment.course_id.in_(course_ids), Enrolment.user_id.in_(user_ids)
            )
        )
    )


@bp.route("/directory")
@require_login
def directory_search():
    form = DirectorySearchForm(request.args)
    valid = form.validate()
    filters = (
        {
            "text": form.q.data or "",
            "policy_area": form.area.data or "",
            "country": form.country.data or "",
            "language": form.language.data or "",
        }
        if valid
        else {}
    )
    partners = directory.search(current_user.id, **filters)
    suggestions = directory.suggested(
        current_user.id, directory.search(current_user.id) if any(filters.values()) else partners
    )
    my_teams = invitable_teams(current_user.id)
    shown = {p.user_id for p in partners} | {p.user_id for p in suggestions}
    enrolled = enrolments_among({course_id for _t, _a, course_id in my_teams}, shown)
    invite_to = {
        user_id: [
            (team, activity)
            for team, activity, course_id in my_teams
            if (user_id, course_id) in enrolled
        ]
        for user_id in shown
        if user_id != current_user.id
    }
    return render_template(
        "peer_review/directory.html",
        form=form,
        partners=partners,
        suggestions=suggestions,
        invite_to=invite_to,
        entry=directory.entry_of(current_user.id),
        areas=POLICY_AREAS,
        languages=directory.SPOKEN_LANGUAGES,
        invite_form=DirectoryInviteForm(),
        filtered=valid and any(filters.values()),
    )


@bp.route("/directory/me", methods=["GET", "POST"])
@require_login
def directory_entry():
    entry = directory.entry_of(current_user.id)
    if entry is not None and request.method == "GET":
        form = DirectoryEntryForm(
            data={
                "town": entry.town,
                "country": entry.country,
                "organisation": entry.organisation,
                "policy_areas": [k for k in entry.policy_areas.split(",") if k],
                "languages": [k for k in entry.languages.split(",") if k],
                "looking_for": entry.looking_for,
            }
        )
    else:
        form = DirectoryEntryForm(
            data=directory.defaults_for(db.session.get(User, current_user.id))
        )
    if form.validate_on_submit():
        try:
            directory.save_entry(
                current_user.id,
                town=form.town.data,
                country=form.country.data,
                organisation=form.organisation.data,
                policy_areas=form.policy_areas.data,
                languages=form.languages.data,
                looking_for=form.looking_for.data or "",
            )
        except directory.DirectoryError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Your entry in the partner directory is saved."), "success")
            return redirect(url_for("peer_review.directory_search"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "peer_review/directory_entry.html", form=form, entry=entry, remove_form=RemoveEntryForm()
    ), status


@bp.route("/directory/me/remove", methods=["POST"])
@require_login
def directory_remove():
    if not RemoveEntryForm().validate_on_submit():
        abort(400)
    removed = directory.remove_entry(current_user.id)
    db.session.commit()
    flash(
        _("Your entry has been removed from the partner directory.")
        if removed
        else _("You are not in the partner directory."),
        "success",
    )
    return redirect(url_for("peer_review.directory_search"))


@bp.route("/directory/invite/<int:user_id>", methods=["POST"])
@require_login
def directory_invite(user_id: int):
    if not directory.visible_entry(current_user.id, user_id):
        abort(404)
    form = DirectoryInviteForm()
    if not form.validate_on_submit() or not (form.activity_id.data or "").isdigit():
        abort(400)
    access, settings = open_page(int(form.activity_id.data))
    team = own_team(access)
    try:
        teams.invite_user(
            settings, access.course.id, team, current_user.id, db.session.get(User, user_id)
        )
    except teams.TeamError as exc:
        return refused(exc, "peer_review.directory_search")
    db.session.commit()
    flash(
        _(
            "Invitation sent to %(name)s for the team “%(team)s”.",
            name=db.session.get(User, user_id).name,
            team=team.name,
        ),
        "success",
    )
    return redirect(url_for("peer_review.directory_search"))
