"""The learners' pages (blueprint ``peer_review``): the activity, its team, the proposal editor
with section history, submitting, exports and examples. Reviewing and feedback are in
`review_views.py`, the trainers' pages in `staff_views.py`, all on this blueprint.

Every page opens the activity through :func:`open_page`, which checks the visitor's access
(404/403 from the core) and moves the workflow on to the phase its dates say. A submission, a
section or an invitation that is not the visitor's answers 404, exactly as a missing one does.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from nttlearn.api import (
    ActivityAccess,
    activity_access,
    arg_int,
    db,
    form_int,
    parse_int,
    render_markdown,
    require_login,
)

from . import applications, calibration, notifications, teams, writing
from .access import can_read_submission, is_reviewer_of, shows_author_names, submission_label
from .allocating import is_author
from .diff import changed_word_counts, compare_texts, render_diff_html
from .documents import draft_document, submission_document
from .exports import Document, safe_filename, to_markdown, to_pdf
from .forms import (
    AnswerForm,
    DetailsForm,
    InviteForm,
    SectionForm,
    SubmitForm,
    TeamForm,
    calibration_form,
    scores_from,
)
from .languages import current_locale
from .models import Example, Invitation, ProposalSettings, Submission, Team
from .reviewing import tasks_of
from .services import (
    PHASE_DATES,
    PHASE_HELP,
    PHASE_LABELS,
    PhaseError,
    feedback_visible,
    learner_deadline,
    people,
    phase_index,
    reviews_visible_to_reviewers,
    revision_open,
    rubric_of,
    submission_window,
    template_of,
    writing_open,
)
from .template import count_words
from .workflow import open_activity

bp = Blueprint(
    "peer_review",
    __name__,
    url_prefix="/peer-review",
    template_folder="templates",
    static_folder="static",
)
EXPORT_FORMATS = ("md", "pdf")


@bp.app_template_global("pr_title")
def localized_title(item: Any) -> str:
    """A course's or an activity's title in the reader's language (English where untranslated):
    breadcrumbs, page titles, panels and the dashboard slot."""
    return item.localized("title", current_locale()) if item is not None else ""


USER_ERRORS = (teams.TeamError, writing.WritingError, PhaseError, calibration.ExampleError)


def open_page(activity_id: int) -> tuple[ActivityAccess, ProposalSettings]:
    access = activity_access(activity_id, "proposal")
    return access, open_activity(access.activity)


def own_team(access: ActivityAccess) -> Team:
    """The visitor's team in this activity, or 404."""
    team = teams.team_of(access.activity.id, current_user.id)
    if team is None:
        abort(404)
    return team


def refused(exc: Exception, endpoint: str, **values: Any):
    """A refused action: undo it, say why, go back."""
    db.session.rollback()
    flash(str(exc), "error")
    return redirect(url_for(endpoint, **values))


def markdown(text: str) -> Markup:
    """Learners' Markdown as sanitized HTML (the core's renderer: nh3 removes anything that runs)."""
    return render_markdown(text)


def export_response(document: Document, fmt: str, fallback: str) -> Response:
    name = safe_filename(document.title, fallback)
    if fmt == "pdf":
        return Response(
            to_pdf(document),
            mimetype="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'},
        )
    return Response(
        to_markdown(document),
        mimetype="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.md"'},
    )


def phase_context(settings: ProposalSettings) -> dict[str, Any]:
    return {
        "phase_labels": PHASE_LABELS,
        "phase_help": PHASE_HELP,
        "phase_dates": PHASE_DATES,
        "phase_index": phase_index,
    }


