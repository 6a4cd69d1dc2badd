"""The trainers' pages, on the ``peer_review`` blueprint: settings (the activity type's edit
page), the phase switch, the dashboard with teams, allocation, reminders and grade overrides, the
grades table and the example proposals.

Each page loads the activity as the learners' pages do and answers 403 to anyone who is not one
of the course's trainers or an admin.
"""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal

import yaml
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from nttlearn.api import ActivityAccess, csv_response, db, require_course_staff, require_login

from . import allocating, allocation_jobs, calibration, notifications, results, teams
from .dashboard import build_dashboard
from .definition import DEFAULTS
from .forms import (
    AllocationForm,
    DropForm,
    MemberForm,
    OverrideForm,
    PhaseChoiceForm,
    PhaseForm,
    ReminderForm,
    SettingsForm,
    TrainerTeamForm,
    example_form,
    points_value,
    scores_from,
)
from .languages import current_locale
from .models import Allocation, Example, ProposalSettings, Submission, Team
from .phase_change import preview_phase_change
from .quality import course_quality
from .services import (
    PHASE_LABELS,
    course_learners,
    grading_of,
    languages_of,
    rubric_change_refused,
    rubric_of,
    template_of,
)
from .template import validate_rubric, validate_template
from .views import bp, open_page
from .workflow import set_phase

SETTING_FIELDS = (
    "reviewers_per_submission",
    "anonymity",
    "late_submissions",
    "min_countries",
    "only_submitters_review",
    "completion_rule",
    "team_formation",
    "max_team_size",
    "grading_method",
    "submission_weight",
    "reviewing_weight",
    "late_penalty",
    "pass_grade",
    "disagreement_threshold",
)
DATE_FIELDS = (
    "submission_opens_at",
    "submission_deadline",
    "review_opens_at",
    "review_deadline",
    "closes_at",
)


def staff_page(activity_id: int) -> tuple[ActivityAccess, ProposalSettings]:
    access, settings = open_page(activity_id)
    if not access.is_staff:
        abort(403)
    return access, settings


def _back(activity_id: int, anchor: str = ""):
    return redirect(url_for("peer_review.manage", activity_id=activity_id) + anchor)


def _done(message: str, activity_id: int, anchor: str = ""):
    db.session.commit()
    flash(message, "success")
    return _back(activity_id, anchor)


def _refused(exc: Exception, activity_id: int, anchor: str = ""):
    db.session.rollback()
    flash(str(exc), "error")
    return _back(activity_id, anchor)


def _dump(value) -> str:
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=92)


# -- settings -------------------------------------------------------------------------------------
@bp.route("/<int:activity_id>/settings", methods=["GET", "POST"])
@require_login
def edit_settings(activity_id: int):
    access, settings = staff_page(activity_id)
    form = SettingsForm(obj=settings)
    if request.method == "GET":
        for name in DATE_FIELDS:
            value = getattr(settings, name)
            getattr(form, name).data = value.replace(tzinfo=None) if value else None
        form.template.data = _dump(template_of(settings, "en").to_dict())
        form.rubric.data = _dump(rubric_of(settings, "en").to_dict())
    elif form.validate_on_submit():
        problems, parsed = [], {}
        for name, validate in (("template", validate_template), ("rubric", validate_rubric)):
            try:
                value = yaml.safe_load(getattr(form, name).data or "")
            except yaml.YAMLError as exc:
                problems.append(
                    _("The %(what)s is not valid YAML: %(error)s", what=name, error=exc)
                )
                continue
            found = validate(value)
            if name == "rubric" and not found:
                found = [refused] if (refused := rubric_change_refused(settings, value)) else []
            problems += [str(p) for p in found]
            parsed[name] = value
        dates = [getattr(form, n).data for n in DATE_FIELDS if getattr(form, n).data]
        if dates != sorted(dates):
            problems.append(_("The phase dates must follow each other in order."))
        if (form.submission_weight.data or 0) + (form.reviewing_weight.data or 0) <= 0:
            problems.append(_("At least one grade weight must be positive."))
        if not problems:
            for name in SETTING_FIELDS:
                setattr(settings, name, getattr(form, name).data)
            for name in DATE_FIELDS:
                value = getattr(form, name).data
                setattr(settings, name, value.replace(tzinfo=UTC) if value else None)
            settings.template, settings.rubric = parsed["template"], parsed["rubric"]
            db.session.commit()
            flash(_("Settings saved."), "success")
            return redirect(url_for("peer_review.edit_settings", activity_id=activity_id))
        for problem in problems:
            flash(problem, "error")
        return render_template(
            "peer_review/settings.html",
            access=access,
            settings=settings,
            form=form,
            defaults=DEFAULTS,
            languages=languages_of(settings),
        ), 400
    else:
        return render_template(
            "peer_review/settings.html",
            access=access,
            settings=settings,
            form=form,
            defaults=DEFAULTS,
            languages=languages_of(settings),
        ), 400
    return render_template(
        "peer_review/settings.html",
        access=access,
        settings=settings,
        form=form,
        defaults=DEFAULTS,
        languages=languages_of(settings),
    )


