"""Who may read what, and whose names they see.

Every page and export that shows a submission, a review or a name asks here. A learner reads a
submission only as one of its authors, or as an allocated reviewer once reviews are open; any
other submission answers 404 exactly as a missing one does. Reviewer names reach authors only
when the activity makes reviewers visible; under double-blind review, reviewers do not see the
authors either. The course's trainers see everything.
"""

from __future__ import annotations

from flask_babel import gettext as _

from nttlearn.api import db

from .allocating import is_author
from .models import Allocation, ProposalSettings, Submission
from .services import reviews_visible_to_reviewers


def is_reviewer_of(submission: Submission, user_id: int) -> bool:
    return (
        db.session.execute(
            db.select(Allocation.id).where(
                Allocation.submission_id == submission.id, Allocation.reviewer_id == user_id
            )
        ).first()
        is not None
    )


def can_read_submission(
    settings: ProposalSettings, submission: Submission, user_id: int, is_staff: bool
) -> bool:
    if is_staff or is_author(submission, user_id):
        return True
    return reviews_visible_to_reviewers(settings) and is_reviewer_of(submission, user_id)


def shows_reviewer_names(settings: ProposalSettings, is_staff: bool) -> bool:
    return is_staff or settings.anonymity == "reviewers_visible"


def shows_author_names(settings: ProposalSettings, is_staff: bool, author: bool) -> bool:
    return is_staff or author or settings.anonymity != "double_blind"


def reviewer_label(number: int) -> str:
    return _("Reviewer %(n)d", n=number)


def submission_label(submission: Submission) -> str:
    """How a proposal is named where its authors must stay unknown."""
    return _("Proposal %(n)d", n=submission.id)