# -- the activity ---------------------------------------------------------------------------------
@bp.route("/<int:activity_id>")
@require_login
def view(activity_id: int):
    access, settings = open_page(activity_id)
    team = teams.team_of(activity_id, current_user.id)
    team_view = teams.team_view(team) if team else None
    original = writing.submission_of(team.id) if team else None
    revision = writing.submission_of(team.id, "revision") if team else None
    problems = writing.readiness(settings, team) if team and not original else []
    tasks = tasks_of(activity_id, current_user.id) if reviews_visible_to_reviewers(settings) else []
    return render_template(
        "peer_review/view.html",
        access=access,
        settings=settings,
        team=team,
        team_view=team_view,
        original=original,
        revision=revision,
        problems=problems,
        tasks=tasks,
        window=submission_window(settings, user_id=current_user.id),
        revision_open=revision_open(settings),
        my_deadlines={
            kind: learner_deadline(settings, current_user.id, kind) for kind in ("close", "review")
        },
        feedback_visible=feedback_visible(settings),
        invitations=teams.pending_invitations(activity_id, current_user.id),
        sent=teams.sent_invitations(team.id) if team else [],
        examples=calibration.examples_of(activity_id, published_only=True),
        team_form=TeamForm(),
        invite_form=InviteForm(),
        submit_form=SubmitForm(),
        answer_form=AnswerForm(),
        outcomes=applications.OUTCOME_LABELS,
        applications=applications.applications_of_team(team.id) if original else [],
        **phase_context(settings),
    )


@bp.route("/<int:activity_id>/team", methods=["POST"])
@require_login
def create_team(activity_id: int):
    access, settings = open_page(activity_id)
    form = TeamForm()
    if not form.validate_on_submit():
        flash(_("Give the team a name."), "error")
        return redirect(url_for("peer_review.view", activity_id=activity_id))
    try:
        teams.create_team(settings, access.course.id, form.name.data, current_user.id)
    except teams.TeamError as exc:
        return refused(exc, "peer_review.view", activity_id=activity_id)
    db.session.commit()
    flash(_("Your team is formed. Invite colleagues from other countries."), "success")
    return redirect(url_for("peer_review.view", activity_id=activity_id))


@bp.route("/<int:activity_id>/team/invite", methods=["POST"])
@require_login
def invite(activity_id: int):
    access, settings = open_page(activity_id)
    team = own_team(access)
    form = InviteForm()
    if not form.validate_on_submit():
        flash(_("Enter a valid e-mail address."), "error")
        return redirect(url_for("peer_review.view", activity_id=activity_id))
    try:
        teams.invite(settings, access.course.id, team, current_user.id, form.email.data)
    except teams.TeamError as exc:
        return refused(exc, "peer_review.view", activity_id=activity_id)
    db.session.commit()
    flash(_("Invitation sent."), "success")
    return redirect(url_for("peer_review.view", activity_id=activity_id))


@bp.route("/<int:activity_id>/team/leave", methods=["POST"])
@require_login
def leave_team(activity_id: int):
    access, settings = open_page(activity_id)
    team = own_team(access)
    try:
        teams.leave_team(settings, team, current_user.id)
    except teams.TeamError as exc:
        return refused(exc, "peer_review.view", activity_id=activity_id)
    db.session.commit()
    flash(_("You have left the team."), "success")
    return redirect(url_for("peer_review.view", activity_id=activity_id))


@bp.route("/invitations/<int:invitation_id>", methods=["POST"])
@require_login
def answer_invitation(invitation_id: int):
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.invitee_id != current_user.id:
        abort(404)
    team = db.session.get(Team, invitation.team_id)
    _access, settings = open_page(team.activity_id)
    form = AnswerForm()
    if not form.validate_on_submit() or form.answer.data not in ("accept", "decline"):
        abort(400)
    try:
        teams.answer_invitation(settings, invitation, current_user.id, form.answer.data == "accept")
    except teams.TeamError as exc:
        return refused(exc, "peer_review.view", activity_id=team.activity_id)
    db.session.commit()
    flash(
        _("You have joined the team “%(team)s”.", team=team.name)
        if form.answer.data == "accept"
        else _("Invitation declined."),
        "success",
    )
    return redirect(url_for("peer_review.view", activity_id=team.activity_id))


# -- writing --------------------------------------------------------------------------------------
@bp.route("/<int:activity_id>/proposal")
@require_login
def proposal(activity_id: int):
    access, settings = open_page(activity_id)
    return workspace(access, settings, own_team(access))


