"""Proposal teams: formed by the trainer, or by learners who invite colleagues of the course
found in the partner directory or by e-mail. A learner belongs to at most one team per activity (the database says so too)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from nttlearn.api import Activity, User, db, utcnow

from .models import Allocation, Invitation, Submission, Team, TeamMember
from .notifications import notify, title_in_locale
from .services import Person, is_enrolled, people, phase_index

MAX_NAME = 120


class TeamError(ValueError):
    """A team change that is not allowed; the message is for the person who tried."""


@dataclass(frozen=True)
class TeamView:
    """A team with its members and the countries they come from."""

    team: Team
    members: list[Person]

    @property
    def countries(self) -> list[str]:
        return sorted({p.country for p in self.members if p.country})

    @property
    def member_ids(self) -> list[int]:
        return [p.id for p in self.members]


def team_of(activity_id: int, user_id: int) -> Team | None:
    return db.session.execute(
        db.select(Team)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .where(TeamMember.activity_id == activity_id, TeamMember.user_id == user_id)
    ).scalar()


def member_ids(team_id: int) -> list[int]:
    return list(
        db.session.execute(
            db.select(TeamMember.user_id)
            .where(TeamMember.team_id == team_id)
            .order_by(TeamMember.id)
        ).scalars()
    )


def team_views(activity_id: int, team_ids: list[int] | None = None) -> list[TeamView]:
    """The activity's teams (or the named ones) with their members, in three queries."""
    stmt = (
        db.select(Team)
        .where(Team.activity_id == activity_id)
        .options(selectinload(Team.members))
        .order_by(Team.name, Team.id)
    )
    if team_ids is not None:
        stmt = stmt.where(Team.id.in_(team_ids))
    teams = list(db.session.execute(stmt).scalars())
    found = people({m.user_id for t in teams for m in t.members})
    return [TeamView(t, [found[m.user_id] for m in t.members if m.user_id in found]) for t in teams]


def team_view(team: Team) -> TeamView:
    return team_views(team.activity_id, [team.id])[0]


def has_submitted(team_id: int, kind: str = "original") -> bool:
    return (
        db.session.execute(
            db.select(Submission.id).where(Submission.team_id == team_id, Submission.kind == kind)
        ).first()
        is not None
    )


