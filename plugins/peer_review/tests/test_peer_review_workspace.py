"""The learners' and trainers' pages as people use them: the proposal workspace (every section
on one page, word limits refused with the text kept, the deadline in the learner's time zone),
the review page (errors beside the criterion, what remains before submitting) and the trainer's
phase switch (confirmed on a page that lists who it leaves out) and team picker."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from peer_review_helpers import form_team, go_to, submitted_team

from nttlearn import db
from nttlearn_peer_review.models import Allocation, ProposalSettings, Section, Team, TeamMember
from nttlearn_peer_review.services import template_of

SECTION_KEYS = (
    "title_policy_area",
    "context_needs",
    "objectives",
    "partners",
    "work_plan",
    "budget",
    "impact",
    "dissemination",
    "monitoring_evaluation",
)


def section_text(team_id: int, key: str) -> tuple[str, int]:
    db.session.expire_all()
    row = db.session.execute(db.select(Section).filter_by(team_id=team_id, key=key)).scalar_one()
    return row.text, row.version


# -- the proposal workspace -----------------------------------------------------------------------
def test_the_workspace_has_an_editor_for_every_section_and_one_title_and_policy_area(
    make_capstone, client_for
):
    cap = make_capstone()
    giulia = cap.officials[0]
    form_team(cap, [giulia])

    page = client_for(giulia).get(f"/peer-review/{cap.activity.id}/proposal").get_data(as_text=True)

    for key in SECTION_KEYS:
        assert f'id="text-{key}"' in page
        assert f'action="/peer-review/{cap.activity.id}/proposal/{key}"' in page
    assert len(re.findall(r"<h2[^>]*>[^<]*Title and policy area</h2>", page)) == 1
    assert 'id="title"' in page and 'id="policy_area"' in page  # the details form sits in section 1
    assert "0 of 100 words" in page  # counted by the server, without JavaScript


def test_a_section_over_its_word_limit_is_refused_and_the_text_is_kept(make_capstone, client_for):
    cap = make_capstone()
    giulia = cap.officials[0]
    team = form_team(cap, [giulia])
    too_long = "Bologna " * 101  # the limit of "Title and policy area" is 100 words

    response = client_for(giulia).post(
        f"/peer-review/{cap.activity.id}/proposal/title_policy_area",
        data={"text": too_long, "base_version": "0"},
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "“Title and policy area” has 101 words; the limit is 100." in page
    assert "nothing was saved" in page
    assert too_long.strip() in page  # back in its editor
    assert "101 of 100 words" in page and 'aria-invalid="true"' in page
    assert "” saved." not in page
    assert section_text(team.id, "title_policy_area") == ("", 0)


def test_a_saved_section_says_so_in_the_section_the_learner_was_editing(make_capstone, client_for):
    cap = make_capstone()
    giulia = cap.officials[0]
    team = form_team(cap, [giulia])
    browser = client_for(giulia)

    response = browser.post(
        f"/peer-review/{cap.activity.id}/proposal/objectives",
        data={"text": "Twelve towns exchange apprentices.", "base_version": "0"},
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/peer-review/{cap.activity.id}/proposal?saved=objectives#section-objectives"
    )
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    objectives = page[page.index('id="section-objectives"') : page.index('id="section-partners"')]
    assert "“Objectives” saved." in objectives
    assert section_text(team.id, "objectives") == ("Twelve towns exchange apprentices.", 1)


def test_a_save_over_a_newer_version_is_still_refused_with_both_texts(make_capstone, client_for):
    cap = make_capstone()
    giulia, asa = cap.officials[0], cap.officials[2]
    team = form_team(cap, [giulia, asa])
    url = f"/peer-review/{cap.activity.id}/proposal/budget"
    client_for(giulia).post(url, data={"text": "Giulia's budget.", "base_version": "0"})

    clash = client_for(asa).post(url, data={"text": "Åsa's budget.", "base_version": "0"})

    assert clash.status_code == 409
    assert "Giulia&#39;s budget." in clash.get_data(
        as_text=True
    ) and "Åsa&#39;s budget." in clash.get_data(as_text=True)
    assert section_text(team.id, "budget") == ("Giulia's budget.", 1)


def test_the_workspace_shows_the_deadline_in_the_learners_time_zone(make_capstone, client_for):
    cap = make_capstone()
    aino = cap.officials[6]
    aino.timezone = "Europe/Helsinki"
    db.session.get(ProposalSettings, cap.activity.id).submission_deadline = datetime(
        2030, 5, 31, 21, 30, tzinfo=UTC
    )
    db.session.commit()
    form_team(cap, [aino])

    page = client_for(aino).get(f"/peer-review/{cap.activity.id}/proposal").get_data(as_text=True)

    assert "Deadline to submit:" in page
    assert "June 1, 2030" in page and "12:30" in page  # 00:30 in Helsinki (UTC+3 in summer)


# -- the review page ------------------------------------------------------------------------------
def _allocation_for_review(cap):
    giulia, asa, lucia, aino = (
        cap.officials[0],
        cap.officials[2],
        cap.officials[4],
        cap.officials[6],
    )
    submitted_team(cap, [giulia, asa], "Bologna–Luleå")
    submitted_team(cap, [lucia, aino], "A Coruña–Helsinki")
    go_to(cap, "review")
    return db.session.execute(db.select(Allocation).order_by(Allocation.id)).scalars().first()


def test_submitting_an_incomplete_review_marks_each_missing_part_beside_its_criterion(
    make_capstone, client_for
):
    cap = make_capstone(min_countries=2, reviewers=1)
    allocation = _allocation_for_review(cap)
    reviewer = client_for(db.session.get(type(cap.trainer), allocation.reviewer_id))
    data = {
        "action": "submit",
        "strengths": "Clear need.",
        "suggestions": "",
        "comment_relevance": "Well argued.",
        "comment_design": "",
        "comment_partnership": "Fine.",
        "comment_impact": "Good.",
        "score_relevance": "2",
        "score_partnership": "2",
        "score_impact": "2",
    }

    response = reviewer.post(f"/peer-review/reviews/{allocation.id}", data=data)

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    design = page[page.index('id="criterion-design"') : page.index('id="criterion-partnership"')]
    assert "Choose a level for “Quality of the design and work plan”." in design
    assert "Write a comment on “Quality of the design and work plan”." in design
    assert 'id="score_design-error"' in design
    assert "Write your suggestions for improvement." in page
    assert "3 parts of the review are still missing:" in page
    assert "Well argued." in page  # what was written stays
    assert 'id="criterion-relevance"' in page and "Choose a level for “Relevance" not in page


def test_the_proposal_beside_the_rubric_is_a_keyboard_focusable_region(make_capstone, client_for):
    cap = make_capstone(min_countries=2, reviewers=1)
    allocation = _allocation_for_review(cap)
    reviewer = client_for(db.session.get(type(cap.trainer), allocation.reviewer_id))

    page = reviewer.get(f"/peer-review/reviews/{allocation.id}").get_data(as_text=True)

    region = re.search(r'<section class="pr-proposal"[^>]*>', page).group(0)
    assert 'tabindex="0"' in region and 'role="region"' in region and "aria-label=" in region
    assert "Before you submit" in page and "10 parts of the review are still missing:" in page


# -- the trainer's phase switch and team picker ---------------------------------------------------
def test_a_phase_switch_without_confirmation_shows_what_will_happen_first(
    make_capstone, client_for
):
    cap = make_capstone(min_countries=2)
    giulia, asa, lucia, aino = (
        cap.officials[0],
        cap.officials[2],
        cap.officials[4],
        cap.officials[6],
    )
    submitted_team(cap, [giulia, asa], "Bologna–Luleå")
    form_team(cap, [lucia, aino], "A Coruña–Helsinki")
    trainer = client_for(cap.trainer)

    unconfirmed = trainer.post(f"/peer-review/{cap.activity.id}/phase", data={"phase": "review"})

    assert unconfirmed.status_code == 302
    assert unconfirmed.headers["Location"].endswith(
        f"/peer-review/{cap.activity.id}/phase?phase=review"
    )
    db.session.expire_all()
    assert db.session.get(ProposalSettings, cap.activity.id).phase == "submission"
    assert db.session.execute(db.select(db.func.count(Allocation.id))).scalar() == 0
    page = trainer.get(unconfirmed.headers["Location"]).get_data(as_text=True)
    assert "Reviewers are allocated now to the 1 proposals submitted so far" in page
    assert "1 team has not submitted" in page and "A Coruña–Helsinki" in page
    assert "Bologna–Luleå" not in page

    confirmed = trainer.post(
        f"/peer-review/{cap.activity.id}/phase", data={"phase": "review", "confirmed": "yes"}
    )

    assert confirmed.status_code == 302
    db.session.expire_all()
    assert db.session.get(ProposalSettings, cap.activity.id).phase == "review"


def test_learners_cannot_open_the_phase_confirmation(make_capstone, client_for):
    cap = make_capstone()

    assert (
        client_for(cap.officials[0])
        .get(f"/peer-review/{cap.activity.id}/phase?phase=review")
        .status_code
        == 403
    )


def test_the_team_picker_is_a_filterable_checkbox_list_that_posts_as_a_form(
    make_capstone, client_for
):
    cap = make_capstone(teams="trainer")
    giulia, asa = cap.officials[0], cap.officials[2]
    trainer = client_for(cap.trainer)

    page = trainer.get(f"/peer-review/{cap.activity.id}/manage").get_data(as_text=True)

    assert "<select multiple" not in page and 'multiple id="members"' not in page
    assert page.count('name="members" type="checkbox"') == len(cap.officials)
    assert 'data-picker-filter list="member-names"' in page and "<datalist" in page
    assert '<details class="pr-menu">' not in page  # no team yet, so no row menu

    created = trainer.post(
        f"/peer-review/{cap.activity.id}/teams",
        data={"name": "Emilia–Norrbotten", "members": [str(giulia.id), str(asa.id)]},
    )

    assert created.status_code == 302
    team = db.session.execute(db.select(Team)).scalar_one()
    assert set(db.session.execute(db.select(TeamMember.user_id)).scalars()) == {giulia.id, asa.id}
    menu_page = trainer.get(f"/peer-review/{cap.activity.id}/manage").get_data(as_text=True)
    row_menu = menu_page[menu_page.index('<details class="pr-menu">') :]
    row_menu = row_menu[: row_menu.index("</details>")]
    assert f"/peer-review/teams/{team.id}/delete" in row_menu
    assert "Remove Giulia Rossi from the team" in row_menu
    assert template_of(cap.settings).sections  # the workspace's template is untouched
