"""Teams and writing together: learners form teams by invitation, the countries rule at
submission, co-authors saving the same section at once (two browsers), the history of a
section, and the exports."""

from __future__ import annotations

import io
import re

import pytest
from peer_review_helpers import form_team, go_to, write_everything
from pypdf import PdfReader

from nttlearn import db
from nttlearn.mail import outbox
from nttlearn_peer_review.models import Invitation, Section, SectionVersion, Submission, TeamMember


def section_row(team_id: int, key: str) -> Section:
    db.session.expire_all()
    return db.session.execute(db.select(Section).filter_by(team_id=team_id, key=key)).scalar_one()


# -- teams ----------------------------------------------------------------------------------------
def test_learners_form_a_team_by_inviting_a_colleague_of_the_course_by_email(
    make_capstone, client_for
):
    cap = make_capstone()
    giulia, asa = cap.officials[0], cap.officials[2]
    founder = client_for(giulia)

    assert (
        founder.post(
            f"/peer-review/{cap.activity.id}/team", data={"name": "Emilia–Norrbotten"}
        ).status_code
        == 302
    )
    invited = founder.post(
        f"/peer-review/{cap.activity.id}/team/invite",
        data={"email": asa.email.upper()},
        follow_redirects=True,
    )
    assert "Invitation sent." in invited.get_data(as_text=True)
    mail = [m for m in outbox() if m["To"] == asa.email]
    assert mail and "Emilia–Norrbotten" in mail[0].get_content()

    guest = client_for(asa)
    page = guest.get(f"/peer-review/{cap.activity.id}").get_data(as_text=True)
    assert "Giulia Rossi invites you to join the team" in page
    invitation = db.session.execute(db.select(Invitation)).scalar_one()
    joined = guest.post(
        f"/peer-review/invitations/{invitation.id}",
        data={"answer": "accept"},
        follow_redirects=True,
    )

    assert "You have joined the team" in joined.get_data(as_text=True)
    assert set(db.session.execute(db.select(TeamMember.user_id)).scalars()) == {giulia.id, asa.id}


def test_only_learners_of_the_course_can_be_invited(make_capstone, make_user, client_for):
    cap = make_capstone()
    outsider = make_user(name="Someone Else")
    founder = client_for(cap.officials[0])
    founder.post(f"/peer-review/{cap.activity.id}/team", data={"name": "Ours"})

    response = founder.post(
        f"/peer-review/{cap.activity.id}/team/invite",
        data={"email": outsider.email},
        follow_redirects=True,
    )

    assert "Nobody enrolled in this course has the e-mail address" in response.get_data(
        as_text=True
    )
    assert db.session.execute(db.select(Invitation)).first() is None


def test_a_learner_is_in_one_team_at_most(make_capstone, client_for):
    cap = make_capstone()
    giulia, asa = cap.officials[0], cap.officials[2]
    client_for(asa).post(f"/peer-review/{cap.activity.id}/team", data={"name": "Asa's team"})
    founder = client_for(giulia)
    founder.post(f"/peer-review/{cap.activity.id}/team", data={"name": "Giulia's team"})

    again = founder.post(
        f"/peer-review/{cap.activity.id}/team", data={"name": "Another"}, follow_redirects=True
    )
    invite = founder.post(
        f"/peer-review/{cap.activity.id}/team/invite",
        data={"email": asa.email},
        follow_redirects=True,
    )

    assert "You are already in a team." in again.get_data(as_text=True)
    assert "Åsa Lindqvist is already in a team." in invite.get_data(as_text=True)


def test_when_the_trainer_forms_teams_learners_cannot(make_capstone, client_for):
    cap = make_capstone(teams="trainer")

    response = client_for(cap.officials[0]).post(
        f"/peer-review/{cap.activity.id}/team", data={"name": "Mine"}, follow_redirects=True
    )

    assert "Your trainer forms the teams for this activity." in response.get_data(as_text=True)


