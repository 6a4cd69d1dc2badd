"""A trainer's meetings appear in their data export; deleting the account forgets who added them."""

from __future__ import annotations

import json
from datetime import date

from nttlearn import db
from nttlearn.testing import TEST_PASSWORD
from nttlearn_example_partner import services
from nttlearn_example_partner.models import PartneringMeeting


def _add(trainer) -> PartneringMeeting:
    meeting = services.add_meeting(
        title="Partnering meeting on renewable energy",
        town="Luleå",
        country="SE",
        starts_on=date(2031, 3, 11),
        ends_on=date(2031, 3, 12),
        created_by_id=trainer.id,
    )
    db.session.commit()
    return meeting


def test_data_export_lists_the_meetings_a_trainer_added(make_user, client_for):
    trainer = make_user(role="trainer")
    _add(trainer)

    export = json.loads(client_for(trainer).get("/account/export.json").get_data(as_text=True))

    assert export["plugins"]["example_partner"] == {
        "meetings_added": [
            {
                "title": "Partnering meeting on renewable energy",
                "town": "Luleå",
                "country": "SE",
                "starts_on": "2031-03-11",
                "ends_on": "2031-03-12",
                "added_at": export["plugins"]["example_partner"]["meetings_added"][0]["added_at"],
            }
        ]
    }


def test_export_of_someone_who_added_nothing_has_no_section(make_user, client_for):
    export = json.loads(client_for(make_user()).get("/account/export.json").get_data(as_text=True))

    assert "example_partner" not in export["plugins"]


def test_deleted_account_leaves_the_meeting_without_its_author(make_user, client_for):
    trainer = make_user(role="trainer")
    meeting_id = _add(trainer).id

    response = client_for(trainer).post(
        "/account/delete", data={"password": TEST_PASSWORD, "confirm": "y"}
    )

    assert response.status_code == 302
    db.session.expire_all()
    meeting = db.session.get(PartneringMeeting, meeting_id)
    assert meeting is not None and meeting.created_by_id is None