def workspace(
    access: ActivityAccess,
    settings: ProposalSettings,
    team: Team,
    drafts: dict[str, tuple[str, int]] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
):
    """The proposal workspace: every section of the template on one page, each with its own form.

    ``drafts`` holds what a learner sent for a section that was refused (text and the version it
    started from), shown again with the message in ``errors`` so nothing they typed is lost."""
    template = template_of(settings)
    sections = writing.ensure_sections(team, template)
    db.session.commit()
    editors = people({s.updated_by_id for s in sections.values() if s.updated_by_id})
    original = writing.submission_of(team.id)
    revised = writing.submission_of(team.id, "revision") is not None
    details = DetailsForm(
        data={
            "title": team.title,
            "policy_area": team.policy_area,
            "base_version": team.details_version,
        }
    )
    editing = {key: (section.text, section.version) for key, section in sections.items()}
    editing.update(drafts or {})
    saved = request.args.get("saved")
    return render_template(
        "peer_review/proposal.html",
        access=access,
        settings=settings,
        team=team,
        template=template,
        sections=sections,
        editors=editors,
        details_form=details,
        can_write=writing_open(settings, original is not None, revised),
        original=original,
        submit_form=SubmitForm(),
        markdown=markdown,
        count_words=count_words,
        editing=editing,
        errors=errors or {},
        saved=saved if saved in sections or saved == "details" else None,
        deadline=None if original else learner_deadline(settings, current_user.id, "close"),
        problems=writing.readiness(settings, team),
        window=submission_window(settings, user_id=current_user.id),
        revision_open=revision_open(settings) and original is not None and not revised,
    ), status


@bp.route("/<int:activity_id>/proposal/details", methods=["POST"])
@require_login
def save_details(activity_id: int):
    access, settings = open_page(activity_id)
    team = own_team(access)
    form = DetailsForm()
    if not form.validate_on_submit():
        flash(_("The title has at most 200 characters."), "error")
        return redirect(url_for("peer_review.proposal", activity_id=activity_id))
    try:
        saved = writing.save_details(
            settings,
            team,
            form.title.data or "",
            form.policy_area.data or "",
            form_int("base_version", min=0),
            current_user.id,
        )
    except (*USER_ERRORS, ValueError) as exc:
        return refused(exc, "peer_review.proposal", activity_id=activity_id)
    db.session.commit()
    if saved:
        return redirect(
            url_for("peer_review.proposal", activity_id=activity_id, saved="details") + "#details"
        )
    else:
        flash(
            _(
                "A co-author changed the title or policy area meanwhile: here is their version. "
                "Yours (“%(title)s”) was not saved.",
                title=form.title.data,
            ),
            "error",
        )
    return redirect(url_for("peer_review.proposal", activity_id=activity_id))


@bp.route("/<int:activity_id>/proposal/<key>", methods=["GET", "POST"])
@require_login
def edit_section(activity_id: int, key: str):
    access, settings = open_page(activity_id)
    team = own_team(access)
    template = template_of(settings)
    try:
        section_def = template.section(key)
    except KeyError:
        abort(404)
    section = writing.ensure_sections(team, template)[key]
    form = SectionForm()
    if request.method == "GET":
        db.session.commit()
        form = SectionForm(data={"text": section.text, "base_version": section.version})
        return render_template(
            "peer_review/section.html",
            access=access,
            team=team,
            section_def=section_def,
            section=section,
            form=form,
            count_words=count_words,
        )
    base_version = parse_int(form.base_version.data, min=0)
    if not form.validate_on_submit() or base_version is None:
        return render_template(
            "peer_review/section.html",
            access=access,
            team=team,
            section_def=section_def,
            section=section,
            form=form,
            count_words=count_words,
        ), 400
    text = form.text.data or ""
    if section_def.is_over_limit(text):
        # Refused before saving: the learner shortens what they wrote, on the page they wrote it.
        db.session.rollback()
        message = _(
            "“%(title)s” has %(words)d words; the limit is %(limit)d. Shorten it, then save "
            "again: nothing was saved.",
            title=section_def.title,
            words=count_words(text),
            limit=section_def.word_limit,
        )
        return workspace(
            access,
            settings,
            team,
            drafts={key: (text, base_version)},
            errors={key: message},
            status=400,
        )
    try:
        result = writing.save_section(settings, team, key, text, base_version, current_user.id)
    except USER_ERRORS as exc:
        return refused(exc, "peer_review.proposal", activity_id=activity_id)
    if isinstance(result, writing.Conflict):
        db.session.rollback()
        who = people([result.author_id]).get(result.author_id) if result.author_id else None
        merge = SectionForm(data={"text": result.mine, "base_version": result.version})
        return render_template(
            "peer_review/conflict.html",
            access=access,
            team=team,
            section_def=section_def,
            conflict=result,
            who=who,
            form=merge,
            count_words=count_words,
            diff=render_diff_html(compare_texts(result.theirs, result.mine)),
        ), 409
    db.session.commit()
    # The message is shown in the section itself (the page opens there), not at the page's top.
    return redirect(
        url_for("peer_review.proposal", activity_id=activity_id, saved=key) + f"#section-{key}"
    )


