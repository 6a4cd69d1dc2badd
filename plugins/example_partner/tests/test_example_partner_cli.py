"""``nttlearn example_partner demo`` adds NTT+'s four meetings, once."""

from __future__ import annotations

import json

from nttlearn import db
from nttlearn.cli import main
from nttlearn_example_partner.models import PartneringMeeting


def _towns() -> list[str]:
    db.session.expire_all()
    return (
        db.session.execute(db.select(PartneringMeeting.town).order_by(PartneringMeeting.starts_on))
        .scalars()
        .all()
    )


def test_demo_command_adds_the_four_ntt_plus_meetings(app):
    result = app.test_cli_runner().invoke(main, ["example_partner", "demo"])

    assert result.exit_code == 0, result.output
    assert "Added 4 NTT+ meetings (0 were already there)." in result.output
    assert _towns() == ["Bologna", "Luleå", "La Coruña", "Helsinki"]


def test_demo_command_run_twice_adds_nothing_the_second_time(app):
    runner = app.test_cli_runner()
    runner.invoke(main, ["example_partner", "demo"])

    result = runner.invoke(main, ["example_partner", "demo", "--json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"added": 0, "existing": 4}
    assert len(_towns()) == 4


def test_command_group_is_listed_in_nttlearn_help(app):
    result = app.test_cli_runner().invoke(main, ["--help"])

    assert "example_partner" in result.output
