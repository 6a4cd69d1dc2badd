"""``nttlearn peer_review demo``: a real capstone in the main course, built on ``nttlearn demo``'s
officials from Italy, Sweden, Spain and Finland.

Two cross-country teams write their network proposals section by section (co-authors take turns,
so the history has several versions), and the trainer has published an example proposal with a
reference assessment for calibration. The activity is left open for submission. With
``--stage review`` both teams finish and submit, and the activity moves on to review with the
reviewers allocated, ready for someone to review, and the Bologna–Luleå–A Coruña team records
the application it sent to the funder (demo data modelled on NTT+'s two applications submitted in
September 2010). Five officials from the four countries are in the partner directory.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from nttlearn.api import Activity, Course, Module, User, db

from . import applications, calibration, directory, teams, writing
from .allocating import current_allocation
from .models import Application, Submission, Team
from .services import settings_for
from .workflow import set_phase

MAIN_COURSE = "designing-twinned-town-networks"
STAGES = ("drafting", "review")


class DemoError(RuntimeError):
    """The demo's people or course are missing (run ``nttlearn init`` and ``nttlearn demo``)."""


TEAMS: list[dict[str, Any]] = [
    {
        "name": "Bologna–Luleå–A Coruña",
        "members": [
            "learner@example.org",
            "asa.lindqvist@example.org",
            "lucia.fernandez@example.org",
        ],
        "title": "Young Voices of the Twinned Towns",
        "policy_area": "youth",
        "sections": {
            "title_policy_area": (
                "learner@example.org",
                "Young Voices of the Twinned Towns: youth councils in Bologna, Luleå and A Coruña "
                "learn from each other how to give young people a real say in local decisions. "
                "Policy area: youth and development; programme priority: democratic engagement "
                "and civic participation.",
            ),
            "context_needs": (
                "asa.lindqvist@example.org",
                "In all three towns fewer than one young person in five took part in the last "
                "municipal consultation (municipal statistics, 2009). Luleå's youth survey of "
                "2009 shows that 62% of 16–25 year-olds feel that nobody listens to them; "
                "Bologna's and A Coruña's youth offices report the same in their annual reports. "
                "Each town has tried a youth council alone, with mixed results.",
            ),
            "objectives": (
                "learner@example.org",
                "General objective: young people in the partner towns take part in local "
                "decisions.\n\nSpecific objectives:\n\n1. By June 2011, each town runs a youth "
                "council with at least 20 members, half of them not active in any association.\n"
                "2. By December 2011, each council has presented two proposals to its city "
                "council, and at least one has been adopted.",
            ),
            "partners": (
                "lucia.fernandez@example.org",
                "Comune di Bologna (IT), youth office: lead partner, hosts the kick-off and "
                "coordinates the budget.\n\nLuleå kommun (SE), culture and youth department: "
                "brings ten years of experience with youth dialogue and hosts the study visit."
                "\n\nConcello da Coruña (ES), participation service: leads dissemination and "
                "the final conference.",
            ),
        },
        "complete": {
            "work_plan": (
                "Kick-off in Bologna (March 2011, 30 participants, 10 per town); study "
                "visit in Luleå (June 2011, 24 young people); final conference in A "
                "Coruña (November 2011, 120 participants). Each town's youth office is "
                "responsible for recruiting its participants."
            ),
            "budget": (
                "Travel and accommodation 48,000 EUR; venues and interpretation 12,000 "
                "EUR; communication 5,000 EUR. Grant requested 52,000 EUR; each partner "
                "co-finances 4,300 EUR in staff time."
            ),
            "impact": (
                "Three youth councils that continue after the project, a shared guide on "
                "youth participation in three languages, and a network open to the other "
                "towns twinned with the partners."
            ),
            "dissemination": (
                "Municipal websites and social media in Italian, Swedish, Spanish "
                "and English; local press at each event; the guide presented to "
                "the partners' national associations of municipalities."
            ),
            "monitoring_evaluation": (
                "Indicators: members per council (attendance lists, "
                "monthly), proposals presented and adopted (council "
                "minutes, twice a year), participants' satisfaction "
                "(survey after each event)."
            ),
        },
    },
    {
        "name": "Ferrara–Helsinki–Umeå",
        "members": [
            "marco.bianchi@example.org",
            "aino.virtanen@example.org",
            "erik.nilsson@example.org",
        ],
        "title": "Sun and Wind for Small Towns",
        "policy_area": "renewable-energy",
        "sections": {
            "title_policy_area": (
                "marco.bianchi@example.org",
                "Sun and Wind for Small Towns: municipalities in Ferrara, Helsinki and Umeå share "
                "how they involve citizens in local renewable-energy cooperatives. Policy area: "
                "renewable energy sources.",
            ),
            "context_needs": (
                "aino.virtanen@example.org",
                "Citizens support renewable energy in principle but rarely invest locally: in "
                "Ferrara two cooperatives have 140 members for 130,000 inhabitants. Helsinki "
                "and Umeå have tested information campaigns with different success.",
            ),
        },
        "complete": {
            "objectives": (
                "General objective: more citizens co-own local renewable energy. "
                "Specific: by 2012 each town doubles the members of its energy "
                "cooperatives."
            ),
            "partners": (
                "Comune di Ferrara (IT), lead; Helsingin kaupunki (FI), energy advice "
                "centre; Umeå kommun (SE), environment department."
            ),
            "work_plan": (
                "Three seminars (Ferrara, Helsinki, Umeå) in 2011, 25 participants "
                "each, and an online exchange of campaign material."
            ),
            "budget": (
                "Travel 30,000 EUR, venues 6,000 EUR, materials 4,000 EUR; grant "
                "requested 34,000 EUR."
            ),
            "impact": ("A tested campaign model for small towns and new cooperative members."),
            "dissemination": ("Energy fairs, municipal websites and the partners' networks."),
            "monitoring_evaluation": (
                "Cooperative membership (registers, yearly) and campaign "
                "reach (web statistics, monthly)."
            ),
        },
    },
]