@bp.route("/<int:activity_id>/proposal/<key>/history")
@require_login
def section_history(activity_id: int, key: str):
    access, settings = open_page(activity_id)
    team = own_team(access)
    template = template_of(settings)
    try:
        section_def = template.section(key)
    except KeyError:
        abort(404)
    section = writing.ensure_sections(team, template)[key]
    db.session.commit()
    versions = writing.history(section)
    authors = people({v.author_id for v in versions if v.author_id})
    counts = {}
    for index, version in enumerate(versions):
        older = versions[index + 1].text if index + 1 < len(versions) else ""
        counts[version.version] = changed_word_counts(compare_texts(older, version.text))
    diff = None
    a, b = arg_int("a", min=0), arg_int("b", min=0)
    if a is not None and b is not None:
        old, new = writing.version_text(section, a), writing.version_text(section, b)
        if old is None or new is None:
            abort(404)
        diff = render_diff_html(compare_texts(old, new))
    return render_template(
        "peer_review/history.html",
        access=access,
        team=team,
        section_def=section_def,
        section=section,
        versions=versions,
        authors=authors,
        counts=counts,
        diff=diff,
        a=a,
        b=b,
    )


@bp.route("/<int:activity_id>/submit", methods=["POST"])
@require_login
def submit(activity_id: int):
    access, settings = open_page(activity_id)
    team = own_team(access)
    form = SubmitForm()
    kind = form.kind.data if form.kind.data in ("original", "revision") else "original"
    if not form.validate_on_submit():
        abort(400)
    try:
        submission = writing.submit(settings, team, current_user.id, kind)
    except USER_ERRORS as exc:
        return refused(exc, "peer_review.proposal", activity_id=activity_id)
    db.session.commit()
    flash(
        _("Your revised version is submitted.")
        if kind == "revision"
        else (
            _("Your proposal is submitted (late).")
            if submission.late
            else _("Your proposal is submitted.")
        ),
        "success",
    )
    return redirect(url_for("peer_review.view", activity_id=activity_id))


@bp.route("/<int:activity_id>/proposal/export.<fmt>")
@require_login
def export_draft(activity_id: int, fmt: str):
    if fmt not in EXPORT_FORMATS:
        abort(404)
    access, settings = open_page(activity_id)
    team = own_team(access)
    writing.ensure_sections(team, template_of(settings))
    db.session.commit()
    return export_response(draft_document(settings, team, teams.team_view(team)), fmt, "proposal")


# -- submissions ----------------------------------------------------------------------------------
def readable_submission(
    submission_id: int,
) -> tuple[Submission, ActivityAccess, ProposalSettings, bool]:
    """The submission if the visitor may read it (else 404), and whether they are an author."""
    submission = db.session.get(Submission, submission_id)
    if submission is None:
        abort(404)
    access, settings = open_page(submission.activity_id)
    if not can_read_submission(settings, submission, current_user.id, access.is_staff):
        abort(404)
    return submission, access, settings, is_author(submission, current_user.id)


