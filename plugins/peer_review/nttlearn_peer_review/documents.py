"""The documents behind the exports: a team's draft, a submitted version, the feedback on a
submission. Each takes what its reader may see (``show_authors``, ``reviewer_names``) from the
caller, which asked :mod:`.access`; nothing else about people gets in."""

from __future__ import annotations

from flask_babel import format_datetime
from flask_babel import gettext as _

from .access import reviewer_label, submission_label
from .exports import Document, DocumentSection
from .models import ProposalSettings, Submission, Team
from .reviewing import ReceivedReview, criterion_feedback
from .services import rubric_of, template_of
from .teams import TeamView
from .writing import POLICY_AREAS, sections_of


def _policy_area(key: str) -> str | None:
    return str(POLICY_AREAS[key]) if key in POLICY_AREAS else None


def draft_document(settings: ProposalSettings, team: Team, view: TeamView) -> Document:
    """The team's current text, for its members."""
    texts = sections_of(team.id)
    facts = [_("Draft"), team.name, ", ".join(p.name for p in view.members)]
    if _policy_area(team.policy_area):
        facts.insert(0, _policy_area(team.policy_area))
    return Document(
        title=team.title or _("Network proposal"),
        facts=facts,
        author=team.name,
        subject=_("Network proposal (draft)"),
        sections=[
            DocumentSection(str(s.title), texts[s.key].text if s.key in texts else "")
            for s in template_of(settings).sections
        ],
    )


def version_name(submission: Submission) -> str:
    return _("Revised version") if submission.kind == "revision" else _("Submitted version")


def submission_document(
    submission: Submission,
    team: Team | None,
    show_authors: bool,
    sections: list[dict] | None = None,
) -> Document:
    """A locked version; without ``show_authors`` it names neither the team nor its members.
    ``sections``: its sections as the reader reads them (`writing.shown_sections`)."""
    facts = [version_name(submission), format_datetime(submission.submitted_at, "yyyy-MM-dd HH:mm")]
    if _policy_area(submission.policy_area):
        facts.insert(0, _policy_area(submission.policy_area))
    if show_authors and team is not None:
        facts.append(team.name)
    else:
        facts.append(submission_label(submission))
    return Document(
        title=submission.title or _("Network proposal"),
        facts=facts,
        author=team.name if show_authors and team is not None else "",
        subject=_("Network proposal"),
        sections=[
            DocumentSection(s.get("title", s["key"]), s.get("text", ""))
            for s in (submission.sections if sections is None else sections)
        ],
    )


def feedback_document(
    settings: ProposalSettings,
    submission: Submission,
    team: Team,
    reviews: list[ReceivedReview],
    reviewer_names: dict[int, str] | None,
) -> Document:
    """The feedback for the authors. Reviewers appear as "Reviewer 1, 2, …" unless
    ``reviewer_names`` (allowed only where reviewers are visible) names them."""

    def who(review: ReceivedReview) -> str:
        label = reviewer_label(review.number)
        if reviewer_names and review.reviewer_id in reviewer_names:
            return f"{label} ({reviewer_names[review.reviewer_id]})"
        return label

    by_number = {r.number: r for r in reviews}
    sections = []
    for item in criterion_feedback(rubric_of(settings), reviews):
        lines = []
        if item.mean is not None:
            lines.append(
                _(
                    "Mean score: %(mean).1f of %(max)g (%(n)d reviews)",
                    mean=item.mean,
                    max=item.max_points,
                    n=len(item.points),
                )
            )
        lines += [f"{who(by_number[number])}: {comment}" for number, comment in item.comments]
        sections.append(DocumentSection(item.title, "\n\n".join(lines)))
    for review in reviews:
        text = [
            _("Strengths: %(text)s", text=review.review.strengths),
            _("Suggestions: %(text)s", text=review.review.suggestions),
        ]
        if review.total is not None:
            text.insert(0, _("Total: %(total).0f of 100", total=review.total))
        sections.append(DocumentSection(who(review), "\n\n".join(text)))
    return Document(
        title=_("Feedback: %(title)s", title=submission.title or _("Network proposal")),
        facts=[team.name, version_name(submission)],
        author=team.name,
        subject=_("Peer-review feedback"),
        sections=sections,
    )