# One rule for both methods: a number too large for the database then finds no rule at all (404),
# where two rules on one path would answer a POST with 405.
@bp.route("/<int:activity_id>/phase", methods=["GET", "POST"])
@require_login
def change_phase(activity_id: int):
    """GET: what switching to the chosen phase will do, with the button that does it; POST: the
    switch, once confirmed on that page."""
    if request.method == "POST":
        return _switch_phase(activity_id)
    access, settings = staff_page(activity_id)
    target = request.args.get("phase", "")
    if target not in PHASE_LABELS:
        abort(404)
    if target == settings.phase:
        flash(
            _("The activity is already in the phase “%(phase)s”.", phase=PHASE_LABELS[target]),
            "info",
        )
        return _back(activity_id, "#phase-section")
    return render_template(
        "peer_review/phase_confirm.html",
        access=access,
        settings=settings,
        phase_labels=PHASE_LABELS,
        change=preview_phase_change(settings, target, access.course.id),
        form=PhaseForm(data={"phase": target, "confirmed": "yes"}),
    )


def _switch_phase(activity_id: int):
    _access, settings = staff_page(activity_id)
    form = PhaseForm()
    if not form.validate_on_submit():
        abort(400)
    if form.confirmed.data != "yes":
        # Never a one-click switch: the trainer first sees who it leaves out.
        return redirect(
            url_for("peer_review.change_phase", activity_id=activity_id, phase=form.phase.data)
        )
    set_phase(settings, form.phase.data)
    return _done(
        _("The activity is now in the phase “%(phase)s”.", phase=PHASE_LABELS[settings.phase]),
        activity_id,
    )


# -- dashboard ------------------------------------------------------------------------------------
@bp.route("/<int:activity_id>/manage")
@require_login
def manage(activity_id: int):
    access, settings = staff_page(activity_id)
    board = build_dashboard(settings, access.course.id)
    team_form = TrainerTeamForm()
    team_form.members.choices = [
        SelectChoice(p.id, f"{p.name} ({p.country or '–'})") for p in board.unteamed
    ]
    member_form = MemberForm()
    member_form.user_id.choices = [
        SelectChoice(p.id, f"{p.name} ({p.country or '–'})") for p in board.unteamed
    ]
    allocation_form = AllocationForm()
    allocation_form.submission_id.choices = [
        SelectChoice(row.original.id, row.original.title or row.view.team.name)
        for row in board.teams
        if row.original
    ]
    allocation_form.reviewer_id.choices = [SelectChoice(p.id, p.name) for p in board.learners]
    drop_form = DropForm()
    drop_form.reviewer_id.choices = [
        SelectChoice(r.person.id, r.person.name) for r in board.reviewers if r.outstanding
    ]
    return render_template(
        "peer_review/manage.html",
        access=access,
        settings=settings,
        board=board,
        phase_form=PhaseChoiceForm(data={"phase": settings.phase}),
        phase_labels=PHASE_LABELS,
        team_form=team_form,
        member_form=member_form,
        allocation_form=allocation_form,
        drop_form=drop_form,
        reminder_form=ReminderForm(),
        override_form=OverrideForm(),
        examples=calibration.examples_of(activity_id, published_only=False),
    )