@bp.route("/submissions/<int:submission_id>")
@require_login
def submission(submission_id: int):
    sub, access, settings, author = readable_submission(submission_id)
    team = db.session.get(Team, sub.team_id)
    show_authors = shows_author_names(settings, access.is_staff, author)
    other = writing.submission_of(sub.team_id, "revision" if sub.kind == "original" else "original")
    reviewer_allocation = None
    if is_reviewer_of(sub, current_user.id):
        reviewer_allocation = next(
            (
                t.allocation
                for t in tasks_of(sub.activity_id, current_user.id)
                if t.submission.id == sub.id
            ),
            None,
        )
    return render_template(
        "peer_review/submission.html",
        access=access,
        settings=settings,
        submission=sub,
        sections=writing.shown_sections(settings, sub.sections),
        team_view=teams.team_view(team) if show_authors else None,
        label=submission_label(sub),
        markdown=markdown,
        other=other if (author or access.is_staff) else None,
        author=author,
        reviewer_allocation=reviewer_allocation,
    )


@bp.route("/submissions/<int:submission_id>/export.<fmt>")
@require_login
def export_submission(submission_id: int, fmt: str):
    if fmt not in EXPORT_FORMATS:
        abort(404)
    sub, access, settings, author = readable_submission(submission_id)
    show = shows_author_names(settings, access.is_staff, author)
    team = db.session.get(Team, sub.team_id)
    return export_response(
        submission_document(sub, team, show, writing.shown_sections(settings, sub.sections)),
        fmt,
        "proposal",
    )


@bp.route("/submissions/<int:submission_id>/compare")
@require_login
def compare_versions(submission_id: int):
    """The original beside the revision (or, for its authors, the current draft)."""
    sub, access, settings, author = readable_submission(submission_id)
    if not (author or access.is_staff):
        abort(404)
    original = writing.submission_of(sub.team_id) or sub
    revision = writing.submission_of(sub.team_id, "revision")
    if revision is not None:
        newer = {s["key"]: s.get("text", "") for s in revision.sections}
        newer_label = _("Revised version")
    else:
        newer = {k: s.text for k, s in writing.sections_of(sub.team_id).items()}
        newer_label = _("Current draft")
    rows = []
    for section in writing.shown_sections(settings, original.sections):
        changes = compare_texts(section.get("text", ""), newer.get(section["key"], ""))
        rows.append(
            (
                section.get("title", section["key"]),
                render_diff_html(changes),
                changed_word_counts(changes),
            )
        )
    return render_template(
        "peer_review/compare.html",
        access=access,
        original=original,
        newer_label=newer_label,
        rows=rows,
    )


# -- examples and calibration ---------------------------------------------------------------------
@bp.route("/examples/<int:example_id>", methods=["GET", "POST"])
@require_login
def example(example_id: int):
    item = db.session.get(Example, example_id)
    if item is None:
        abort(404)
    access, settings = open_page(item.activity_id)
    if not item.published and not access.is_staff:
        abort(404)
    rubric = rubric_of(settings)
    form = calibration_form(rubric)
    result = calibration.calibration_of(item, current_user.id)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                result = calibration.calibrate(
                    settings, item, current_user.id, scores_from(form, rubric)
                )
                db.session.commit()
            except calibration.ExampleError as exc:
                db.session.rollback()
                flash(str(exc), "error")
                status = 400
        else:
            status = 400
    return render_template(
        "peer_review/example.html",
        access=access,
        example=item,
        template=template_of(settings),
        rubric=rubric,
        form=form,
        result=result,
        markdown=markdown,
    ), status


# -- notifications --------------------------------------------------------------------------------
@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@require_login
def dismiss_notification(notification_id: int):
    if not notifications.mark_read(notification_id, current_user.id):
        abort(404)
    db.session.commit()
    return redirect(url_for("learn.dashboard"))
