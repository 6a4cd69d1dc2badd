"""The ``proposal`` activity type in course packages (the shipped capstone validates, imports and
exports as written; bad definitions are reported with their line), the workflow at its dates
(on access and from the command line), the learner's status line, the demo and privacy."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from peer_review_helpers import form_team, go_to, submitted_team, write_everything

from nttlearn import db
from nttlearn.auth.services import delete_account
from nttlearn.content.yamlfile import load_yaml
from nttlearn.models import Activity, Course, User, utcnow
from nttlearn.testing import repo_root
from nttlearn_peer_review.activity import validate_definition
from nttlearn_peer_review.models import (
    Allocation,
    Application,
    CriterionScore,
    DirectoryEntry,
    ProposalSettings,
    ReviewRecord,
    Section,
    SectionVersion,
    Team,
)
from nttlearn_peer_review.reviewing import ReviewInput, save_review

MAIN_COURSE = repo_root() / "courses" / "designing-twinned-town-networks"
CAPSTONE = MAIN_COURSE / "modules" / "08-capstone" / "module.yaml"


def run_cli(app, *args: str):
    from nttlearn.cli import main

    db.session.remove()
    result = app.test_cli_runner().invoke(main, list(args))
    db.session.remove()
    return result


def proposal_entry(module_yaml: Path) -> dict:
    data = yaml.safe_load(module_yaml.read_text(encoding="utf-8"))
    return next(a for a in data["activities"] if a["type"] == "proposal")


# -- course packages ------------------------------------------------------------------------------
def test_the_shipped_capstone_validates_imports_and_exports_as_written(app, tmp_path):
    validated = run_cli(app, "courses", "validate", str(MAIN_COURSE))
    assert validated.exit_code == 0, validated.output
    assert "'proposal'" not in validated.output  # no warning about the proposal activity

    imported = run_cli(app, "courses", "import", str(MAIN_COURSE))
    assert imported.exit_code == 0, imported.output
    activity = db.session.execute(db.select(Activity).filter_by(type_key="proposal")).scalar_one()
    settings = db.session.get(ProposalSettings, activity.id)
    assert (settings.min_countries, settings.reviewers_per_submission, settings.phase) == (
        2,
        3,
        "drafting",
    )

    exported = run_cli(
        app, "courses", "export", "designing-twinned-town-networks", str(tmp_path / "out")
    )
    assert exported.exit_code == 0, exported.output
    assert proposal_entry(
        tmp_path / "out" / "modules" / "08-capstone" / "module.yaml"
    ) == proposal_entry(CAPSTONE)
    again = run_cli(app, "courses", "import", str(tmp_path / "out"))
    assert again.stdout == "designing-twinned-town-networks: unchanged\n"


def test_a_custom_template_and_rubric_travel_in_files_beside_module_yaml(app, tmp_path):
    package = tmp_path / "course"
    shutil.copytree(MAIN_COURSE, package)
    module = package / "modules" / "08-capstone"
    (module / "template.yaml").write_text(
        "sections:\n- {key: idea, title: The idea, guidance: Why., word_limit: 80}\n",
        encoding="utf-8",
    )
    text = (
        (module / "module.yaml")
        .read_text(encoding="utf-8")
        .replace("    template: proposal-template.yaml\n", "")
        .replace(
            "    reviewers: 3\n",
            "    reviewers: 2\n    template: template.yaml\n    anonymity: double-blind\n"
            '    phases:\n      submission_deadline: "2010-04-06 18:00"\n',
        )
    )
    (module / "module.yaml").write_text(text, encoding="utf-8")
    assert run_cli(app, "courses", "import", str(package)).exit_code == 0

    run_cli(app, "courses", "export", "designing-twinned-town-networks", str(tmp_path / "out"))

    folder = tmp_path / "out" / "modules" / "08-capstone"
    entry = proposal_entry(folder / "module.yaml")
    assert entry["template"] == "proposal-template.yaml" and entry["anonymity"] == "double_blind"
    assert entry["phases"] == {"submission_deadline": "2010-04-06 18:00"}
    assert (
        yaml.safe_load((folder / "proposal-template.yaml").read_text())["sections"][0]["key"]
        == "idea"
    )
    assert run_cli(app, "courses", "import", str(tmp_path / "out")).exit_code == 0


def test_a_bad_definition_is_reported_with_the_line_of_each_problem(tmp_path):
    (tmp_path / "module.yaml").write_text(
        "title: Capstone\nactivities:\n  - id: proposal\n    type: proposal\n    title: P\n"
        "    min_countries: 0\n    reviewers: three\n    anonymity: secret\n"
        "    phases:\n      submission_deadline: 2010-04-06\n    colour: blue\n",
        encoding="utf-8",
    )
    entry = load_yaml((tmp_path / "module.yaml").read_text())["activities"][0]
    definition = {k: v for k, v in entry.items() if k not in ("id", "type", "title")}
    definition = type(entry)(definition)
    definition.lines, definition.line = entry.lines, entry.line

    problems = [str(p) for p in validate_definition(definition, tmp_path, "m/module.yaml")]

    assert "m/module.yaml:6: 'min_countries' must be a whole number of at least 1" in problems
    assert "m/module.yaml:7: 'reviewers' must be a whole number of at least 1" in problems
    assert any(p.startswith("m/module.yaml:8: 'anonymity' must be one of") for p in problems)
    assert any(
        p.startswith("m/module.yaml:9: phases.submission_deadline: write the date in quotes")
        for p in problems
    )
    assert any(p.startswith("m/module.yaml:11: unknown key 'colour'") for p in problems)


def test_a_template_file_with_problems_is_reported_in_that_file(tmp_path):
    (tmp_path / "t.yaml").write_text(
        "sections:\n- {key: x, title: '', word_limit: 10}\n", encoding="utf-8"
    )

    problems = [
        str(p) for p in validate_definition({"template": "t.yaml"}, tmp_path, "m/module.yaml")
    ]

    assert problems == ["m/t.yaml:1: Section 1 needs a title."]


# -- the workflow at its dates --------------------------------------------------------------------
def test_opening_the_activity_moves_it_to_the_phase_its_dates_say(make_capstone, client_for):
    hour = timedelta(hours=1)
    now = utcnow()
    cap = make_capstone(
        reviewers=1,
        phases={
            "submission_opens": (now - 3 * hour).strftime("%Y-%m-%d %H:%M"),
            "submission_deadline": (now - 2 * hour).strftime("%Y-%m-%d %H:%M"),
            "review_opens": (now - hour).strftime("%Y-%m-%d %H:%M"),
            "review_deadline": (now + hour).strftime("%Y-%m-%d %H:%M"),
        },
    )
    cap.settings.phase = "submission"
    team = form_team(cap, [cap.officials[0]])
    write_everything(cap, team, cap.officials[0])
    from nttlearn_peer_review import writing

    writing.submit(
        cap.settings, team, cap.officials[0].id, now=now - 3 * hour
    )  # before the deadline
    db.session.commit()

    page = client_for(cap.officials[1]).get(f"/peer-review/{cap.activity.id}")

    assert page.status_code == 200
    db.session.refresh(cap.settings)
    assert cap.settings.phase == "review"
    assert db.session.execute(db.select(db.func.count(Allocation.id))).scalar() == 1


def test_the_advance_command_moves_every_activity_on(make_capstone, app):
    past = (utcnow() - timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M")
    cap = make_capstone(phases={"submission_opens": past})
    activity_id = cap.activity.id

    result = run_cli(app, "peer_review", "advance", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {"activity_id": activity_id, "from": "drafting", "to": "submission"}
    ]
    assert db.session.get(ProposalSettings, activity_id).phase == "submission"
    assert json.loads(run_cli(app, "peer_review", "advance", "--json").output) == []


def test_moving_back_reopens_a_phase_without_undoing_anything(make_capstone, client_for):
    cap = make_capstone(reviewers=1)
    submitted_team(cap, [cap.officials[0]])
    go_to(cap, "review")

    client_for(cap.trainer).post(
        f"/peer-review/{cap.activity.id}/phase", data={"phase": "submission", "confirmed": "yes"}
    )

    db.session.refresh(cap.settings)
    assert cap.settings.phase == "submission"
    assert db.session.execute(db.select(db.func.count(Allocation.id))).scalar() == 1


# -- the course page's status line ----------------------------------------------------------------
def test_the_course_page_shows_the_learners_proposal_status(make_capstone, client_for):
    cap = make_capstone(reviewers=1)
    submitted_team(cap, [cap.officials[0]], "Emilia")
    go_to(cap, "review")
    reviewer = db.session.get(
        User, db.session.execute(db.select(Allocation.reviewer_id)).scalar_one()
    )

    author_page = (
        client_for(cap.officials[0]).get(f"/courses/{cap.course.slug}").get_data(as_text=True)
    )
    reviewer_page = client_for(reviewer).get(f"/courses/{cap.course.slug}").get_data(as_text=True)

    assert "Review · submitted" in author_page
    assert "0 of 1 reviews done" in reviewer_page


# -- demo -----------------------------------------------------------------------------------------
@pytest.mark.slow
def test_the_demo_forms_two_cross_country_teams_in_the_main_courses_capstone(app):
    assert run_cli(app, "courses", "import", str(MAIN_COURSE)).exit_code == 0
    assert run_cli(app, "demo").exit_code == 0

    first = run_cli(app, "peer_review", "demo", "--json")
    review = run_cli(app, "peer_review", "demo", "--stage", "review", "--json")

    assert first.exit_code == 0, first.output
    teams = db.session.execute(db.select(Team).order_by(Team.id)).scalars().all()
    assert [t.name for t in teams] == ["Bologna–Luleå–A Coruña", "Ferrara–Helsinki–Umeå"]
    assert db.session.execute(db.select(db.func.count(SectionVersion.id))).scalar() >= 12
    data = json.loads(review.output)
    assert data["phase"] == "review" and len(data["allocations"]) == 6
    for row in data["allocations"]:
        assert row["reviewer"] not in row["authors"]
    assert json.loads(run_cli(app, "peer_review", "demo", "--json").output)["summary"] == [
        "The capstone demo already exists."
    ]
    entries = db.session.execute(db.select(DirectoryEntry.country)).scalars().all()
    assert len(entries) == 5 and set(entries) == {"IT", "SE", "ES", "FI"}
    [application] = db.session.execute(db.select(Application)).scalars().all()
    assert (application.team_id, application.programme, application.submitted_on.isoformat()) == (
        teams[0].id,
        "Europe for Citizens",
        "2010-09-01",
    )
    assert "demo data" in application.funding_call


def test_the_demo_needs_the_main_course(app):
    result = run_cli(app, "peer_review", "demo")

    assert result.exit_code == 1
    assert "has no proposal activity" in result.output


# -- privacy --------------------------------------------------------------------------------------
def test_a_learners_data_is_exported_and_their_own_words_removed_with_the_account(
    make_capstone, client_for
):
    cap = make_capstone(reviewers=1)
    submitted_team(cap, [cap.officials[0]])
    go_to(cap, "review")
    allocation = db.session.execute(db.select(Allocation)).scalar_one()
    keys = ("relevance", "design", "partnership", "impact")
    save_review(
        cap.settings,
        allocation,
        allocation.reviewer_id,
        ReviewInput(
            {k: 2 for k in keys}, {k: "My personal remark." for k in keys}, "Strong.", "Dates."
        ),
        submit=True,
    )
    db.session.commit()
    reviewer = db.session.get(User, allocation.reviewer_id)
    author = cap.officials[0]

    exported = client_for(author).get("/account/export.json")
    reviewer_export = client_for(reviewer).get("/account/export.json")

    data = json.loads(exported.get_data(as_text=True))["plugins"]["peer_review"]
    assert data["teams"][0]["proposal_title"] == "Young Voices"
    assert len(data["section_versions"]) == 9
    reviews = json.loads(reviewer_export.get_data(as_text=True))["plugins"]["peer_review"][
        "reviews"
    ]
    assert reviews[0]["scores"][0]["comment"] == "My personal remark."

    delete_account(reviewer)
    delete_account(author)
    db.session.commit()

    assert set(db.session.execute(db.select(CriterionScore.comment)).scalars()) == {""}
    assert db.session.execute(db.select(ReviewRecord.strengths)).scalar_one() == ""
    assert set(db.session.execute(db.select(CriterionScore.points)).scalars()) == {2}
    assert (
        db.session.execute(
            db.select(SectionVersion.author_id).where(SectionVersion.author_id.is_not(None))
        ).first()
        is None
    )
    assert (
        db.session.execute(
            db.select(Section.updated_by_id).where(Section.updated_by_id.is_not(None))
        ).first()
        is None
    )
    assert db.session.get(Course, cap.course.id) is not None


def test_a_proposal_with_a_team_holds_learner_work_and_one_without_does_not(make_capstone):
    """What the core asks before deleting a proposal that leaves its course (``has_learner_work``):
    a team formed is work to keep, before anything is written."""
    from nttlearn_peer_review.activity import activity_type

    with_team, without = make_capstone(), make_capstone()
    form_team(with_team, with_team.officials[:2])

    found = activity_type().has_learner_work([with_team.activity.id, without.activity.id])

    assert found == {with_team.activity.id}
