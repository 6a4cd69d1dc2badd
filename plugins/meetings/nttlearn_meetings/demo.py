"""The demo's meetings: NTT+'s four transnational meetings of 2010, with their agendas and the
demo officials who came, and one national seminar a few weeks ahead that the demo learner
(Giulia Rossi, Bologna) can register for from her dashboard. Safe to run twice."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from nttlearn.api import Course, User, db, utcnow

from . import services
from .models import Meeting

PURPOSE = (
    "Officials from Italy, Sweden, Spain and Finland develop thematic twinned-town network "
    "proposals together, with the common project-design methodology of NTT+ (Europe for Citizens, "
    "Action 1, Measure 2.2)."
)
MAIN_COURSE = "designing-twinned-town-networks"
ALL_AREAS = [
    "youth",
    "social-enterprise",
    "renewable-energy",
    "family-gender",
    "integration-employment",
]

# (slug, town, country, zone, first day, host, venue, who came: e-mail prefixes of the demo officials)
TRANSNATIONAL = (
    (
        "bologna",
        "Bologna",
        "IT",
        "Europe/Rome",
        date(2010, 3, 4),
        "SERN – Sweden-Emilia-Romagna Network",
        "Palazzo d'Accursio",
        (
            "learner",
            "marco.bianchi",
            "chiara.ferri",
            "asa.lindqvist",
            "lucia.fernandez",
            "aino.virtanen",
        ),
    ),
    (
        "lulea",
        "Luleå",
        "SE",
        "Europe/Stockholm",
        date(2010, 3, 11),
        "Luleå kommun",
        "Kulturens hus",
        (
            "asa.lindqvist",
            "erik.nilsson",
            "sara.johansson",
            "learner",
            "xoan.rodriguez",
            "mikko.korhonen",
        ),
    ),
    (
        "la-coruna",
        "La Coruña",
        "ES",
        "Europe/Madrid",
        date(2010, 4, 6),
        "Concello da Coruña",
        "Palacio Municipal",
        (
            "lucia.fernandez",
            "xoan.rodriguez",
            "carmen.lopez",
            "marco.bianchi",
            "erik.nilsson",
            "liisa.makinen",
        ),
    ),
    (
        "helsinki",
        "Helsinki",
        "FI",
        "Europe/Helsinki",
        date(2010, 5, 10),
        "Helsingin kaupunki",
        "Helsingin kaupungintalo",
        (
            "aino.virtanen",
            "mikko.korhonen",
            "liisa.makinen",
            "learner",
            "asa.lindqvist",
            "lucia.fernandez",
            "chiara.ferri",
        ),
    ),
)

# (day, start, end, kind, title, room, speakers, team)
AGENDA = (
    (0, "09:00", "09:30", "session", "Welcome and introductions", "Main hall", "SERN", ""),
    (
        0,
        "09:30",
        "11:00",
        "session",
        "The NTT+ project-design methodology: from needs analysis to a proposal",
        "Main hall",
        "Paolo Trainer",
        "",
    ),
    (0, "11:00", "11:15", "break", "Coffee", "", "", ""),
    (
        0,
        "11:15",
        "13:00",
        "working_session",
        "Working session: renewable energy network",
        "Room A",
        "",
        "Renewable energy team",
    ),
    (
        0,
        "11:15",
        "13:00",
        "working_session",
        "Working session: youth and development network",
        "Room B",
        "",
        "Youth and development team",
    ),
    (
        0,
        "14:00",
        "17:00",
        "working_session",
        "Working session: drafting the work plan and budget",
        "Room A",
        "",
        "Renewable energy team",
    ),
    (
        1,
        "09:00",
        "11:00",
        "session",
        "Teams present their drafts; peer feedback",
        "Main hall",
        "Paolo Trainer",
        "",
    ),
    (
        1,
        "11:15",
        "13:00",
        "session",
        "Next steps: the Europe for Citizens call (Measure 1.2)",
        "Main hall",
        "Karin Coordinator",
        "",
    ),
)


def _at(day: date, clock: str, zone: str) -> datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=ZoneInfo(zone))


def _demo_user(prefix: str) -> User | None:
    return db.session.execute(db.select(User).where(User.email == f"{prefix}@example.org")).scalar()


def _exists(uid: str) -> bool:
    return db.session.execute(db.select(Meeting.id).where(Meeting.uid == uid)).first() is not None


def add_demo_meetings(now: datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    result = {"meetings": 0, "attendances": 0, "existing": 0}
    trainer = _demo_user("trainer")
    course_id = db.session.execute(db.select(Course.id).where(Course.slug == MAIN_COURSE)).scalar()
    for slug, town, country, zone, first, host, venue, came in TRANSNATIONAL:
        uid = f"ntt-plus-2010-{slug}@nttlearn"
        if _exists(uid):
            result["existing"] += 1
            continue
        details = services.MeetingDetails(
            title=f"NTT+ transnational meeting in {town}",
            kind="partnering",
            town=town,
            country=country,
            starts_at=_at(first, "09:00", zone),
            ends_at=_at(first + timedelta(days=1), "13:00", zone),
            time_zone=zone,
            host_organisation=host,
            venue=venue,
            languages=["en", "it", "sv", "es", "fi"],
            policy_areas=ALL_AREAS,
            course_ids=[course_id] if course_id else [],
            capacity=40,
            registration_deadline=_at(first - timedelta(days=14), "23:59", zone),
            description=PURPOSE,
        )
        meeting = services.create_meeting(details, trainer.id if trainer else None)
        meeting.uid = uid
        for day_number, start, end, kind, title, room, speakers, team in AGENDA:
            on = first + timedelta(days=day_number)
            services.add_agenda_item(
                meeting,
                title=title,
                starts_at=_at(on, start, zone),
                ends_at=_at(on, end, zone),
                kind=kind,
                room=room,
                speakers=speakers,
                team_name=team,
            )
        booked = _at(first - timedelta(days=20), "10:00", zone)
        people = [
            person for person in (_demo_user(prefix) for prefix in came) if person is not None
        ]
        for person in people:
            services.register(meeting.id, person, now=booked)
        for day in services.meeting_days(meeting):
            for n, person in enumerate(people):
                # Everyone on the first day; on the second, one person had to leave early.
                if day != first and n == len(people) - 1:
                    continue
                services.check_in(
                    meeting.id,
                    person,
                    day,
                    by_id=trainer.id if trainer else None,
                    now=_at(day, "09:15", zone),
                )
                result["attendances"] += 1
        services.close_if_ended(meeting, now)
        result["meetings"] += 1
    result["meetings"] += _add_upcoming_seminar(now, trainer, course_id)
    return result


def _add_upcoming_seminar(now: datetime, trainer: User | None, course_id: int | None) -> int:
    uid = "ntt-plus-seminar-bologna@nttlearn"
    if _exists(uid):
        return 0
    zone = "Europe/Rome"
    day = (now + timedelta(days=21)).astimezone(ZoneInfo(zone)).date()
    details = services.MeetingDetails(
        title="National training seminar: designing a thematic network of twinned towns",
        kind="seminar",
        town="Bologna",
        country="IT",
        starts_at=_at(day, "09:30", zone),
        ends_at=_at(day, "16:30", zone),
        time_zone=zone,
        format="hybrid",
        host_organisation="Comune di Bologna",
        venue="Sala Borsa, Piazza Nettuno 3",
        online_url="https://meet.example.org/ntt-seminar-bologna",
        languages=["it", "en"],
        policy_areas=["youth", "renewable-energy"],
        course_ids=[course_id] if course_id else [],
        capacity=30,
        registration_deadline=_at(day - timedelta(days=3), "23:59", zone),
        description=(
            "A one-day seminar for municipal officials before the next call: the first phases of the "
            "project cycle, the needs questionnaire, and finding partners in other countries. "
            "Bring an idea for a network."
        ),
    )
    meeting = services.create_meeting(details, trainer.id if trainer else None)
    meeting.uid = uid
    for start, end, kind, title, speakers in (
        (
            "09:30",
            "10:00",
            "session",
            "Welcome: why networks of twinned towns",
            "Comune di Bologna",
        ),
        ("10:00", "12:30", "session", "From an idea to a needs analysis", "Paolo Trainer"),
        ("12:30", "13:30", "break", "Lunch", ""),
        (
            "13:30",
            "16:30",
            "session",
            "Building a partnership across countries",
            "Karin Coordinator",
        ),
    ):
        services.add_agenda_item(
            meeting,
            title=title,
            starts_at=_at(day, start, zone),
            ends_at=_at(day, end, zone),
            kind=kind,
            room="Sala Borsa",
            speakers=speakers,
        )
    for prefix in ("marco.bianchi", "chiara.ferri"):
        person = _demo_user(prefix)
        if person is not None:
            services.register(meeting.id, person, now=now)
    return 1
