"""The meetings list and the dashboard read a constant number of row sets, however many meetings
and registrations there are."""

from __future__ import annotations

from nttlearn import db
from nttlearn.testing import count_queries
from nttlearn_meetings import services


def _queries(app, browser, path: str) -> int:
    with count_queries(app) as statements:
        assert browser.get(path).status_code == 200
    return len(statements)


def test_the_meetings_list_and_the_dashboard_do_not_grow_with_the_meetings(app, make_user, make_meeting, client_for):
    learner = make_user(org="Comune di Bologna", country="IT")
    browser = client_for(learner)
    services.register(make_meeting(capacity=5).id, learner)
    db.session.commit()
    few = (_queries(app, browser, "/meetings/"), _queries(app, browser, "/dashboard"))

    for n in range(6):
        meeting = make_meeting(capacity=5, title=f"Seminar {n}")
        services.register(meeting.id, learner)
        services.register(meeting.id, make_user())
    db.session.commit()
    many = (_queries(app, browser, "/meetings/"), _queries(app, browser, "/dashboard"))

    assert many == few