@bp.route("/<int:activity_id>/teams", methods=["POST"])
@require_login
def staff_create_team(activity_id: int):
    access, settings = staff_page(activity_id)
    form = TrainerTeamForm()
    form.members.choices = [SelectChoice(p.id, p.name) for p in course_learners(access.course.id)]
    if not form.validate_on_submit():
        return _refused(
            ValueError(_("Give the team a name and choose learners of this course.")),
            activity_id,
            "#teams",
        )
    try:
        teams.create_team(
            settings,
            access.course.id,
            form.name.data,
            current_user.id,
            members=form.members.data,
            by_trainer=True,
        )
    except teams.TeamError as exc:
        return _refused(exc, activity_id, "#teams")
    return _done(_("Team created."), activity_id, "#teams")


def _staff_team(team_id: int) -> tuple[Team, ActivityAccess, ProposalSettings]:
    team = db.session.get(Team, team_id)
    if team is None:
        abort(404)
    access, settings = staff_page(team.activity_id)
    return team, access, settings


@bp.route("/teams/<int:team_id>/members", methods=["POST"])
@require_login
def staff_add_member(team_id: int):
    team, access, settings = _staff_team(team_id)
    form = MemberForm()
    form.user_id.choices = [SelectChoice(p.id, p.name) for p in course_learners(access.course.id)]
    if not form.validate_on_submit():
        return _refused(
            ValueError(_("Choose a learner of this course.")), team.activity_id, "#teams"
        )
    try:
        teams.add_member(settings, access.course.id, team, form.user_id.data)
    except teams.TeamError as exc:
        return _refused(exc, team.activity_id, "#teams")
    return _done(_("Member added."), team.activity_id, "#teams")


@bp.route("/teams/<int:team_id>/members/<int:user_id>/remove", methods=["POST"])
@require_login
def staff_remove_member(team_id: int, user_id: int):
    team, _access, _settings = _staff_team(team_id)
    teams.remove_member(team, user_id)
    return _done(_("Member removed."), team.activity_id, "#teams")


@bp.route("/teams/<int:team_id>/delete", methods=["POST"])
@require_login
def staff_delete_team(team_id: int):
    team, _access, _settings = _staff_team(team_id)
    activity_id = team.activity_id
    try:
        teams.delete_team(team)
    except teams.TeamError as exc:
        return _refused(exc, activity_id, "#teams")
    return _done(_("Team deleted."), activity_id, "#teams")


@bp.route("/teams/<int:team_id>/override", methods=["POST"])
@require_login
def staff_override(team_id: int):
    team, _access, _settings = _staff_team(team_id)
    form = OverrideForm()
    if not form.validate_on_submit():
        return _refused(
            ValueError(_("A grade is a number from 0 to 100.")), team.activity_id, "#teams"
        )
    results.set_override(team, form.grade.data, form.reason.data or "", current_user.id)
    return _done(
        _("Grade saved.") if form.grade.data is not None else _("Override removed."),
        team.activity_id,
        "#teams",
    )


# -- allocation -----------------------------------------------------------------------------------
@bp.route("/<int:activity_id>/allocate", methods=["POST"])
@require_login
def staff_allocate(activity_id: int):
    _access, settings = staff_page(activity_id)
    if allocation_jobs.is_large(activity_id):
        allocation_jobs.queue_allocation(activity_id)
        return _done(
            _(
                "The allocation of reviewers is queued: on an activity with this many proposals it runs in "
                "the background. Refresh this page in a moment."
            ),
            activity_id,
            "#allocation",
        )
    count = allocating.allocate_reviewers(settings)
    return _done(_("%(n)d reviews allocated.", n=count), activity_id, "#allocation")


