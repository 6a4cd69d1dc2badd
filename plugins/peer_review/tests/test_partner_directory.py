"""The partner directory: opt-in entries seen only by people who share a course with their owner,
search and suggestions, inviting from it to a proposal team, opting out and the GDPR export."""

from __future__ import annotations

import pytest
from peer_review_helpers import form_team, go_to, submitted_team

from nttlearn import db
from nttlearn.models import Enrolment
from nttlearn.testing import count_queries
from nttlearn_peer_review import directory, privacy
from nttlearn_peer_review.models import DirectoryEntry, Invitation

ENTRY = {
    "town": "Luleå",
    "country": "se",
    "organisation": "Luleå kommun",
    "policy_areas": ["youth", "renewable-energy"],
    "languages": ["sv", "en"],
    "looking_for": "Partners for a youth exchange on renewable energy.",
}


def opt_in(user, **changes):
    entry = directory.save_entry(user.id, **{**ENTRY, **changes})
    db.session.commit()
    return entry


@pytest.fixture
def cap(make_capstone):
    cap = make_capstone(min_countries=2)
    go_to(cap, "submission")
    return cap


def test_nobody_is_in_the_directory_until_they_opt_in(cap, client_for):
    giulia, asa = cap.officials[0], cap.officials[2]

    page = client_for(giulia).get("/peer-review/directory").get_data(as_text=True)

    assert "Nobody who shares a course with you is in the directory yet." in page
    assert "Åsa Lindqvist" not in page
    assert directory.search(giulia.id) == [] and directory.entry_of(asa.id) is None


def test_an_entry_is_seen_by_colleagues_of_a_shared_course(cap, client_for):
    giulia, asa = cap.officials[0], cap.officials[2]
    browser = client_for(asa)

    saved = browser.post(
        "/peer-review/directory/me",
        data={
            "town": "Luleå",
            "country": "se",
            "organisation": "Luleå kommun",
            "policy_areas": ["youth", "renewable-energy"],
            "languages": ["sv", "en"],
            "looking_for": "Partners for a youth exchange.",
        },
    )
    page = client_for(giulia).get("/peer-review/directory").get_data(as_text=True)

    assert saved.status_code == 302
    entry = db.session.execute(db.select(DirectoryEntry)).scalar_one()
    assert (entry.user_id, entry.country, entry.policy_areas, entry.languages) == (
        asa.id,
        "SE",
        ",youth,renewable-energy,",
        ",sv,en,",
    )
    assert (
        "Åsa Lindqvist" in page
        and "Luleå kommun" in page
        and "Partners for a youth exchange." in page
    )


def test_people_who_share_no_course_cannot_see_an_entry_nor_invite_from_it(
    cap, make_user, make_course, client_for
):
    asa = cap.officials[2]
    opt_in(asa)
    outsider = make_user(name="Olli Outsider", org="Tampereen kaupunki", country="FI")
    other_course = make_course(modules=1, lessons=1)
    db.session.add(Enrolment(user_id=outsider.id, course_id=other_course.id))
    db.session.commit()
    browser = client_for(outsider)

    page = browser.get("/peer-review/directory?q=Lule").get_data(as_text=True)
    invite = browser.post(
        f"/peer-review/directory/invite/{asa.id}", data={"activity_id": str(cap.activity.id)}
    )

    assert "Åsa Lindqvist" not in page and "Luleå kommun" not in page
    assert directory.search(outsider.id) == []
    assert not directory.visible_entry(outsider.id, asa.id)
    assert invite.status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(cap, app):
    opt_in(cap.officials[2])

    response = app.test_client().get("/peer-review/directory")

    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_removing_the_entry_deletes_it(cap, client_for):
    asa = cap.officials[2]
    opt_in(asa)
    browser = client_for(asa)

    response = browser.post("/peer-review/directory/me/remove", follow_redirects=True)

    assert "Your entry has been removed from the partner directory." in response.get_data(
        as_text=True
    )
    assert db.session.execute(db.select(db.func.count()).select_from(DirectoryEntry)).scalar() == 0
    assert directory.search(cap.officials[0].id) == []


