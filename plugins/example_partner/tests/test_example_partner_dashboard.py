"""The dashboard slot announces the next meeting; its horizon is the plugin's one setting."""

from __future__ import annotations

from datetime import timedelta

from nttlearn import db
from nttlearn_example_partner import services


def test_dashboard_announces_the_next_meeting(make_user, make_meeting, client_for):
    make_meeting(
        town="La Coruña",
        country="ES",
        title="Partnering meeting on social enterprises",
        starts_on=services.today() + timedelta(days=20),
    )
    make_meeting(town="Helsinki", country="FI", starts_on=services.today() + timedelta(days=40))

    page = client_for(make_user()).get("/dashboard").get_data(as_text=True)

    assert "Next partnering meeting: Partnering meeting on social enterprises in La Coruña" in page
    assert "Helsinki" not in page
    assert 'href="/example_partner/"' in page


def test_meeting_beyond_the_configured_days_is_not_announced(
    make_user, make_meeting, client_for, monkeypatch
):
    monkeypatch.setenv("NTTLEARN_EXAMPLE_PARTNER_DASHBOARD_DAYS", "7")
    make_meeting(town="Bologna", starts_on=services.today() + timedelta(days=30))

    page = client_for(make_user()).get("/dashboard").get_data(as_text=True)

    assert "Next partnering meeting" not in page
    assert "No partnering meeting in the next 7 days." in page


def test_meeting_in_progress_is_still_the_next_one(make_user, make_meeting, client_for):
    make_meeting(town="Luleå", country="SE", starts_on=services.today() - timedelta(days=1), days=3)

    page = client_for(make_user()).get("/dashboard").get_data(as_text=True)

    assert "Next partnering meeting: Partnering meeting on renewable energy in Luleå" in page


def test_trainer_gets_a_link_to_add_a_meeting_but_a_learner_does_not(make_user, client_for):
    trainer_page = client_for(make_user(role="trainer")).get("/dashboard").get_data(as_text=True)
    learner_page = client_for(make_user()).get("/dashboard").get_data(as_text=True)

    assert 'href="/example_partner/#add-heading"' in trainer_page
    assert "#add-heading" not in learner_page


def test_disabled_plugin_leaves_the_dashboard_alone(make_user, make_meeting, client_for, app):
    make_meeting(starts_on=services.today() + timedelta(days=3))
    app.extensions["nttlearn"].set_enabled("example_partner", False)
    db.session.commit()

    page = client_for(make_user()).get("/dashboard").get_data(as_text=True)

    assert "Town-twinning meetings" not in page


def test_admin_sees_the_setting_and_its_value_on_the_plugins_page(
    make_user, client_for, monkeypatch
):
    monkeypatch.setenv("NTTLEARN_EXAMPLE_PARTNER_DASHBOARD_DAYS", "30")

    page = client_for(make_user(role="admin")).get("/admin/plugins").get_data(as_text=True)

    assert "Days ahead shown on the dashboard" in page
    assert "NTTLEARN_EXAMPLE_PARTNER_DASHBOARD_DAYS" in page
    assert "<dd>30</dd>" in page
