"""The meetings' pages name the host country and write the meeting's days as the reader's
language does (the core's format filters), not as two-letter codes and ISO dates."""

from __future__ import annotations

from datetime import datetime

import pytest

from nttlearn.extensions import db


@pytest.mark.parametrize(
    ("locale", "country", "day"),
    [
        ("it", "Helsinki (Finlandia)", "10 mag 2030"),
        ("sv", "Helsinki (Finland)", "10 maj 2030"),
    ],
)
def test_the_meeting_and_its_participants_page_name_the_country_and_write_the_day_in_the_readers_language(
    make_user, make_meeting, client_for, locale, country, day
):
    admin = make_user(role="admin", locale=locale)
    meeting = make_meeting(start=datetime(2030, 5, 10, 9, 0), zone="Europe/Helsinki", country="FI")
    db.session.commit()
    browser = client_for(admin)

    detail = browser.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    participants = browser.get(f"/meetings/{meeting.id}/participants").get_data(as_text=True)

    assert country in detail and "(FI)" not in detail
    assert f"{day} (PDF)" in participants  # the day's attendance sheet