def test_a_bad_entry_is_shown_again_with_the_reasons(cap, client_for):
    browser = client_for(cap.officials[2])

    response = browser.post(
        "/peer-review/directory/me",
        data={"town": "Luleå", "country": "Sweden", "organisation": "", "languages": ["sv"]},
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please correct the fields marked below." in page
    assert 'value="Luleå"' in page
    assert db.session.execute(db.select(DirectoryEntry)).first() is None


def test_the_service_refuses_an_unknown_policy_area_and_a_bad_country(cap):
    asa = cap.officials[2]

    with pytest.raises(directory.DirectoryError, match="two-letter code"):
        directory.save_entry(asa.id, **{**ENTRY, "country": "S1"})
    with pytest.raises(directory.DirectoryError, match="policy area"):
        directory.save_entry(asa.id, **{**ENTRY, "policy_areas": ["tourism"]})
    with pytest.raises(directory.DirectoryError, match="language"):
        directory.save_entry(asa.id, **{**ENTRY, "languages": ["xx"]})


def test_search_filters_by_policy_area_country_language_and_words(cap):
    giulia, marco, asa, erik, lucia = cap.officials[:5]
    opt_in(asa)
    opt_in(
        erik,
        town="Umeå",
        organisation="Umeå kommun",
        policy_areas=["social-enterprise"],
        languages=["sv"],
    )
    opt_in(
        lucia,
        town="A Coruña",
        country="ES",
        organisation="Concello da Coruña",
        policy_areas=["youth"],
        languages=["es", "en"],
        looking_for="",
    )
    opt_in(
        marco,
        town="Ferrara",
        country="IT",
        organisation="Comune di Ferrara",
        policy_areas=["family-gender"],
        languages=["it"],
        looking_for="Family centres",
    )

    def names(**filters):  # the order of names depends on the database's collation
        return {p.name for p in directory.search(giulia.id, **filters)}

    assert names(policy_area="youth") == {"Lucía Fernández", "Åsa Lindqvist"}
    assert names(country="se") == {"Erik Nilsson", "Åsa Lindqvist"}
    assert names(language="en") == {"Lucía Fernández", "Åsa Lindqvist"}
    assert names(policy_area="youth", country="ES", language="es") == {"Lucía Fernández"}
    assert names(text="family") == {"Marco Bianchi"}
    assert names(text="100%") == set()


def test_suggested_partners_come_from_other_countries_most_shared_interests_first(cap):
    giulia, marco, asa, erik, lucia, xoan = cap.officials[:6]
    opt_in(
        giulia,
        town="Bologna",
        country="IT",
        organisation="Comune di Bologna",
        policy_areas=["youth", "renewable-energy"],
        languages=["it", "en"],
    )
    opt_in(
        marco, town="Ferrara", country="IT", organisation="Comune di Ferrara"
    )  # same country: never
    opt_in(asa)  # shares both interests
    opt_in(
        lucia,
        town="A Coruña",
        country="ES",
        organisation="Concello da Coruña",
        policy_areas=["youth"],
        languages=["es", "en"],
    )  # one interest, a shared language
    opt_in(
        xoan,
        town="Vigo",
        country="ES",
        organisation="Concello de Vigo",
        policy_areas=["youth"],
        languages=["es"],
    )  # one interest, no shared language
    opt_in(
        erik, town="Umeå", organisation="Umeå kommun", policy_areas=["social-enterprise"]
    )  # nothing shared

    suggestions = directory.suggested(giulia.id, directory.search(giulia.id))

    assert [p.name for p in suggestions] == ["Åsa Lindqvist", "Lucía Fernández", "Xoán Rodríguez"]


def test_without_interests_of_ones_own_there_are_no_suggestions(cap):
    opt_in(cap.officials[2])

    assert directory.suggested(cap.officials[0].id, directory.search(cap.officials[0].id)) == []


def test_a_learner_invites_someone_found_in_the_directory_to_their_team(cap, client_for):
    giulia, asa = cap.officials[0], cap.officials[2]
    team = form_team(cap, [giulia], name="Bologna youth")
    opt_in(asa)
    browser = client_for(giulia)

    page = browser.get("/peer-review/directory").get_data(as_text=True)
    response = browser.post(
        f"/peer-review/directory/invite/{asa.id}",
        data={"activity_id": str(cap.activity.id)},
        follow_redirects=True,
    )
    again = browser.post(
        f"/peer-review/directory/invite/{asa.id}",
        data={"activity_id": str(cap.activity.id)},
        follow_redirects=True,
    )

    assert "Invite to my team “Bologna youth”" in page
    assert "Invitation sent to Åsa Lindqvist for the team “Bologna youth”." in response.get_data(
        as_text=True
    )
    assert "Åsa Lindqvist has already been invited." in again.get_data(as_text=True)
    invitation = db.session.execute(db.select(Invitation)).scalar_one()
    assert (invitation.team_id, invitation.invitee_id, invitation.status) == (
        team.id,
        asa.id,
        "pending",
    )


def test_a_team_that_has_submitted_is_not_offered_for_invitations(cap, client_for):
    giulia, asa, lucia = cap.officials[0], cap.officials[2], cap.officials[4]
    submitted_team(cap, [giulia, lucia])
    opt_in(asa)

    page = client_for(giulia).get("/peer-review/directory").get_data(as_text=True)

    assert "Åsa Lindqvist" in page and "Invite to my team" not in page


def test_the_activity_page_offers_the_directory_to_find_partners(cap, client_for):
    giulia = cap.officials[0]
    form_team(cap, [giulia])

    page = client_for(giulia).get(f"/peer-review/{cap.activity.id}").get_data(as_text=True)

    assert "Find partners in the directory" in page and "/peer-review/directory" in page


def test_the_gdpr_export_has_the_entry_and_deleting_the_account_removes_it(cap):
    asa = cap.officials[2]
    opt_in(asa)

    exported = privacy.user_data(asa.id)
    privacy.delete_user_data(asa.id)
    db.session.commit()

    assert exported["partner_directory"]["town"] == "Luleå"
    assert exported["partner_directory"]["policy_areas"] == ["youth", "renewable-energy"]
    assert directory.entry_of(asa.id) is None


def test_the_directory_page_runs_the_same_number_of_queries_for_10_and_100_entries(
    app, make_capstone, make_user, client_for
):
    cap = make_capstone(min_countries=2)
    go_to(cap, "submission")
    giulia = cap.officials[0]
    form_team(cap, [giulia])
    opt_in(giulia, town="Bologna", country="IT", organisation="Comune di Bologna")
    browser = client_for(giulia)

    def queries_with(total: int) -> int:
        present = db.session.execute(
            db.select(db.func.count()).select_from(DirectoryEntry)
        ).scalar()
        for n in range(present, total):
            user = make_user(
                name=f"Official {n:03d}", org=f"Town {n}", country=("SE", "ES", "FI")[n % 3]
            )
            db.session.add(Enrolment(user_id=user.id, course_id=cap.course.id))
            db.session.flush()
            directory.save_entry(
                user.id,
                **{
                    **ENTRY,
                    "country": ("SE", "ES", "FI")[n % 3],
                    "town": f"Town {n}",
                    "organisation": f"Town {n}",
                },
            )
        db.session.commit()
        with count_queries(app) as queries:
            page = browser.get("/peer-review/directory?area=youth")
        assert page.status_code == 200 and f"Official {total - 1:03d}" in page.get_data(
            as_text=True
        )
        return len(queries)

    assert queries_with(10) == queries_with(100)