@bp.route("/<int:activity_id>/allocations", methods=["POST"])
@require_login
def staff_add_allocation(activity_id: int):
    access, settings = staff_page(activity_id)
    form = AllocationForm()
    form.submission_id.choices = [
        SelectChoice(s.id, str(s.id)) for s in allocating.originals(activity_id)
    ]
    form.reviewer_id.choices = [
        SelectChoice(p.id, p.name) for p in course_learners(access.course.id)
    ]
    if not form.validate_on_submit():
        return _refused(
            ValueError(_("Choose a proposal and a reviewer.")), activity_id, "#allocation"
        )
    try:
        allocating.add_allocation(
            settings, db.session.get(Submission, form.submission_id.data), form.reviewer_id.data
        )
    except allocating.AllocationError as exc:
        return _refused(exc, activity_id, "#allocation")
    return _done(_("Reviewer added."), activity_id, "#allocation")


@bp.route("/allocations/<int:allocation_id>/delete", methods=["POST"])
@require_login
def staff_remove_allocation(allocation_id: int):
    allocation = db.session.get(Allocation, allocation_id)
    if allocation is None:
        abort(404)
    activity_id = allocation.activity_id
    staff_page(activity_id)
    try:
        allocating.remove_allocation(allocation)
    except allocating.AllocationError as exc:
        return _refused(exc, activity_id, "#allocation")
    return _done(_("Review removed."), activity_id, "#allocation")


@bp.route("/<int:activity_id>/drop", methods=["POST"])
@require_login
def staff_drop_reviewer(activity_id: int):
    _access, settings = staff_page(activity_id)
    form = DropForm()
    form.reviewer_id.choices = [
        SelectChoice(r, str(r))
        for r in {r for rids in allocating.current_allocation(activity_id).values() for r in rids}
    ]
    if not form.validate_on_submit():
        return _refused(ValueError(_("Choose a reviewer.")), activity_id, "#allocation")
    replaced = allocating.drop_reviewer(settings, form.reviewer_id.data)
    found = sum(1 for _sid, new in replaced if new is not None)
    return _done(
        _(
            "%(n)d reviews given to other reviewers; %(m)d could not be replaced.",
            n=found,
            m=len(replaced) - found,
        ),
        activity_id,
        "#allocation",
    )


@bp.route("/<int:activity_id>/reminders", methods=["POST"])
@require_login
def staff_remind(activity_id: int):
    access, settings = staff_page(activity_id)
    form = ReminderForm()
    if not form.validate_on_submit():
        return _refused(ValueError(_("Choose who gets the reminder.")), activity_id, "#reminders")
    learners = [p.id for p in course_learners(access.course.id)]
    recipients = notifications.reminder_recipients(activity_id, learners, form.audience.data)
    count = notifications.send_reminder(
        access.activity, recipients, form.message.data or "", current_user.id, form.audience.data
    )
    return _done(_("Reminder sent to %(n)d people.", n=count), activity_id, "#reminders")


# -- grades ---------------------------------------------------------------------------------------
def _grade_rows(activity_id: int, settings: ProposalSettings, course_id: int):
    computed = results.compute_results(settings)
    finals = results.final_grades(activity_id)
    learners = course_learners(course_id)
    names = {t.team.id: t.team.name for t in teams.team_views(activity_id)}
    rows = []
    for person in learners:
        row = computed.learners.get(person.id) or results.LearnerResult(person.id)
        final = finals.get(person.id)
        rows.append((person, names.get(row.team_id, ""), row, final))
    return rows


@bp.route("/<int:activity_id>/grades")
@require_login
def grades(activity_id: int):
    access, settings = staff_page(activity_id)
    return render_template(
        "peer_review/grades.html",
        access=access,
        settings=settings,
        rows=_grade_rows(activity_id, settings, access.course.id),
        grading=grading_of(settings),
        meets=results.meets_rule,
    )


