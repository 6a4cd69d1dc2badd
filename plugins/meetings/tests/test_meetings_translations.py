"""Every message of the plugin in the NTT+ partners' languages, and the e-mails written in each
recipient's own language."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from nttlearn_meetings.plugin import HERE
from nttlearn_meetings.services import MeetingDetails

LOCALES = ("it", "sv", "es", "fi")


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated_with_the_same_placeholders(locale):
    with (HERE / "translations" / "meetings.pot").open("rb") as fh:
        template = {m.id if isinstance(m.id, str) else tuple(m.id) for m in read_po(fh) if m.id}
    with (HERE / "translations" / locale / "LC_MESSAGES" / "meetings.po").open("rb") as fh:
        catalog = read_po(fh)

    translated = {
        m.id if isinstance(m.id, str) else tuple(m.id)
        for m in catalog
        if m.id and all(m.string if isinstance(m.string, tuple) else [m.string]) and not m.fuzzy
    }
    assert template - translated == set()
    assert [(m.id, errors) for m, errors in catalog.check()] == []


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("it", "L'incontro deve finire dopo l'inizio."),
        ("sv", "Mötet måste sluta efter att det börjat."),
        ("es", "El encuentro debe terminar después de empezar."),
        ("fi", "Tapaamisen on päätyttävä alkamisen jälkeen."),
    ],
)
def test_a_refusal_speaks_the_readers_language(app, compiled_translations, locale, expected):
    from datetime import UTC, datetime

    details = MeetingDetails(
        title="X",
        kind="seminar",
        town="Oulu",
        country="FI",
        time_zone="Europe/Helsinki",
        starts_at=datetime(2030, 1, 2, tzinfo=UTC),
        ends_at=datetime(2030, 1, 1, tzinfo=UTC),
    )
    with app.test_request_context(), force_locale(locale):
        assert [str(problem) for problem in details.problems()] == [expected]