def _check_name(activity_id: int, name: str, team_id: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise TeamError(_("Give the team a name."))
    if len(name) > MAX_NAME:
        raise TeamError(_("A team name has at most %(n)d characters.", n=MAX_NAME))
    clash = db.session.execute(
        db.select(Team.id).where(Team.activity_id == activity_id, Team.name == name)
    ).scalar()
    if clash is not None and clash != team_id:
        raise TeamError(_("Another team already has that name."))
    return name


def _learner_phase(settings) -> None:
    if phase_index(settings.phase) > phase_index("submission"):
        raise TeamError(_("Teams can no longer change: the submission phase is over."))


def _join(team: Team, user_id: int) -> None:
    """Add a member; the unique key refuses a learner who joined another team meanwhile."""
    try:
        with db.session.begin_nested():
            db.session.add(
                TeamMember(team_id=team.id, activity_id=team.activity_id, user_id=user_id)
            )
    except IntegrityError as exc:
        raise TeamError(_("%(name)s is already in a team.", name=_name(user_id))) from exc


def _name(user_id: int) -> str:
    user = db.session.get(User, user_id)
    return user.name if user else "?"


def create_team(
    settings,
    course_id: int,
    name: str,
    creator_id: int,
    members: list[int] | None = None,
    by_trainer: bool = False,
) -> Team:
    """A new team. A learner founds it and becomes its first member (when learners form teams);
    a trainer names its members."""
    if not by_trainer:
        if settings.team_formation != "learners":
            raise TeamError(_("Your trainer forms the teams for this activity."))
        _learner_phase(settings)
        if team_of(settings.activity_id, creator_id) is not None:
            raise TeamError(_("You are already in a team."))
        members = [creator_id]
    members = list(dict.fromkeys(members or []))
    if len(members) > settings.max_team_size:
        raise TeamError(_("A team has at most %(n)d members.", n=settings.max_team_size))
    for user_id in members:
        if not is_enrolled(user_id, course_id):
            raise TeamError(_("%(name)s is not enrolled in this course.", name=_name(user_id)))
    team = Team(
        activity_id=settings.activity_id,
        name=_check_name(settings.activity_id, name),
        created_by_id=creator_id,
        details_version=0,
        title="",
        policy_area="",
    )
    try:
        with db.session.begin_nested():
            db.session.add(team)
    except IntegrityError as exc:
        raise TeamError(_("Another team already has that name.")) from exc
    for user_id in members:
        _join(team, user_id)
    return team


def rename_team(team: Team, name: str) -> None:
    team.name = _check_name(team.activity_id, name, team.id)


def invite(settings, course_id: int, team: Team, inviter_id: int, email: str) -> Invitation:
    """Invite a learner of the same course, found by their e-mail address, to join ``team``."""
    invitee = db.session.execute(
        db.select(User).where(
            db.func.lower(User.email) == email.strip().lower(), User.deleted_at.is_(None)
        )
    ).scalar()
    if invitee is None or not is_enrolled(invitee.id, course_id):
        _may_invite(settings, team, inviter_id)
        raise TeamError(
            _(
                "Nobody enrolled in this course has the e-mail address %(email)s.",
                email=email.strip(),
            )
        )
    return invite_user(settings, course_id, team, inviter_id, invitee)


def _may_invite(settings, team: Team, inviter_id: int) -> None:
    if settings.team_formation != "learners":
        raise TeamError(_("Your trainer forms the teams for this activity."))
    _learner_phase(settings)
    if inviter_id not in member_ids(team.id):
        raise TeamError(_("Only members of a team can invite to it."))
    if has_submitted(team.id):
        raise TeamError(_("Your team has submitted its proposal: its members are fixed."))


def invite_user(settings, course_id: int, team: Team, inviter_id: int, invitee: User) -> Invitation:
    """Invite ``invitee`` (chosen in the partner directory, or found by e-mail) to join ``team``."""
    _may_invite(settings, team, inviter_id)
    if invitee.deleted_at is not None or not is_enrolled(invitee.id, course_id):
        raise TeamError(_("%(name)s is not enrolled in this course.", name=invitee.name))
    if invitee.id == inviter_id:
        raise TeamError(_("You are already in this team."))
    if team_of(settings.activity_id, invitee.id) is not None:
        raise TeamError(_("%(name)s is already in a team.", name=invitee.name))
    if len(member_ids(team.id)) >= settings.max_team_size:
        raise TeamError(_("A team has at most %(n)d members.", n=settings.max_team_size))
    invitation = db.session.execute(
        db.select(Invitation).where(
            Invitation.team_id == team.id, Invitation.invitee_id == invitee.id
        )
    ).scalar()
    if invitation is not None and invitation.status == "pending":
        raise TeamError(_("%(name)s has already been invited.", name=invitee.name))
    if invitation is None:
        invitation = Invitation(team_id=team.id, invitee_id=invitee.id)
        db.session.add(invitation)
    invitation.invited_by_id, invitation.status = inviter_id, "pending"
    invitation.created_at, invitation.answered_at = utcnow(), None
    db.session.flush()
    activity = db.session.get(Activity, settings.activity_id)
    inviter = _name(inviter_id)
    notify(
        [invitee.id],
        activity,
        "invitation",
        lambda: _(
            "%(inviter)s invites you to join the team “%(team)s” for “%(activity)s”. "
            "Accept or decline on the activity's page.",
            inviter=inviter,
            team=team.name,
            activity=title_in_locale(activity),
        ),
        subject=lambda: _("Invitation to a proposal team"),
        sender_id=inviter_id,
    )
    return invitation


def pending_invitations(activity_id: int, user_id: int) -> list[tuple[Invitation, Team, str]]:
    """The invitations waiting for the user's answer, with the team and who invited."""
    rows = db.session.execute(
        db.select(Invitation, Team, User.name)
        .join(Team, Team.id == Invitation.team_id)
        .outerjoin(User, User.id == Invitation.invited_by_id)
        .where(
            Team.activity_id == activity_id,
            Invitation.invitee_id == user_id,
            Invitation.status == "pending",
        )
        .order_by(Invitation.created_at)
    ).all()
    return [(inv, team, name or "") for inv, team, name in rows]


def sent_invitations(team_id: int) -> list[tuple[Invitation, str]]:
    rows = db.session.execute(
        db.select(Invitation, User.name)
        .join(User, User.id == Invitation.invitee_id)
        .where(Invitation.team_id == team_id, Invitation.status == "pending")
        .order_by(Invitation.created_at)
    ).all()
    return [(inv, name) for inv, name in rows]


def answer_invitation(settings, invitation: Invitation, user_id: int, accept: bool) -> Team | None:
    """The invitee accepts (and joins) or declines; nobody else may answer."""
    if invitation.invitee_id != user_id:
        raise TeamError(_("This invitation is not for you."))
    if invitation.status != "pending":
        raise TeamError(_("This invitation has already been answered."))
    team = db.session.get(Team, invitation.team_id)
    invitation.answered_at = utcnow()
    if not accept:
        invitation.status = "declined"
        return None
    _learner_phase(settings)
    if team_of(settings.activity_id, user_id) is not None:
        raise TeamError(_("You are already in a team."))
    if has_submitted(team.id):
        raise TeamError(_("This team has already submitted its proposal."))
    if len(member_ids(team.id)) >= settings.max_team_size:
        raise TeamError(_("This team is full."))
    _join(team, user_id)
    invitation.status = "accepted"
    return team


def leave_team(settings, team: Team, user_id: int) -> None:
    """A learner leaves before the team submits; an empty team disappears with its drafts."""
    _learner_phase(settings)
    if has_submitted(team.id):
        raise TeamError(_("Your team has submitted its proposal: its members are fixed."))
    _remove(team, user_id)


def _remove(team: Team, user_id: int) -> None:
    db.session.execute(
        db.delete(TeamMember).where(TeamMember.team_id == team.id, TeamMember.user_id == user_id)
    )
    if not member_ids(team.id) and not has_submitted(team.id):
        _delete(team)


def _delete(team: Team) -> None:
    """Delete in SQL: the database cascades to members, sections, history and invitations."""
    db.session.execute(db.delete(Team).where(Team.id == team.id))
    db.session.expunge(team)


# -- the trainer's changes ------------------------------------------------------------------------
def add_member(settings, course_id: int, team: Team, user_id: int) -> None:
    if not is_enrolled(user_id, course_id):
        raise TeamError(_("%(name)s is not enrolled in this course.", name=_name(user_id)))
    if len(member_ids(team.id)) >= settings.max_team_size:
        raise TeamError(_("A team has at most %(n)d members.", n=settings.max_team_size))
    reviews_it = db.session.execute(
        db.select(Allocation.id)
        .join(Submission, Submission.id == Allocation.submission_id)
        .where(Submission.team_id == team.id, Allocation.reviewer_id == user_id)
    ).first()
    if reviews_it is not None:
        raise TeamError(
            _("%(name)s reviews this team's proposal and cannot join it.", name=_name(user_id))
        )
    _join(team, user_id)


def remove_member(team: Team, user_id: int) -> None:
    """The trainer removes a member (someone left the course); a submission keeps its authors."""
    db.session.execute(
        db.delete(TeamMember).where(TeamMember.team_id == team.id, TeamMember.user_id == user_id)
    )


def delete_team(team: Team) -> None:
    if has_submitted(team.id):
        raise TeamError(_("A team that has submitted a proposal cannot be deleted."))
    _delete(team)


def unteamed_learners(activity_id: int, learners: list[Person]) -> list[Person]:
    taken = set(
        db.session.execute(
            db.select(TeamMember.user_id).where(TeamMember.activity_id == activity_id)
        ).scalars()
    )
    return [p for p in learners if p.id not in taken]
