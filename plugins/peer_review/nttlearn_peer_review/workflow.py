"""The phase workflow: drafting → submission → allocation → review → feedback → closed.

The trainer switches phases by hand, or the activity's dates do: every page of the activity (and
``nttlearn peer_review advance``) first moves it on to the phase its dates say. Entering a phase
does what that phase needs: reviewers are allocated when allocation or review starts, reviewers
are told when reviews open, authors when feedback is ready, and closing fixes the grades.

A phase change is a compare-and-set on the settings row, so of two requests that notice the
same date only one runs the phase's actions.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from nttlearn.api import Activity, db, utcnow

from . import allocation_jobs
from .allocating import allocate_reviewers, authors_of, current_allocation, originals
from .models import PHASES, ProposalSettings
from .notifications import notify, title_in_locale
from .results import close_activity, update_completion
from .services import PHASE_DATES, phase_index, settings_for


def due_phase(settings: ProposalSettings, now: datetime) -> str:
    """The latest phase whose date has passed, never earlier than the current one."""
    phase = settings.phase
    for candidate in PHASES[phase_index(phase) + 1 :]:
        when = getattr(settings, PHASE_DATES[candidate])
        if when is None or when > now:
            break
        phase = candidate
    return phase


def advance_by_dates(settings: ProposalSettings, now: datetime | None = None) -> bool:
    """Move the activity on to the phase its dates say; True when it moved."""
    now = now or utcnow()
    target = due_phase(settings, now)
    if target == settings.phase:
        return False
    return set_phase(settings, target, now=now)


def set_phase(settings: ProposalSettings, target: str, now: datetime | None = None) -> bool:
    """Switch to ``target``. Moving forward runs the actions of every phase entered on the way;
    moving back (the trainer reopens a phase) only changes the phase. False when another request
    changed the phase first."""
    if target not in PHASES:
        raise ValueError(f"unknown phase {target!r}")
    now = now or utcnow()
    before = settings.phase
    if target == before:
        return False
    result = db.session.execute(
        db.update(ProposalSettings)
        .where(
            ProposalSettings.activity_id == settings.activity_id, ProposalSettings.phase == before
        )
        .values(phase=target, phase_changed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(settings)
    if result.rowcount != 1:
        return False
    if phase_index(target) > phase_index(before):
        activity = db.session.get(Activity, settings.activity_id)
        for entered in PHASES[phase_index(before) + 1 : phase_index(target) + 1]:
            _enter(settings, activity, entered)
    return True


def _enter(settings: ProposalSettings, activity: Activity, phase: str) -> None:
    if phase == "allocation" and allocation_jobs.is_large(settings.activity_id):
        allocation_jobs.queue_allocation(
            settings.activity_id
        )  # entering review allocates what is left
    elif phase in ("allocation", "review"):
        allocate_reviewers(settings)
    if phase == "review":
        _tell_reviewers(settings, activity)
    elif phase == "feedback":
        _tell_authors(settings, activity)
    elif phase == "closed":
        close_activity(settings, activity)


def _tell_reviewers(settings: ProposalSettings, activity: Activity) -> None:
    loads: dict[int, int] = {}
    for reviewers in current_allocation(settings.activity_id).values():
        for reviewer_id in reviewers:
            loads[reviewer_id] = loads.get(reviewer_id, 0) + 1
    for count in sorted(set(loads.values())):
        notify(
            [r for r, n in loads.items() if n == count],
            activity,
            "reviews",
            lambda count=count: _(
                "Reviews are open in “%(activity)s”: you have %(n)d proposals to review.",
                activity=title_in_locale(activity),
                n=count,
            ),
            subject=lambda: _("Proposals to review"),
        )


def _tell_authors(settings: ProposalSettings, activity: Activity) -> None:
    authors = {a for ids in authors_of(originals(settings.activity_id)).values() for a in ids}
    notify(
        authors,
        activity,
        "feedback",
        lambda: _(
            "The feedback on your proposal in “%(activity)s” is ready.",
            activity=title_in_locale(activity),
        ),
        subject=lambda: _("Feedback on your proposal"),
    )
    # Authors given nothing to review have now done their part (see results.meets_rule).
    update_completion(settings, activity, authors)


def open_activity(activity: Activity) -> ProposalSettings:
    """What every page of the activity calls first: its settings, moved on to today's phase."""
    created = db.session.get(ProposalSettings, activity.id) is None
    settings = settings_for(activity)
    if advance_by_dates(settings) or created:
        db.session.commit()
    return settings


def advance_all(now: datetime | None = None) -> list[tuple[int, str, str]]:
    """Move every proposal activity on to the phase its dates say (the CLI command and cron).
    Returns (activity id, from, to) for each activity that moved."""
    moved = []
    ids = (
        db.session.execute(
            db.select(ProposalSettings.activity_id)
            .join(Activity, Activity.id == ProposalSettings.activity_id)
            .where(ProposalSettings.phase != "closed", Activity.archived.is_(False))
            .order_by(ProposalSettings.activity_id)
        )
        .scalars()
        .all()
    )
    for activity_id in ids:
        settings = db.session.get(ProposalSettings, activity_id)
        before = settings.phase
        if advance_by_dates(settings, now):
            moved.append((activity_id, before, settings.phase))
            db.session.commit()
    return moved
