"""Two requests at once never do twice what must happen once: allocating reviewers, submitting
a proposal, saving a section, closing the activity.

Each thread has its own app context, hence its own session and connection, on the test's
database (a file for SQLite, the test database on PostgreSQL), and commits as a request does.
"""

from __future__ import annotations

import pytest
from peer_review_helpers import form_team, go_to, submitted_team, write_everything

from nttlearn import db
from nttlearn.models import EventRecord
from nttlearn.testing import at_once, count_rows
from nttlearn_peer_review import writing
from nttlearn_peer_review.models import (
    Allocation,
    ProposalSettings,
    Section,
    SectionVersion,
    Submission,
    Team,
)
from nttlearn_peer_review.workflow import set_phase


@pytest.fixture
def capstone(app, make_capstone):
    cap = make_capstone(reviewers=2, min_countries=1)
    return cap


def test_two_switches_to_review_at_once_allocate_once(app, capstone):
    _a, sub_a = submitted_team(capstone, [capstone.officials[0]], "A")
    _b, sub_b = submitted_team(capstone, [capstone.officials[2]], "B")
    activity_id = capstone.activity.id

    def switch():
        set_phase(db.session.get(ProposalSettings, activity_id), "review")

    errors = at_once(app, [switch, switch])

    assert errors == []
    assert count_rows(Allocation, submission_id=sub_a.id) == 2
    assert count_rows(Allocation, submission_id=sub_b.id) == 2


def test_two_co_authors_submitting_at_once_make_one_submission_and_one_event(app, capstone):
    giulia, asa = capstone.officials[0], capstone.officials[2]
    go_to(capstone, "submission")
    team = form_team(capstone, [giulia, asa])
    write_everything(capstone, team, giulia)
    activity_id, team_id = capstone.activity.id, team.id

    def submit(user_id):
        def action():
            settings = db.session.get(ProposalSettings, activity_id)
            writing.submit(settings, db.session.get(Team, team_id), user_id)

        return action

    errors = at_once(app, [submit(giulia.id), submit(asa.id)])

    assert len(errors) <= 1 and all(isinstance(e, writing.WritingError) for e in errors)
    assert count_rows(Submission, team_id=team_id) == 1
    assert count_rows(EventRecord, name="peer_review.proposal_submitted") == 1


def test_two_saves_of_one_section_at_once_keep_one_and_report_the_other(app, capstone):
    giulia, asa = capstone.officials[0], capstone.officials[2]
    team = form_team(capstone, [giulia, asa])
    activity_id, team_id = capstone.activity.id, team.id
    results = []

    def save(user_id, text):
        def action():
            settings = db.session.get(ProposalSettings, activity_id)
            results.append(
                writing.save_section(
                    settings, db.session.get(Team, team_id), "budget", text, 0, user_id
                )
            )

        return action

    errors = at_once(app, [save(giulia.id, "Giulia's budget"), save(asa.id, "Åsa's budget")])

    assert errors == []
    assert sorted(isinstance(r, writing.Conflict) for r in results) == [False, True]
    assert count_rows(SectionVersion) == 1
    with db.engine.connect() as connection:
        text, version = connection.execute(
            db.select(Section.text, Section.version).where(
                Section.team_id == team_id, Section.key == "budget"
            )
        ).one()
    assert version == 1 and text in ("Giulia's budget", "Åsa's budget")


def test_two_closings_at_once_announce_each_accepted_proposal_once(app, capstone):
    from nttlearn_peer_review.reviewing import ReviewInput, save_review

    _team, _submission = submitted_team(capstone, [capstone.officials[0], capstone.officials[2]])
    go_to(capstone, "review")
    keys = ("relevance", "design", "partnership", "impact")
    for allocation in db.session.execute(db.select(Allocation)).scalars().all():
        save_review(
            capstone.settings,
            allocation,
            allocation.reviewer_id,
            ReviewInput({k: 3 for k in keys}, {k: "Good." for k in keys}, "A", "B"),
            submit=True,
        )
    go_to(capstone, "feedback")
    activity_id = capstone.activity.id

    def close():
        set_phase(db.session.get(ProposalSettings, activity_id), "closed")

    errors = at_once(app, [close, close])

    assert errors == []
    assert count_rows(EventRecord, name="peer_review.proposal_accepted") == 2