def test_a_team_from_too_few_countries_cannot_submit(make_capstone, client_for):
    cap = make_capstone(min_countries=2)
    giulia, marco = cap.officials[0], cap.officials[1]
    go_to(cap, "submission")
    team = form_team(cap, [giulia, marco])
    write_everything(cap, team, giulia)

    response = client_for(giulia).post(
        f"/peer-review/{cap.activity.id}/submit", data={"kind": "original"}, follow_redirects=True
    )

    assert "The team needs members from at least 2 countries (now: IT)." in response.get_data(
        as_text=True
    )
    assert db.session.execute(db.select(Submission)).first() is None


def test_a_section_over_its_word_limit_or_empty_blocks_submission(make_capstone, client_for):
    cap = make_capstone()
    giulia = cap.officials[0]
    go_to(cap, "submission")
    team = form_team(cap, [giulia])
    write_everything(cap, team, giulia, words="word " * 120)

    page = client_for(giulia).get(f"/peer-review/{cap.activity.id}").get_data(as_text=True)

    assert "“Title and policy area” has 121 words; the limit is 100." in page
    assert "Submit the proposal" not in page


# -- writing at the same time ---------------------------------------------------------------------
def test_the_second_co_author_to_save_sees_both_texts_and_nothing_is_overwritten(
    make_capstone, client_for
):
    cap = make_capstone()
    giulia, asa = cap.officials[0], cap.officials[2]
    team = form_team(cap, [giulia, asa])
    first, second = client_for(giulia), client_for(asa)
    url = f"/peer-review/{cap.activity.id}/proposal/context_needs"
    # Both open the editor on the same version.
    version = re.search(
        r'name="base_version" type="hidden" value="(\d+)"', first.get(url).get_data(as_text=True)
    ).group(1)
    assert f'value="{version}"' in second.get(url).get_data(as_text=True)

    saved = first.post(url, data={"text": "Giulia's needs analysis.", "base_version": version})
    clash = second.post(url, data={"text": "Åsa's needs analysis.", "base_version": version})

    assert saved.status_code == 302
    assert clash.status_code == 409
    page = clash.get_data(as_text=True)
    assert "Giulia&#39;s needs analysis." in page and "Åsa&#39;s needs analysis." in page
    assert "Giulia Rossi saved" in page
    row = section_row(team.id, "context_needs")
    assert (row.text, row.version) == ("Giulia's needs analysis.", 1)
    assert db.session.execute(db.select(db.func.count(SectionVersion.id))).scalar() == 1

    merged = second.post(
        url, data={"text": "Giulia's and Åsa's needs analysis.", "base_version": "1"}
    )

    assert merged.status_code == 302
    assert section_row(team.id, "context_needs").text == "Giulia's and Åsa's needs analysis."


@pytest.mark.parametrize("version", ["²", str(2**63), "-1"])
def test_a_save_with_a_malformed_version_is_a_bad_request_and_changes_nothing(
    make_capstone, client_for, version
):
    cap = make_capstone()
    giulia = cap.officials[0]
    team = form_team(cap, [giulia])
    author = client_for(giulia)

    section = author.post(
        f"/peer-review/{cap.activity.id}/proposal/context_needs",
        data={"text": "Tampered.", "base_version": version},
    )
    details = author.post(
        f"/peer-review/{cap.activity.id}/proposal/details",
        data={"title": "Tampered", "policy_area": "youth", "base_version": version},
    )

    assert (section.status_code, details.status_code) == (400, 400)
    assert section_row(team.id, "context_needs").text != "Tampered."


@pytest.mark.parametrize(("a", "b"), [("²", "0"), (str(2**63), "0"), ("0", "x")])
def test_comparing_section_versions_by_malformed_numbers_is_a_bad_request(
    make_capstone, client_for, a, b
):
    cap = make_capstone()
    giulia = cap.officials[0]
    form_team(cap, [giulia])

    response = client_for(giulia).get(
        f"/peer-review/{cap.activity.id}/proposal/context_needs/history?a={a}&b={b}"
    )

    assert response.status_code == 400


