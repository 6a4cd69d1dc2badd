"""The demo: NTT+'s four transnational meetings of 2010, held, with agendas and attendance, and
one seminar ahead; running it twice adds nothing."""

from __future__ import annotations

from nttlearn import db
from nttlearn.api import EventRecord
from nttlearn_meetings import services
from nttlearn_meetings.demo import add_demo_meetings
from nttlearn_meetings.models import Meeting

OFFICIALS = (
    "learner",
    "marco.bianchi",
    "chiara.ferri",
    "asa.lindqvist",
    "erik.nilsson",
    "sara.johansson",
    "lucia.fernandez",
    "xoan.rodriguez",
    "carmen.lopez",
    "aino.virtanen",
    "mikko.korhonen",
    "liisa.makinen",
)


def test_the_demo_holds_ntt_plus_meetings_and_plans_a_seminar(make_user):
    make_user(role="trainer", email="trainer@example.org")
    for prefix in OFFICIALS:
        make_user(email=f"{prefix}@example.org")

    first = add_demo_meetings()
    second = add_demo_meetings()

    assert first["meetings"] == 5 and second == {"meetings": 0, "attendances": 0, "existing": 4}
    meetings = db.session.execute(db.select(Meeting).order_by(Meeting.starts_at)).scalars().all()
    assert [m.town for m in meetings] == ["Bologna", "Luleå", "La Coruña", "Helsinki", "Bologna"]
    assert [services.meeting_days(m)[0].isoformat() for m in meetings[:4]] == [
        "2010-03-04",
        "2010-03-11",
        "2010-04-06",
        "2010-05-10",
    ]
    held = (
        db.session.execute(
            db.select(EventRecord).where(EventRecord.name == "meetings.meeting_held")
        )
        .scalars()
        .all()
    )
    assert sorted(e.data["town"] for e in held) == ["Bologna", "Helsinki", "La Coruña", "Luleå"]
    assert all(len(services.agenda_of(m.id)) >= 4 for m in meetings)
    assert meetings[-1].kind == "seminar" and meetings[-1].held_at is None
