"""The meetings page: who sees it, who may add a meeting, and what a bad form shows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from nttlearn import db
from nttlearn_example_partner import services
from nttlearn_example_partner.models import PartneringMeeting


def _meetings():
    return db.session.execute(db.select(PartneringMeeting)).scalars().all()


def _form(**overrides):
    starts = services.today() + timedelta(days=30)
    data = {
        "title": "Partnering meeting on youth and development",
        "town": "Luleå",
        "country": "SE",
        "starts_on": starts.isoformat(),
        "ends_on": (starts + timedelta(days=1)).isoformat(),
        "description": "Bring a first idea for a network proposal.",
    }
    data.update(overrides)
    return data


def test_learner_sees_upcoming_and_past_meetings(make_user, make_meeting, client_for):
    make_meeting(
        town="Helsinki", country="FI", title="Partnering meeting on integration and employment"
    )
    make_meeting(town="Bologna", starts_on=date(2010, 3, 4), title="NTT+ transnational meeting")
    browser = client_for(make_user())

    page = browser.get("/example_partner/").get_data(as_text=True)

    upcoming, past = page.split("Past meetings")
    assert "Partnering meeting on integration and employment" in upcoming
    assert "Helsinki (Finland)" in upcoming
    assert "NTT+ transnational meeting" in past
    assert "Mar 4" in past and "2010" in past
    assert "Add a meeting" not in page  # the form is for trainers


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/example_partner/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_trainer_adds_a_meeting_that_everyone_then_sees(make_user, client_for):
    trainer = make_user(role="trainer")
    browser = client_for(trainer)

    response = browser.post("/example_partner/meetings", data=_form())

    assert response.status_code == 302
    [meeting] = _meetings()
    assert (meeting.town, meeting.country, meeting.created_by_id) == ("Luleå", "SE", trainer.id)
    page = client_for(make_user()).get("/example_partner/").get_data(as_text=True)
    assert "Partnering meeting on youth and development" in page
    assert "Bring a first idea for a network proposal." in page


def test_learner_may_not_add_a_meeting(make_user, client_for):
    browser = client_for(make_user(role="learner"))

    response = browser.post("/example_partner/meetings", data=_form())

    assert response.status_code == 403
    assert _meetings() == []


def test_meeting_ending_before_it_starts_is_refused_with_a_message(make_user, client_for):
    browser = client_for(make_user(role="trainer"))
    starts = services.today() + timedelta(days=30)

    response = browser.post(
        "/example_partner/meetings",
        data=_form(starts_on=starts.isoformat(), ends_on=(starts - timedelta(days=1)).isoformat()),
    )

    assert response.status_code == 400
    assert "The last day cannot be before the first day." in response.get_data(as_text=True)
    assert _meetings() == []


def test_missing_fields_are_shown_not_a_server_error(make_user, client_for):
    browser = client_for(make_user(role="trainer"))

    response = browser.post(
        "/example_partner/meetings", data=_form(title="", country="XX", starts_on="soon")
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please correct the fields marked below." in page
    assert page.count('class="error"') >= 3


def test_second_meeting_in_the_same_town_on_the_same_day_is_refused(make_user, client_for):
    browser = client_for(make_user(role="trainer"))
    browser.post("/example_partner/meetings", data=_form())

    response = browser.post("/example_partner/meetings", data=_form(title="Another one"))

    assert response.status_code == 400
    assert "Luleå already has a meeting starting on this day." in response.get_data(as_text=True)
    assert len(_meetings()) == 1


def test_disabled_plugin_page_answers_not_found(make_user, client_for, app):
    app.extensions["nttlearn"].set_enabled("example_partner", False)
    db.session.commit()

    response = client_for(make_user()).get("/example_partner/")

    assert response.status_code == 404


def test_page_speaks_swedish_to_a_swedish_official(
    make_user, make_meeting, client_for, compiled_translations
):
    make_meeting(town="Luleå", country="SE", starts_on=date(2031, 3, 11), days=2)

    page = client_for(make_user(locale="sv")).get("/example_partner/").get_data(as_text=True)

    assert "<h1>Vänortsmöten</h1>" in page
    assert "Kommande möten" in page
    assert "11–12 mars 2031" in page


@pytest.mark.parametrize(
    ("locale", "heading", "upcoming"),
    [
        ("it", "Incontri di gemellaggio", "Prossimi incontri"),
        ("es", "Encuentros de hermanamiento", "Próximos encuentros"),
        ("fi", "Ystävyyskaupunkitapaamiset", "Tulevat tapaamiset"),
    ],
)
def test_page_speaks_the_officials_language(
    make_user, make_meeting, client_for, compiled_translations, locale, heading, upcoming
):
    make_meeting(town="Bologna", country="IT", starts_on=date(2031, 3, 11), days=2)

    page = client_for(make_user(locale=locale)).get("/example_partner/").get_data(as_text=True)

    assert f"<h1>{heading}</h1>" in page
    assert upcoming in page