@bp.route("/<int:activity_id>/grades.csv")
@require_login
def grades_csv(activity_id: int):
    access, settings = staff_page(activity_id)
    rows = [
        [
            person.name,
            person.email,
            person.country or "",
            team,
            int(row.submitted),
            row.allocated,
            row.reviewed,
            _places(row.submission_grade, 2),
            _places(row.reviewing_grade, 2),
            _places(row.grade, 2),
            _places(final.grade, 2) if final else None,
        ]
        for person, team, row, final in _grade_rows(activity_id, settings, access.course.id)
    ]
    return csv_response(
        f"proposal-{activity_id}-grades.csv",
        [
            "name",
            "email",
            "country",
            "team",
            "submitted",
            "reviews_allocated",
            "reviews_submitted",
            "submission_grade",
            "reviewing_grade",
            "grade",
            "final",
        ],
        rows,
    )


def _places(value: float | None, places: int) -> Decimal | None:
    """A figure rounded for the CSV, kept a number (the CSV writer defuses text, not numbers)."""
    return None if value is None else Decimal(f"{value:.{places}f}")


# -- examples -------------------------------------------------------------------------------------
def _example_page(access: ActivityAccess, settings: ProposalSettings, example: Example | None):
    template, rubric = template_of(settings), rubric_of(settings)
    form = example_form(template, rubric)
    if request.method == "GET" and example is not None:
        form.title.data, form.published.data = example.title, example.published
        for section in template.sections:
            getattr(form, f"section_{section.key}").data = example.sections.get(section.key, "")
        for criterion in rubric.criteria:
            points = example.reference_scores.get(criterion.key)
            getattr(form, f"score_{criterion.key}").data = (
                points_value(points) if points is not None else None
            )
            getattr(form, f"comment_{criterion.key}").data = example.reference_comments.get(
                criterion.key, ""
            )
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                calibration.save_example(
                    settings,
                    example,
                    title=form.title.data,
                    sections={
                        s.key: getattr(form, f"section_{s.key}").data or ""
                        for s in template.sections
                    },
                    scores=scores_from(form, rubric),
                    comments={
                        c.key: getattr(form, f"comment_{c.key}").data or "" for c in rubric.criteria
                    },
                    published=form.published.data,
                )
            except calibration.ExampleError as exc:
                db.session.rollback()
                flash(str(exc), "error")
                status = 400
            else:
                return _done(_("Example saved."), settings.activity_id, "#examples")
        else:
            status = 400
    return render_template(
        "peer_review/example_edit.html",
        access=access,
        example=example,
        form=form,
        template=template,
        rubric=rubric,
    ), status


@bp.route("/<int:activity_id>/examples/new", methods=["GET", "POST"])
@require_login
def new_example(activity_id: int):
    access, settings = staff_page(activity_id)
    return _example_page(access, settings, None)


@bp.route("/examples/<int:example_id>/edit", methods=["GET", "POST"])
@require_login
def edit_example(example_id: int):
    example = db.session.get(Example, example_id)
    if example is None:
        abort(404)
    access, settings = staff_page(example.activity_id)
    return _example_page(access, settings, example)


# -- the quality panel's figures ------------------------------------------------------------------
@bp.route("/courses/<int:course_id>/quality.csv")
@require_course_staff
def quality_csv(course_id: int):
    """The review-quality panel as CSV: agreement per criterion, then helpfulness per reviewer."""
    rows: list[list[object]] = []
    for entry in course_quality(course_id):
        title = entry.activity.localized("title", current_locale())
        stats = entry.agreement
        for key, _label in entry.criteria:
            rows.append(
                [
                    title,
                    "mean_pairwise_difference",
                    key,
                    _places(stats.mean_pairwise_difference.get(key), 3),
                    stats.reviews,
                ]
            )
            rows.append(
                [title, "krippendorff_alpha", key, _places(stats.alpha.get(key), 3), stats.reviews]
            )
        rows.append(
            [
                title,
                "mean_pairwise_difference",
                "total",
                _places(stats.total_mean_pairwise_difference, 3),
                stats.reviews,
            ]
        )
        rows.append(
            [title, "krippendorff_alpha", "total", _places(stats.total_alpha, 3), stats.reviews]
        )
        for row in entry.helpfulness:
            rows.append([title, "helpfulness", row.name, _places(row.mean, 3), len(row.ratings)])
    return csv_response(
        f"course-{course_id}-review-quality.csv",
        ["activity", "measure", "item", "value", "count"],
        rows,
    )
