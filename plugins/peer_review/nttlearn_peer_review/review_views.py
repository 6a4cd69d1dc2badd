"""Reviewing and feedback pages, on the ``peer_review`` blueprint: the rubric form for an
allocated reviewer, the feedback its authors read (and export), and their helpfulness ratings.

An allocation that is not the visitor's answers 404 (trainers may read any, read-only); an author
never reaches a review form for their own proposal, whatever the URL.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from nttlearn.api import db, require_login

from .access import shows_author_names, shows_reviewer_names, submission_label
from .allocating import is_author
from .documents import feedback_document
from .forms import HelpfulnessForm, points_value, review_form
from .models import Allocation, Submission, Team
from .reviewing import (
    ReviewError,
    ReviewInput,
    criterion_feedback,
    rate_helpfulness,
    ratings_by,
    received_reviews,
    remaining_parts,
    review_of,
    save_review,
    scores_of,
)
from .services import (
    PhaseError,
    feedback_visible,
    people,
    review_edit_rule,
    reviews_visible_to_reviewers,
    rubric_of,
)
from .teams import team_view
from .views import EXPORT_FORMATS, bp, export_response, markdown, open_page, readable_submission
from .writing import shown_sections


def _allocation(allocation_id: int):
    """The allocation for its reviewer (trainers: any, read-only), or 404."""
    allocation = db.session.get(Allocation, allocation_id)
    if allocation is None:
        abort(404)
    access, settings = open_page(allocation.activity_id)
    mine = allocation.reviewer_id == current_user.id
    if not mine and not access.is_staff:
        abort(404)
    if mine and not access.is_staff and not reviews_visible_to_reviewers(settings):
        abort(404)
    submission = db.session.get(Submission, allocation.submission_id)
    if mine and is_author(submission, current_user.id):
        abort(403)
    return allocation, submission, access, settings, mine


@bp.route("/reviews/<int:allocation_id>", methods=["GET", "POST"])
@require_login
def review(allocation_id: int):
    allocation, submission, access, settings, mine = _allocation(allocation_id)
    rubric = rubric_of(settings)
    record = review_of(allocation.id)
    submitted = record is not None and record.submitted_at is not None
    editable, _late, reason = review_edit_rule(settings, submitted, user_id=current_user.id)
    editable = editable and mine
    form = review_form(rubric)
    status = 200
    if request.method == "POST":
        if not mine:
            abort(403)
        if form.validate_on_submit():
            data = review_input(form, rubric)
            submit = form.action.data == "submit"
            try:
                save_review(settings, allocation, current_user.id, data, submit=submit)
            except (ReviewError, PhaseError) as exc:
                db.session.rollback()
                status = 409 if isinstance(exc, PhaseError) else 400
                if (
                    submit
                    and isinstance(exc, ReviewError)
                    and (missing := remaining_parts(rubric, data))
                ):
                    # Each message goes next to the criterion it is about; the flash only says so.
                    for name, message in missing:
                        getattr(form, name).errors = [message]
                    flash(
                        _("The review is not submitted yet: complete the parts marked below."),
                        "error",
                    )
                else:
                    flash(str(exc), "error")
            else:
                db.session.commit()
                flash(
                    _("Your review is submitted. Thank you!")
                    if submit or submitted
                    else _("Draft saved."),
                    "success",
                )
                return redirect(url_for("peer_review.review", allocation_id=allocation.id))
        else:
            status = 400
    elif record is not None:
        scores = scores_of([record.id])[record.id]
        form.strengths.data, form.suggestions.data = record.strengths, record.suggestions
        for criterion in rubric.criteria:
            score = scores.get(criterion.key)
            if score is not None:
                if score.points is not None:
                    getattr(form, f"score_{criterion.key}").data = points_value(score.points)
                getattr(form, f"comment_{criterion.key}").data = score.comment
    author = is_author(submission, current_user.id)
    remaining = remaining_parts(rubric, review_input(form, rubric)) if editable else []
    show_authors = shows_author_names(settings, access.is_staff, author)
    team = db.session.get(Team, submission.team_id)
    return render_template(
        "peer_review/review.html",
        access=access,
        settings=settings,
        allocation=allocation,
        submission=submission,
        sections=shown_sections(settings, submission.sections),
        record=record,
        submitted=submitted,
        editable=editable,
        reason=reason,
        form=form,
        rubric=rubric,
        markdown=markdown,
        points_value=points_value,
        remaining=remaining,
        team_view=team_view(team) if show_authors else None,
        label=submission_label(submission),
        reviewer=people([allocation.reviewer_id]).get(allocation.reviewer_id)
        if access.is_staff
        else None,
    ), status


def review_input(form, rubric) -> ReviewInput:
    """What the review form holds, as the service reads it (a level that is not a number, from
    a form that failed validation, counts as not chosen)."""
    scores: dict[str, float | None] = {}
    for criterion in rubric.criteria:
        try:
            scores[criterion.key] = float(getattr(form, f"score_{criterion.key}").data)
        except (TypeError, ValueError):
            scores[criterion.key] = None
    return ReviewInput(
        scores=scores,
        comments={c.key: getattr(form, f"comment_{c.key}").data or "" for c in rubric.criteria},
        strengths=form.strengths.data or "",
        suggestions=form.suggestions.data or "",
    )


def _feedback_access(submission_id: int):
    submission, access, settings, author = readable_submission(submission_id)
    if not (author or access.is_staff):
        abort(404)
    if not access.is_staff and not feedback_visible(settings):
        abort(404)
    if submission.kind != "original":
        abort(404)
    return submission, access, settings, author


def _reviewer_names(settings, access, reviews) -> dict[int, str] | None:
    if not shows_reviewer_names(settings, access.is_staff):
        return None
    found = people({r.reviewer_id for r in reviews})
    return {r.reviewer_id: found[r.reviewer_id].name for r in reviews if r.reviewer_id in found}


@bp.route("/submissions/<int:submission_id>/feedback")
@require_login
def feedback(submission_id: int):
    submission, access, settings, author = _feedback_access(submission_id)
    reviews = received_reviews(settings, submission.id)
    rubric = rubric_of(settings)
    totals = [r.total for r in reviews if r.total is not None]
    return render_template(
        "peer_review/feedback.html",
        access=access,
        settings=settings,
        submission=submission,
        team=db.session.get(Team, submission.team_id),
        reviews=reviews,
        criteria=criterion_feedback(rubric, reviews),
        names=_reviewer_names(settings, access, reviews),
        ratings=ratings_by(current_user.id, [r.review.id for r in reviews]) if author else {},
        can_rate=author,
        rating_form=HelpfulnessForm(),
        markdown=markdown,
        mean_total=sum(totals) / len(totals) if totals else None,
    )


@bp.route("/submissions/<int:submission_id>/feedback/export.<fmt>")
@require_login
def export_feedback(submission_id: int, fmt: str):
    if fmt not in EXPORT_FORMATS:
        abort(404)
    submission, access, settings, _author = _feedback_access(submission_id)
    reviews = received_reviews(settings, submission.id)
    team = db.session.get(Team, submission.team_id)
    document = feedback_document(
        settings, submission, team, reviews, _reviewer_names(settings, access, reviews)
    )
    return export_response(document, fmt, "feedback")


@bp.route("/reviews/<int:allocation_id>/helpfulness", methods=["POST"])
@require_login
def rate(allocation_id: int):
    allocation = db.session.get(Allocation, allocation_id)
    if allocation is None:
        abort(404)
    _access, settings = open_page(allocation.activity_id)
    submission = db.session.get(Submission, allocation.submission_id)
    record = review_of(allocation.id)
    if record is None or not is_author(submission, current_user.id):
        abort(404)
    form = HelpfulnessForm()
    if not form.validate_on_submit():
        flash(_("Choose a rating from 1 to 5."), "error")
    else:
        try:
            rate_helpfulness(settings, record, current_user.id, int(form.rating.data))
        except (ReviewError, PhaseError) as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Thank you for rating this review."), "success")
    return redirect(url_for("peer_review.feedback", submission_id=submission.id))
