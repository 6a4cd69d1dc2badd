"""The NTT+ demo: a coordinating organisation, municipalities in Italy, Sweden, Spain and
Finland, a trainer, a coordinator, an admin and a dozen officials with some progress."""

from __future__ import annotations

from typing import Any

from ..auth.services import create_user, find_user
from ..author.services import add_trainer
from ..extensions import db
from ..learn.services import complete_lesson, enrol
from ..learn.structure import course_outline
from ..models import Course, Lesson

ORGANISATIONS = [
    ("SERN – Sweden-Emilia-Romagna Network", "Bologna", "IT"),
    ("Comune di Bologna", "Bologna", "IT"),
    ("Comune di Ferrara", "Ferrara", "IT"),
    ("Comune di Modena", "Modena", "IT"),
    ("Luleå kommun", "Luleå", "SE"),
    ("Umeå kommun", "Umeå", "SE"),
    ("Kiruna kommun", "Kiruna", "SE"),
    ("Concello da Coruña", "A Coruña", "ES"),
    ("Concello de Vigo", "Vigo", "ES"),
    ("Helsingin kaupunki", "Helsinki", "FI"),
    ("Jyväskylän kaupunki", "Jyväskylä", "FI"),
    ("Oulun kaupunki", "Oulu", "FI"),
]

# (e-mail, name, organisation, locale, lessons done in the main course: None is every lesson, so
# that Åsa has finished it and holds the certificate however many lessons the course has)
OFFICIALS = [
    ("learner@example.org", "Giulia Rossi", "Comune di Bologna", "it", 6),
    ("marco.bianchi@example.org", "Marco Bianchi", "Comune di Ferrara", "it", 12),
    ("chiara.ferri@example.org", "Chiara Ferri", "Comune di Modena", "it", 3),
    ("asa.lindqvist@example.org", "Åsa Lindqvist", "Luleå kommun", "sv", None),
    ("erik.nilsson@example.org", "Erik Nilsson", "Umeå kommun", "sv", 9),
    ("sara.johansson@example.org", "Sara Johansson", "Kiruna kommun", "sv", 0),
    ("lucia.fernandez@example.org", "Lucía Fernández", "Concello da Coruña", "es", 15),
    ("xoan.rodriguez@example.org", "Xoán Rodríguez", "Concello de Vigo", "es", 4),
    ("carmen.lopez@example.org", "Carmen López", "Concello da Coruña", "es", 1),
    ("aino.virtanen@example.org", "Aino Virtanen", "Helsingin kaupunki", "fi", 20),
    ("mikko.korhonen@example.org", "Mikko Korhonen", "Jyväskylän kaupunki", "fi", 7),
    ("liisa.makinen@example.org", "Liisa Mäkinen", "Oulun kaupunki", "fi", 2),
]
PASSWORDS = {
    "learner": "learner-demo-2010",
    "trainer": "trainer-demo-2010",
    "coordinator": "coordinator-demo-2010",
    "admin": "admin-demo-2010",
}
MAIN_COURSE = "designing-twinned-town-networks"


def create_demo() -> dict[str, Any]:
    """Create the demo (idempotent: running it twice changes nothing)."""
    summary: list[str] = []
    if find_user("admin@example.org") is not None:
        return {"summary": ["The demo data already exists."], "accounts": _accounts()}
    countries = {org: (town, country) for org, town, country in ORGANISATIONS}
    create_user(
        email="admin@example.org",
        name="Anna Admin",
        password=PASSWORDS["admin"],
        role="admin",
        organisation=ORGANISATIONS[0][0],
        town="Bologna",
        country="IT",
        locale="en",
    )
    trainer = create_user(
        email="trainer@example.org",
        name="Paolo Trainer",
        password=PASSWORDS["trainer"],
        role="trainer",
        organisation=ORGANISATIONS[0][0],
        town="Bologna",
        country="IT",
        locale="en",
    )
    create_user(
        email="coordinator@example.org",
        name="Karin Coordinator",
        password=PASSWORDS["coordinator"],
        role="coordinator",
        organisation=ORGANISATIONS[0][0],
        town="Bologna",
        country="IT",
        locale="sv",
    )
    courses = list(db.session.execute(db.select(Course).order_by(Course.id)).scalars())
    for course in courses:
        add_trainer(course, trainer)
    main = next((c for c in courses if c.slug == MAIN_COURSE), None)
    for email, name, org, locale, done in OFFICIALS:
        town, country = countries[org]
        password = PASSWORDS["learner"]
        user = create_user(
            email=email,
            name=name,
            password=password,
            organisation=org,
            town=town,
            country=country,
            locale=locale,
        )
        if main is not None:
            enrol(user.id, main, cohort="NTT+ 2010")
            outline = course_outline(main, user.id)
            for entry in outline.ordered_lessons()[:done]:
                complete_lesson(user.id, db.session.get(Lesson, entry.id))
    summary.append(
        f"Created {len(OFFICIALS) + 3} accounts in {len(ORGANISATIONS)} organisations from 4 countries."
    )
    if main is None:
        summary.append(
            "The main course is not imported yet: run `nttlearn init` first for progress data."
        )
    return {"summary": summary, "accounts": _accounts()}


def _accounts() -> list[dict[str, str]]:
    return [
        {
            "email": "learner@example.org",
            "password": PASSWORDS["learner"],
            "role": "learner (Giulia Rossi, Bologna)",
        },
        {
            "email": "asa.lindqvist@example.org",
            "password": PASSWORDS["learner"],
            "role": "learner (Åsa Lindqvist, Luleå)",
        },
        {
            "email": "trainer@example.org",
            "password": PASSWORDS["trainer"],
            "role": "trainer of every course",
        },
        {
            "email": "coordinator@example.org",
            "password": PASSWORDS["coordinator"],
            "role": "programme coordinator",
        },
        {"email": "admin@example.org", "password": PASSWORDS["admin"], "role": "administrator"},
    ]