EXAMPLE = {
    "title": "Example: Green Squares, a network of three twinned towns",
    "sections": {
        "title_policy_area": "Green Squares: three towns redesign a central square with citizens. "
        "Policy area: renewable energy sources and public space.",
        "context_needs": "The towns want greener squares but have no shared method to involve "
        "citizens. No figures are given.",
        "objectives": "Make the squares greener and involve citizens.",
        "partners": "Town A (lead), Town B and Town C take part in all activities.",
        "work_plan": "Three meetings in 2011.",
        "budget": "About 40,000 EUR.",
        "impact": "Nicer squares.",
        "dissemination": "Websites.",
        "monitoring_evaluation": "A survey at the end.",
    },
    "scores": {"relevance": 1, "design": 0, "partnership": 1, "impact": 0},
    "comments": {
        "relevance": "The topic fits the programme, but the needs are not backed by any evidence.",
        "design": "The objectives are not measurable and the three meetings have no dates, "
        "places or participants.",
        "partnership": "The partners are named but we do not learn what each contributes.",
        "impact": "The impact and dissemination are one line each; nothing says what lasts.",
    },
}


#: Officials who opted in to the partner directory: (e-mail, town, country, organisation, policy
#: areas, languages, what they look for).
DIRECTORY = [
    (
        "learner@example.org",
        "Bologna",
        "IT",
        "Comune di Bologna",
        ["youth", "renewable-energy"],
        ["it", "en"],
        "Towns that want their youth councils to work on local energy plans.",
    ),
    (
        "marco.bianchi@example.org",
        "Ferrara",
        "IT",
        "Comune di Ferrara",
        ["family-gender"],
        ["it", "en", "fr"],
        "Partners with family centres that support working parents.",
    ),
    (
        "asa.lindqvist@example.org",
        "Luleå",
        "SE",
        "Luleå kommun",
        ["youth", "integration-employment"],
        ["sv", "en"],
        "A southern European partner for a youth exchange on first jobs.",
    ),
    (
        "lucia.fernandez@example.org",
        "A Coruña",
        "ES",
        "Concello da Coruña",
        ["youth", "social-enterprise"],
        ["es", "en", "pt"],
        "Social cooperatives and youth services to share methods with.",
    ),
    (
        "aino.virtanen@example.org",
        "Helsinki",
        "FI",
        "Helsingin kaupunki",
        ["renewable-energy", "integration-employment"],
        ["fi", "sv", "en"],
        "Municipal energy companies and migrant employment projects.",
    ),
]

#: The application the first team records after submitting (demo data, after NTT+'s September 2010 applications).
DEMO_APPLICATION = applications.ApplicationInput(
    programme="Europe for Citizens",
    call="Action 1, Measure 1.2, thematic networks of twinned towns "
    "(demo data, after NTT+'s applications of September 2010)",
    submitted_on=date(2010, 9, 1),
    lead_organisation="Comune di Bologna",
    partners="Luleå kommun; Luleå; SE\nConcello da Coruña; A Coruña; ES",
    requested_eur="148000",
    outcome="pending",
    granted_eur="",
)


def _user(email: str) -> User:
    user = db.session.execute(db.select(User).filter_by(email=email)).scalar()
    if user is None:
        raise DemoError(f"{email} is missing: run `nttlearn demo` first")
    return user


