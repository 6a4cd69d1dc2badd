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


def test_the_meetings_list_and_the_dashboard_do_not_grow_with_the_meetings(
    app, make_user, make_meeting, client_for
):
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


def test_the_dashboard_reads_the_person_s_registrations_once(
    app, make_user, make_meeting, client_for
):
    """Issue 17: the to-do list and the dashboard's meetings card both need the person's
    registrations; the card finds the to-do list's in the request cache, and shows the same."""
    learner = make_user()
    browser = client_for(learner)
    registered, other = (
        make_meeting(title="Seminar in Luleå"),
        make_meeting(title="Seminar in Bologna"),
    )
    services.register(registered.id, learner)
    db.session.commit()

    with count_queries(app) as statements:
        page = browser.get("/dashboard")

    assert page.status_code == 200
    reads = [
        s
        for s in statements
        if s.lstrip().upper().startswith("SELECT") and "FROM meetings_registrations" in s
    ]
    assert len(reads) == 1, reads
    card = page.get_data(as_text=True)
    assert card.count("You are registered") == 1 and card.count("Cancel my registration<") == 1
    assert (
        f"/meetings/{other.id}/register" in card
        and f"/meetings/{registered.id}/register" not in card
    )