def test_the_title_and_policy_area_are_also_saved_with_a_version_check(make_capstone, client_for):
    cap = make_capstone()
    giulia, asa = cap.officials[0], cap.officials[2]
    team = form_team(cap, [giulia, asa])
    url = f"/peer-review/{cap.activity.id}/proposal/details"

    client_for(giulia).post(
        url, data={"title": "Young Voices", "policy_area": "youth", "base_version": "0"}
    )
    clash = client_for(asa).post(
        url,
        data={"title": "Voices of Youth", "policy_area": "youth", "base_version": "0"},
        follow_redirects=True,
    )

    assert "A co-author changed the title or policy area meanwhile" in clash.get_data(as_text=True)
    db.session.refresh(team)
    assert team.title == "Young Voices"


def test_the_history_lists_every_version_and_compares_two(make_capstone, client_for):
    cap = make_capstone()
    giulia, asa = cap.officials[0], cap.officials[2]
    form_team(cap, [giulia, asa])
    url = f"/peer-review/{cap.activity.id}/proposal/objectives"
    client_for(giulia).post(url, data={"text": "Meet in Bologna in March.", "base_version": "0"})
    client_for(asa).post(
        url, data={"text": "Meet in Luleå and Bologna in May.", "base_version": "1"}
    )

    history = client_for(giulia).get(f"{url}/history?a=1&b=2")
    page = history.get_data(as_text=True)

    assert history.status_code == 200
    assert "Giulia Rossi" in page and "Åsa Lindqvist" in page
    assert "<ins> Luleå and</ins>" in page and "<del>March.</del><ins>May.</ins>" in page
    assert client_for(giulia).get(f"{url}/history?a=1&b=9").status_code == 404


# -- exports --------------------------------------------------------------------------------------
def test_the_draft_exports_as_markdown_and_as_a_pdf_with_every_section(make_capstone, client_for):
    cap = make_capstone()
    giulia = cap.officials[0]
    team = form_team(cap, [giulia])
    write_everything(cap, team, giulia, words="Luleå, A Coruña and Jyväskylä — 48 000 €.")
    browser = client_for(giulia)

    markdown = browser.get(f"/peer-review/{cap.activity.id}/proposal/export.md")
    pdf = browser.get(f"/peer-review/{cap.activity.id}/proposal/export.pdf")

    text = markdown.get_data(as_text=True)
    assert markdown.mimetype == "text/markdown"
    assert text.startswith("# Young Voices\n")
    assert "## Budget summary\n\nbudget: Luleå, A Coruña and Jyväskylä — 48 000 €." in text
    reader = PdfReader(io.BytesIO(pdf.data))
    extracted = " ".join(page.extract_text() for page in reader.pages)
    assert pdf.mimetype == "application/pdf"
    assert "Monitoring and evaluation plan" in extracted and "Jyväskylä" in extracted
    assert reader.metadata["/Title"] == "Young Voices"
    assert browser.get(f"/peer-review/{cap.activity.id}/proposal/export.docx").status_code == 404


def test_a_learner_without_a_team_has_no_proposal_to_open(make_capstone, client_for):
    cap = make_capstone()

    assert (
        client_for(cap.officials[0]).get(f"/peer-review/{cap.activity.id}/proposal").status_code
        == 404
    )
    assert (
        client_for(cap.officials[0])
        .get(f"/peer-review/{cap.activity.id}/proposal/nope")
        .status_code
        == 404
    )


def test_forms_carry_their_csrf_token_when_csrf_is_on(app_factory, make_capstone):
    """As in production: each request of the protected app runs in an app context of its own."""
    cap = make_capstone()
    protected = app_factory({"WTF_CSRF_ENABLED": True}, plugins=["peer_review"])
    browser = protected.test_client()

    def token(url: str) -> str:
        page = browser.get(url).get_data(as_text=True)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    assert (
        browser.post(
            "/login",
            data={
                "email": cap.officials[0].email,
                "csrf_token": token("/login"),
                "password": "correct-horse-battery-staple",
            },
        ).status_code
        == 302
    )
    form_token = token(f"/peer-review/{cap.activity.id}")
    without = browser.post(f"/peer-review/{cap.activity.id}/team", data={"name": "No token"})
    created = browser.post(
        f"/peer-review/{cap.activity.id}/team",
        data={"name": "With token", "csrf_token": form_token},
    )

    assert without.status_code == 400
    assert created.status_code == 302
    assert db.session.execute(db.select(TeamMember.user_id)).scalar_one() == cap.officials[0].id