def capstone() -> Activity:
    activity = (
        db.session.execute(
            db.select(Activity)
            .join(Module, Module.id == Activity.module_id)
            .join(Course, Course.id == Module.course_id)
            .where(
                Course.slug == MAIN_COURSE,
                Activity.type_key == "proposal",
                Activity.archived.is_(False),
            )
            .order_by(Module.position, Activity.position)
        )
        .scalars()
        .first()
    )
    if activity is None:
        raise DemoError(f"the course {MAIN_COURSE} has no proposal activity: run `nttlearn init`")
    return activity


def create_demo(stage: str = "drafting") -> dict[str, Any]:
    """Build the capstone (idempotent: teams that exist are kept as they are)."""
    activity = capstone()
    course_id = db.session.get(Module, activity.module_id).course_id
    settings = settings_for(activity)
    if settings.phase == "drafting":
        set_phase(settings, "submission")
    summary = []
    for spec in TEAMS:
        team = db.session.execute(
            db.select(Team).filter_by(activity_id=activity.id, name=spec["name"])
        ).scalar()
        if team is None:
            team = _make_team(settings, course_id, spec)
            summary.append(f"Team “{spec['name']}” formed with draft sections.")
        if stage == "review" and writing.submission_of(team.id) is None:
            _finish_and_submit(settings, team, spec)
            summary.append(f"Team “{spec['name']}” submitted its proposal.")
    if not calibration.examples_of(activity.id, published_only=False):
        calibration.save_example(
            settings,
            None,
            title=EXAMPLE["title"],
            sections=EXAMPLE["sections"],
            scores=EXAMPLE["scores"],
            comments=EXAMPLE["comments"],
            published=True,
        )
        summary.append("An example proposal with a reference assessment is published.")
    for email, town, country, organisation, areas, languages, looking_for in DIRECTORY:
        user = _user(email)
        if directory.entry_of(user.id) is None:
            directory.save_entry(
                user.id,
                town=town,
                country=country,
                organisation=organisation,
                policy_areas=areas,
                languages=languages,
                looking_for=looking_for,
            )
            summary.append(f"{user.name} is in the partner directory.")
    first = db.session.execute(
        db.select(Team).filter_by(activity_id=activity.id, name=TEAMS[0]["name"])
    ).scalar()
    if (
        stage == "review"
        and writing.submission_of(first.id) is not None
        and db.session.execute(
            db.select(Application.id).where(Application.team_id == first.id)
        ).first()
        is None
    ):
        applications.record(first, DEMO_APPLICATION, _user(TEAMS[0]["members"][0]).id, date.today())
        summary.append(
            f"Team “{first.name}” recorded its application to Europe for Citizens (demo data)."
        )
    if stage == "review" and settings.phase in ("submission", "allocation"):
        set_phase(settings, "review")
        summary.append("Reviews are open; reviewers are allocated.")
    db.session.flush()
    return {
        "activity_id": activity.id,
        "phase": settings.phase,
        "summary": summary or ["The capstone demo already exists."],
        "allocations": _allocations(activity.id),
    }


def _make_team(settings, course_id: int, spec: dict[str, Any]) -> Team:
    members = [_user(email) for email in spec["members"]]
    team = teams.create_team(
        settings,
        course_id,
        spec["name"],
        members[0].id,
        members=[m.id for m in members],
        by_trainer=True,
    )
    writing.save_details(settings, team, spec["title"], spec["policy_area"], 0, members[0].id)
    sections = writing.ensure_sections(team, writing.template_of(settings))
    for key, (email, text) in spec["sections"].items():
        author = _user(email)
        # A first sentence by the author, then the full text by a co-author: a real history.
        first = text.split(". ")[0] + "."
        writing.save_section(settings, team, key, first, sections[key].version, author.id)
        other = next(m for m in members if m.id != author.id)
        writing.save_section(settings, team, key, text, sections[key].version, other.id)
    return team


def _finish_and_submit(settings, team: Team, spec: dict[str, Any]) -> None:
    sections = writing.ensure_sections(team, writing.template_of(settings))
    author = _user(spec["members"][0])
    for key, text in spec["complete"].items():
        if not sections[key].text.strip():
            writing.save_section(settings, team, key, text, sections[key].version, author.id)
    writing.submit(settings, team, author.id)


def _allocations(activity_id: int) -> list[dict[str, Any]]:
    by_id = {
        s.id: s
        for s in db.session.execute(
            db.select(Submission).where(Submission.activity_id == activity_id)
        ).scalars()
    }
    emails = dict(db.session.execute(db.select(User.id, User.email)).all())
    names = dict(db.session.execute(db.select(User.id, User.name)).all())
    return [
        {
            "submission_id": sid,
            "title": by_id[sid].title,
            "reviewer": emails[rid],
            "reviewer_name": names[rid],
            "authors": sorted(emails[a] for a in by_id[sid].authors),
        }
        for sid, reviewers in sorted(current_allocation(activity_id).items())
        for rid in reviewers
    ]
