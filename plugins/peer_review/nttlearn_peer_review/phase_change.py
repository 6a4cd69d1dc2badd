"""What switching a peer-review phase by hand will do, shown to the trainer before it happens.

Moving forward runs the actions of every phase entered on the way (``workflow.set_phase``):
reviewers are allocated to the proposals submitted *so far*, people are notified, closing fixes
the grades. None of that is undone by moving back, so the trainer confirms on a page that says who
it leaves out (teams that have not submitted, learners without a team, reviews still open).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from .dashboard import Dashboard, ReviewerRow, TeamRow, build_dashboard
from .models import PHASES, ProposalSettings
from .services import PHASE_LABELS, Person, phase_index


@dataclass
class PhaseChange:
    """The switch from ``current`` to ``target`` and its consequences."""

    current: str
    target: str
    effects: list[str] = field(default_factory=list)
    not_submitted: list[TeamRow] = field(default_factory=list)
    unteamed: list[Person] = field(default_factory=list)
    open_reviews: list[ReviewerRow] = field(default_factory=list)

    @property
    def forward(self) -> bool:
        return phase_index(self.target) > phase_index(self.current)


def preview_phase_change(settings: ProposalSettings, target: str, course_id: int) -> PhaseChange:
    """The consequences of :func:`workflow.set_phase` to ``target``, computed without changing
    anything (``ValueError`` for an unknown phase)."""
    if target not in PHASES:
        raise ValueError(f"unknown phase {target!r}")
    change = PhaseChange(settings.phase, target)
    if not change.forward:
        if target != settings.phase:
            change.effects.append(
                _(
                    "Only the phase changes: what was done when the later phases began "
                    "(reviewers allocated, notifications sent, grades fixed) stays as it is."
                )
            )
        return change
    board: Dashboard = build_dashboard(settings, course_id)
    submitted = sum(1 for row in board.teams if row.original)
    entered = PHASES[phase_index(settings.phase) + 1 : phase_index(target) + 1]
    if "allocation" in entered or "review" in entered:
        change.effects.append(
            _(
                "Reviewers are allocated now to the %(n)d proposals submitted so far, %(k)d reviewers each.",
                n=submitted,
                k=settings.reviewers_per_submission,
            )
        )
        change.not_submitted = [row for row in board.teams if not row.original]
        change.unteamed = list(board.unteamed)
    if "review" in entered:
        change.effects.append(
            _("Reviewers are told by notification and e-mail that reviews are open.")
        )
    if "feedback" in entered:
        change.effects.append(
            _("Authors are told by notification and e-mail that their feedback is ready.")
        )
        change.open_reviews = [row for row in board.reviewers if row.outstanding]
    if "closed" in entered:
        change.effects.append(
            _(
                "The grades are fixed, completion is reported to the course and accepted "
                "proposals are announced."
            )
        )
        change.open_reviews = [row for row in board.reviewers if row.outstanding]
    if not change.effects:
        change.effects.append(
            _(
                "The activity shows the phase “%(phase)s” to everyone; nothing else happens.",
                phase=PHASE_LABELS[target],
            )
        )
    return change
