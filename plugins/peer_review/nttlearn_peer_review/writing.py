"""Writing a proposal together: sections saved with a version check, their full history, and
the locked snapshot a team submits (the original, then its revision).

Saving is compare-and-set: a save names the version it started from and the UPDATE only matches
while that is still the current version. Of two co-authors who started from the same text, the
second to save changes nothing and gets a :class:`Conflict` with both texts to merge by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from nttlearn.api import Activity, db, emit, utcnow

from .allocating import top_up
from .models import Section, SectionVersion, Submission, Team
from .results import update_completion
from .services import PhaseError, activity_and_course, submission_window, template_of, writing_open
from .teams import has_submitted, member_ids, team_view
from .template import ProposalTemplate, count_words

MAX_SECTION_CHARACTERS = 60_000
MAX_TITLE = 200
POLICY_AREAS = {
    "youth": _l("Youth and development"),
    "social-enterprise": _l("Social-sector enterprises"),
    "renewable-energy": _l("Renewable energy sources"),
    "family-gender": _l("Family support from a gender-equality perspective"),
    "integration-employment": _l("Integration and immigration from an employment perspective"),
    "other": _l("Another policy area"),
}


class WritingError(ValueError):
    """A save or submission that is refused; the message says why."""


@dataclass(frozen=True)
class Conflict:
    """A save that lost the race: what the author wrote and what is saved now."""

    key: str
    mine: str
    theirs: str
    version: int
    author_id: int | None
    updated_at: datetime


def sections_of(team_id: int) -> dict[str, Section]:
    return {
        s.key: s
        for s in db.session.execute(db.select(Section).where(Section.team_id == team_id)).scalars()
    }


def ensure_sections(team: Team, template: ProposalTemplate) -> dict[str, Section]:
    """One row per template section (created empty at version 0 when missing)."""
    existing = sections_of(team.id)
    for section in template.sections:
        if section.key not in existing:
            try:
                with db.session.begin_nested():
                    row = Section(
                        team_id=team.id, key=section.key, text="", version=0, updated_at=utcnow()
                    )
                    db.session.add(row)
            except IntegrityError:  # a co-author's request created it first
                continue
            existing[section.key] = row
    return sections_of(team.id) if len(existing) < len(template.sections) else existing


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_SECTION_CHARACTERS:
        raise WritingError(_("A section has at most %(n)d characters.", n=MAX_SECTION_CHARACTERS))
    return text


def check_can_write(settings, team: Team, user_id: int) -> None:
    if user_id not in member_ids(team.id):
        raise WritingError(_("Only the team's members can edit its proposal."))
    if not writing_open(settings, has_submitted(team.id), has_submitted(team.id, "revision")):
        raise PhaseError(_("The proposal cannot be edited now."))


def save_section(
    settings, team: Team, key: str, text: str, base_version: int, user_id: int
) -> Section | Conflict:
    """Save a section if nobody saved it since ``base_version``; else return the conflict."""
    check_can_write(settings, team, user_id)
    template_of(settings).section(key)  # KeyError: not a section of this template
    text = _clean(text)
    section = ensure_sections(team, template_of(settings))[key]
    now = utcnow()
    result = db.session.execute(
        db.update(Section)
        .where(Section.id == section.id, Section.version == base_version)
        .values(text=text, version=base_version + 1, updated_at=now, updated_by_id=user_id)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(section)
    if result.rowcount != 1:
        return Conflict(
            key, text, section.text, section.version, section.updated_by_id, section.updated_at
        )
    db.session.add(
        SectionVersion(
            section_id=section.id,
            version=section.version,
            text=text,
            author_id=user_id,
            created_at=now,
        )
    )
    db.session.flush()
    return section


def save_details(
    settings, team: Team, title: str, policy_area: str, base_version: int, user_id: int
) -> bool:
    """Save the proposal's title and policy area with the same version check; False on conflict."""
    check_can_write(settings, team, user_id)
    title = " ".join(title.split())
    if len(title) > MAX_TITLE:
        raise WritingError(_("The title has at most %(n)d characters.", n=MAX_TITLE))
    if policy_area and policy_area not in POLICY_AREAS:
        raise WritingError(_("Choose one of the policy areas."))
    result = db.session.execute(
        db.update(Team)
        .where(Team.id == team.id, Team.details_version == base_version)
        .values(title=title, policy_area=policy_area, details_version=base_version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(team)
    return result.rowcount == 1


def history(section: Section) -> list[SectionVersion]:
    return list(
        db.session.execute(
            db.select(SectionVersion)
            .where(SectionVersion.section_id == section.id)
            .order_by(SectionVersion.version.desc())
        ).scalars()
    )


def version_text(section: Section, version: int) -> str | None:
    """A section's text at ``version`` (0 is the empty start); None if there is no such version."""
    if version == 0:
        return ""
    return db.session.execute(
        db.select(SectionVersion.text).where(
            SectionVersion.section_id == section.id, SectionVersion.version == version
        )
    ).scalar()


# -- submitting -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReadinessProblem:
    key: str | None
    message: str


def readiness(settings, team: Team) -> list[ReadinessProblem]:
    """What keeps the team from submitting: missing title, empty or too long sections, too few
    countries among its members."""
    template = template_of(settings)
    sections = sections_of(team.id)
    problems = []
    if not team.title.strip():
        problems.append(ReadinessProblem(None, _("The proposal needs a title.")))
    for section in template.sections:
        text = sections[section.key].text if section.key in sections else ""
        if not text.strip():
            problems.append(
                ReadinessProblem(section.key, _("“%(title)s” is empty.", title=section.title))
            )
        elif section.is_over_limit(text):
            problems.append(
                ReadinessProblem(
                    section.key,
                    _(
                        "“%(title)s” has %(words)d words; the limit is %(limit)d.",
                        title=section.title,
                        words=count_words(text),
                        limit=section.word_limit,
                    ),
                )
            )
    countries = team_view(team).countries
    if len(countries) < settings.min_countries:
        problems.append(
            ReadinessProblem(
                None,
                _(
                    "The team needs members from at least %(n)d countries (now: %(found)s).",
                    n=settings.min_countries,
                    found=", ".join(countries) or "–",
                ),
            )
        )
    return problems


def submit(
    settings, team: Team, user_id: int, kind: str = "original", now: datetime | None = None
) -> Submission:
    """Lock a snapshot of the team's proposal. The original once per team, in the submission
    window; the revision once, in the feedback phase, after the original."""
    now = now or utcnow()
    if user_id not in member_ids(team.id):
        raise WritingError(_("Only the team's members can submit its proposal."))
    late = False
    if kind == "original":
        window = submission_window(settings, now, user_id)
        if not window.allowed:
            raise PhaseError(window.reason)
        late = window.late
    else:
        if settings.phase != "feedback":
            raise PhaseError(_("A revised version can be submitted in the feedback phase only."))
        if not has_submitted(team.id):
            raise WritingError(_("Your team has not submitted an original proposal."))
    if has_submitted(team.id, kind):
        raise WritingError(_("Your team has already submitted this version."))
    problems = readiness(settings, team)
    if problems:
        raise WritingError(" ".join(p.message for p in problems))
    view = team_view(team)
    template = template_of(settings, "en")  # the snapshot is the same whoever submits it
    sections = sections_of(team.id)
    submission = Submission(
        activity_id=settings.activity_id,
        team_id=team.id,
        kind=kind,
        title=team.title,
        policy_area=team.policy_area,
        sections=[
            {"key": s.key, "title": str(s.title), "text": sections[s.key].text}
            for s in template.sections
        ],
        authors=view.member_ids,
        countries=view.countries,
        submitted_by_id=user_id,
        submitted_at=now,
        late=late,
    )
    try:
        with db.session.begin_nested():
            db.session.add(submission)
    except IntegrityError as exc:  # a co-author submitted at the same moment
        raise WritingError(_("Your team has already submitted this version.")) from exc
    activity, course_id = activity_and_course(settings.activity_id)
    emit(
        "peer_review.proposal_submitted",
        user_id=user_id,
        course_id=course_id,
        data={
            "activity_id": settings.activity_id,
            "team_id": team.id,
            "submission_id": submission.id,
            "policy_area": submission.policy_area,
            "countries": list(submission.countries),
        },
    )
    _after_submission(settings, activity, submission)
    return submission


def _after_submission(settings, activity: Activity, submission: Submission) -> None:
    """A late original still needs reviewers; completion may follow from submitting."""
    if submission.kind == "original" and settings.phase in ("allocation", "review"):
        top_up(settings, submission)
    update_completion(settings, activity, submission.authors)


def shown_sections(settings, sections: list[dict]) -> list[dict]:
    """A submission's sections with their titles in the reader's language: the template's
    translation where the section's English title is still the template's, else as submitted."""
    english = {s.key: str(s.title) for s in template_of(settings, "en").sections}
    shown = {s.key: str(s.title) for s in template_of(settings).sections}
    return [
        {**s, "title": shown[s["key"]]} if english.get(s.get("key")) == s.get("title") else s
        for s in sections
    ]


def submission_of(team_id: int, kind: str = "original") -> Submission | None:
    return db.session.execute(
        db.select(Submission).where(Submission.team_id == team_id, Submission.kind == kind)
    ).scalar()
