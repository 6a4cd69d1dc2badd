"""The proposal template and the rubric in the officials' own languages: translation files in a
course package (imported, checked with ``path:line``, exported back), the browser editor with the
outdated state, Swedish learners and reviewers reading Swedish, the texts counted in the course's
translation coverage, and mails and page titles in the reader's language."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from peer_review_helpers import go_to, submitted_team

from nttlearn import db
from nttlearn.api import fingerprint
from nttlearn.i18n import catalogues
from nttlearn.mail import outbox
from nttlearn.models import Activity, User
from nttlearn.testing import repo_root
from nttlearn_peer_review.activity import import_definition, translation_states, validate_definition
from nttlearn_peer_review.models import Allocation, CriterionScore, ProposalSettings, Submission
from nttlearn_peer_review.services import rubric_of, template_of

MAIN_COURSE = repo_root() / "courses" / "designing-twinned-town-networks"
CAPSTONE = MAIN_COURSE / "modules" / "08-capstone"

TEMPLATE = """sections:
- {key: idea, title: The idea, guidance: Why the towns work together., word_limit: 80}
- {key: budget, title: Budget, guidance: '', word_limit: 50}
"""
TEMPLATE_SV = """sections:
- key: idea
  title: Idén
  guidance: Varför orterna samarbetar.
  word_limit: 80
- key: budget
  title: Budget
"""
RUBRIC = """criteria:
- key: relevance
  title: Relevance to the programme
  weight: 60
  levels:
  - {points: 0, label: Weak, descriptor: No link to the programme.}
  - {points: 2, label: Strong, descriptor: A clear link to the programme.}
- key: partnership
  title: Partnership
  weight: 40
  levels:
  - {points: 0, label: Weak, descriptor: One town does everything.}
  - {points: 2, label: Strong, descriptor: Every town has a role.}
"""
RUBRIC_SV = """criteria:
- key: relevance
  title: Relevans för programmet
  levels:
  - {points: 0, label: Svag, descriptor: Ingen koppling till programmet.}
  - {points: 2, label: Stark, descriptor: En tydlig koppling till programmet.}
- key: partnership
  title: Partnerskap
  weight: 40
  levels:
  - {points: 0, label: Svag, descriptor: En ort gör allt.}
  - {points: 2, label: Stark, descriptor: Varje ort har en roll.}
"""
TEXTS = (
    13  # idea: title, guidance; budget: title (its guidance is empty); 2 criteria × (title + 2 × 2)
)


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues() -> None:
    """The catalogues compiled to ``.mo`` (as ``make install`` does): the mails read them."""
    for domain, _source, folder in catalogues():
        for po in folder.glob(f"*/LC_MESSAGES/{domain}.po"):
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                with po.open("rb") as source, mo.open("wb") as target:
                    write_mo(target, read_po(source))


@pytest.fixture
def files(tmp_path) -> Path:
    for name, text in (
        ("t.yaml", TEMPLATE),
        ("t.sv.yaml", TEMPLATE_SV),
        ("r.yaml", RUBRIC),
        ("r.sv.yaml", RUBRIC_SV),
    ):
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.fixture
def cap(files, make_capstone):
    return make_capstone(template="t.yaml", rubric="r.yaml", reviewers=1)


def run_cli(app, *args: str):
    from nttlearn.cli import main

    db.session.remove()
    result = app.test_cli_runner().invoke(main, list(args))
    db.session.remove()
    return result


def states_of(activity) -> dict[str, list[str]]:
    db.session.expire_all()
    return translation_states([db.session.get(Activity, activity.id)])[activity.id]


# -- course packages ------------------------------------------------------------------------------
def test_translation_files_are_imported_and_each_text_falls_back_to_english(cap):
    settings = db.session.get(ProposalSettings, cap.activity.id)

    assert settings.translations["sv"]["section.idea.title"] == "Idén"
    assert set(settings.translations) == {"sv"}
    assert template_of(settings, "sv").section("idea").title == "Idén"
    assert template_of(settings, "sv").section("idea").word_limit == 80
    swedish = rubric_of(settings, "sv")
    assert [c.title for c in swedish.criteria] == ["Relevans för programmet", "Partnerskap"]
    assert [(level.points, level.label) for level in swedish.criteria[0].levels] == [
        (0, "Svag"),
        (2, "Stark"),
    ]
    assert [c.weight for c in swedish.criteria] == [60, 40]
    assert template_of(settings, "it").section("idea").title == "The idea"  # no Italian: English


def test_a_translation_naming_a_criterion_the_english_lacks_is_refused_with_its_line(files):
    (files / "r.sv.yaml").write_text(
        RUBRIC_SV.replace("key: partnership", "key: partners")
        .replace("weight: 40", "weight: 45")
        .replace(
            "{points: 2, label: Stark, descriptor: En tydlig",
            "{points: 3, label: Stark, descriptor: En tydlig",
        ),
        encoding="utf-8",
    )
    (files / "t.it.yaml").write_text(
        "sections:\n- key: idea\n  title: L'idea\n  colour: blu\n", encoding="utf-8"
    )

    problems = [
        str(p)
        for p in validate_definition(
            {"template": "t.yaml", "rubric": "r.yaml"}, files, "m/module.yaml"
        )
    ]

    assert (
        "m/r.sv.yaml:6: criterion 'relevance' has no level of 3 points in the English (levels: 0, 2)"
        in problems
    )
    assert (
        "m/r.sv.yaml:7: criterion 'partners' is not in the English rubric (r.yaml); known: relevance, partnership"
        in problems
    )
    assert (
        "m/t.it.yaml:4: unknown key 'colour' (known: guidance, key, title, word_limit)" in problems
    )
    assert len(problems) == 3
    with pytest.raises(ValueError, match="criterion 'partners' is not in the English rubric"):
        import_definition(None, {"rubric": "r.yaml"}, files)


def test_a_translation_keeps_the_english_numbers(files):
    (files / "r.sv.yaml").write_text(
        RUBRIC_SV.replace("weight: 40", "weight: 45"), encoding="utf-8"
    )

    problems = [str(p) for p in validate_definition({"rubric": "r.yaml"}, files, "m/module.yaml")]

    assert problems == [
        "m/r.sv.yaml:9: 'weight' is 45 where the English (r.yaml) has 40: a translation keeps "
        "the English numbers (or leaves them out)"
    ]


def test_the_shipped_capstone_carries_its_template_and_rubric_in_every_language_and_exports_them_as_written(
    app, tmp_path
):
    assert run_cli(app, "courses", "import", str(MAIN_COURSE)).exit_code == 0
    activity = db.session.execute(db.select(Activity).filter_by(type_key="proposal")).scalar_one()

    states = states_of(activity)
    assert {locale: (len(found), set(found)) for locale, found in states.items()} == {
        locale: (9 * 2 + 4 * (1 + 4 * 2), {"present"}) for locale in ("it", "sv", "es", "fi")
    }
    settings = db.session.get(ProposalSettings, activity.id)
    assert (
        rubric_of(settings, "fi").criteria[3].title
        == "Vaikuttavuus, tulosten levittäminen ja jatkuvuus"
    )
    assert template_of(settings, "sv").section("objectives").guidance.count("projektmål") == 2

    assert (
        run_cli(
            app, "courses", "export", "designing-twinned-town-networks", str(tmp_path / "out")
        ).exit_code
        == 0
    )
    out = tmp_path / "out" / "modules" / "08-capstone"
    shipped = sorted(p.name for p in CAPSTONE.glob("proposal-*.yaml"))
    assert len(shipped) == 10
    assert {name: (out / name).read_bytes() for name in shipped} == {
        name: (CAPSTONE / name).read_bytes() for name in shipped
    }
    assert (
        run_cli(app, "courses", "import", str(tmp_path / "out")).stdout
        == "designing-twinned-town-networks: unchanged\n"
    )


# -- coverage ----------------------------------------------------------------------------------------
def test_the_coverage_counts_every_text_and_an_english_change_makes_its_translation_outdated(cap):
    states = states_of(cap.activity)
    assert states["sv"] == ["present"] * TEXTS
    assert states["it"] == ["missing"] * TEXTS

    settings = db.session.get(ProposalSettings, cap.activity.id)
    rubric = yaml.safe_load(RUBRIC)
    rubric["criteria"][1]["title"] = "Partnership and European dimension"
    settings.rubric = rubric
    db.session.commit()

    states = states_of(cap.activity)
    assert sorted(states["sv"]) == ["outdated"] + ["present"] * (TEXTS - 1)
    assert (
        rubric_of(db.session.get(ProposalSettings, cap.activity.id), "sv").criteria[1].title
        == "Partnerskap"
    )


def test_a_package_that_changes_an_english_text_without_its_translation_leaves_it_outdated(
    cap, files
):
    (files / "t.yaml").write_text(
        TEMPLATE.replace("title: The idea", "title: The shared idea"), encoding="utf-8"
    )

    import_definition(
        cap.activity, {"template": "t.yaml", "rubric": "r.yaml", "reviewers": 1}, files
    )
    db.session.commit()

    assert sorted(states_of(cap.activity)["sv"]) == ["outdated"] + ["present"] * (TEXTS - 1)
    (files / "t.sv.yaml").write_text(
        TEMPLATE_SV.replace("title: Idén", "title: Den gemensamma idén"), encoding="utf-8"
    )
    import_definition(
        cap.activity, {"template": "t.yaml", "rubric": "r.yaml", "reviewers": 1}, files
    )
    db.session.commit()
    assert states_of(cap.activity)["sv"] == ["present"] * TEXTS


def test_a_default_template_reads_as_the_interface_translates_it_and_counts_as_translated(
    make_capstone,
):
    cap = make_capstone()

    assert states_of(cap.activity)["sv"] == ["present"] * (9 * 2 + 4 * 9)
    assert template_of(cap.settings, "sv").section("context_needs").title == "Bakgrund och behov"
    assert template_of(cap.settings, "en").section("context_needs").title == "Context and needs"


# -- the browser editor ---------------------------------------------------------------------------------
def _settings_form(template: str) -> dict[str, str]:
    return {
        "reviewers_per_submission": "1",
        "anonymity": "anonymous",
        "min_countries": "1",
        "completion_rule": "both",
        "team_formation": "learners",
        "max_team_size": "6",
        "grading_method": "mean",
        "submission_weight": "80",
        "reviewing_weight": "20",
        "late_penalty": "0",
        "pass_grade": "50",
        "disagreement_threshold": "25",
        "template": template,
        "rubric": RUBRIC,
    }


def test_the_trainer_translates_beside_the_english_and_an_english_change_shows_it_outdated(
    cap, client_for
):
    trainer = client_for(cap.trainer)
    url = f"/peer-review/{cap.activity.id}/translations/fi"
    page = trainer.get(url).get_data(as_text=True)
    assert (
        "The idea" in page and "Why the towns work together." in page and "Not translated" in page
    )

    saved = trainer.post(
        url,
        data={
            "opened": "new",
            "text-section.idea.title": "Idea",
            "source-section.idea.title": fingerprint("The idea"),
            "text-section.idea.guidance": "Miksi kaupungit tekevät yhteistyötä.",
        },
        follow_redirects=True,
    )

    assert "Translation saved: Suomi." in saved.get_data(as_text=True)
    stored = db.session.get(ProposalSettings, cap.activity.id, populate_existing=True).translations
    assert stored["fi"]["section.idea.guidance"] == "Miksi kaupungit tekevät yhteistyötä."
    assert stored["sv"]["section.idea.title"] == "Idén"  # another language is left as it was
    assert sorted(states_of(cap.activity)["fi"]) == ["missing"] * (TEXTS - 2) + ["present"] * 2

    changed = trainer.post(
        f"/peer-review/{cap.activity.id}/settings",
        data=_settings_form(TEMPLATE.replace("title: The idea", "title: The network's idea")),
    )
    assert changed.status_code == 302
    page = trainer.get(url).get_data(as_text=True)
    assert "The network&#39;s idea" in page and "Outdated" in page
    assert sorted(states_of(cap.activity)["fi"]) == ["missing"] * (TEXTS - 2) + [
        "outdated",
        "present",
    ]
    assert "1 of 13 texts translated, 1 outdated" in trainer.get(
        f"/peer-review/{cap.activity.id}/settings"
    ).get_data(as_text=True)


def test_saving_over_a_translation_saved_meanwhile_overwrites_nothing(cap, client_for):
    first, second = client_for(cap.trainer), client_for(cap.trainer)
    url = f"/peer-review/{cap.activity.id}/translations/it"
    assert (
        first.post(url, data={"opened": "new", "text-section.idea.title": "L'idea"}).status_code
        == 302
    )

    late = second.post(url, data={"opened": "new", "text-section.idea.title": "Idea"})

    assert late.status_code == 409
    assert "L&#39;idea" in late.get_data(as_text=True)
    stored = db.session.get(ProposalSettings, cap.activity.id, populate_existing=True).translations
    assert stored["it"]["section.idea.title"] == "L'idea"


def test_learners_may_not_open_nor_save_the_translation_editor(cap, client_for):
    learner = client_for(cap.officials[0])
    url = f"/peer-review/{cap.activity.id}/translations/sv"

    assert learner.get(url).status_code == 403
    assert (
        learner.post(url, data={"opened": "new", "text-section.idea.title": "Hack"}).status_code
        == 403
    )
    assert (
        db.session.get(ProposalSettings, cap.activity.id, populate_existing=True).translations[
            "sv"
        ]["section.idea.title"]
        == "Idén"
    )


# -- reading in one's own language ---------------------------------------------------------------------------
def test_a_swedish_author_and_reviewer_read_swedish_and_what_is_stored_is_the_same_in_every_language(
    cap, client_for
):
    cap.activity.translations = {"sv": {"title": "Nätverksansökan"}}
    cap.course.translations = {"sv": {"title": "Vänortsnätverk"}}
    for official in cap.officials:
        official.locale = "sv"
    giulia = cap.officials[0]
    giulia.locale = "en"
    db.session.commit()
    asa = cap.officials[2]
    team, submission = submitted_team(cap, [giulia, asa])

    page = client_for(asa).get(f"/peer-review/{cap.activity.id}/proposal").get_data(as_text=True)
    assert "Idén" in page and "Varför orterna samarbetar." in page
    assert "<title>Idén" not in page and "Nätverksansökan" in page and "Vänortsnätverk" in page
    english = (
        client_for(giulia).get(f"/peer-review/{cap.activity.id}/proposal").get_data(as_text=True)
    )
    assert "The idea" in english and "Idén" not in english
    assert [s["title"] for s in db.session.get(Submission, submission.id).sections] == [
        "The idea",
        "Budget",
    ]

    outbox().clear()
    go_to(cap, "review")
    allocation = db.session.execute(db.select(Allocation)).scalar_one()
    reviewer = db.session.get(User, allocation.reviewer_id)
    assert reviewer.locale == "sv"
    [mail] = [m for m in outbox() if m["To"] == reviewer.email]
    assert "Nätverksansökan" in mail.get_content() and "proposal 0" not in mail.get_content()

    browser = client_for(reviewer)
    review = browser.get(f"/peer-review/reviews/{allocation.id}").get_data(as_text=True)
    assert (
        "Relevans för programmet" in review
        and "Ingen koppling till programmet." in review
        and "Stark" in review
    )
    assert "Idén" in review  # the submitted section's title, in the reader's language
    data = {
        "strengths": "Tydligt.",
        "suggestions": "Fler datum.",
        "action": "submit",
        "score_relevance": "2",
        "comment_relevance": "Bra.",
        "score_partnership": "0",
        "comment_partnership": "Nja.",
    }
    assert browser.post(f"/peer-review/reviews/{allocation.id}", data=data).status_code == 302
    scores = dict(
        db.session.execute(db.select(CriterionScore.criterion, CriterionScore.points)).all()
    )
    assert scores == {"relevance": 2, "partnership": 0}


def test_an_invitation_is_mailed_in_the_invitees_language(cap, client_for):
    cap.activity.translations = {
        "fi": {"title": "Verkostohakemus"},
        "it": {"title": "Proposta di rete"},
    }
    aino = cap.officials[6]
    aino.locale = "fi"
    db.session.commit()
    founder = client_for(cap.officials[0])
    founder.post(f"/peer-review/{cap.activity.id}/team", data={"name": "Emilia–Uusimaa"})
    outbox().clear()

    founder.post(f"/peer-review/{cap.activity.id}/team/invite", data={"email": aino.email})

    [mail] = [m for m in outbox() if m["To"] == aino.email]
    assert "Verkostohakemus" in mail.get_content() and "proposal 0" not in mail.get_content()
    assert "Emilia–Uusimaa" in mail.get_content()


@pytest.mark.parametrize("name", sorted(p.name for p in CAPSTONE.glob("proposal-*.*.yaml")))
def test_each_shipped_translation_file_is_written_in_its_language(name):
    from lingua import Language, LanguageDetectorBuilder

    languages = {
        "en": Language.ENGLISH,
        "it": Language.ITALIAN,
        "sv": Language.SWEDISH,
        "es": Language.SPANISH,
        "fi": Language.FINNISH,
    }
    detector = LanguageDetectorBuilder.from_languages(*languages.values()).build()
    data = yaml.safe_load((CAPSTONE / name).read_text(encoding="utf-8"))
    items = data.get("sections") or data.get("criteria")
    words = [item.get("title", "") + ". " + item.get("guidance", "") for item in items]
    words += [
        f"{level['label']}. {level['descriptor']}"
        for item in items
        for level in item.get("levels", [])
    ]

    assert detector.detect_language_of(" ".join(words)) == languages[name.split(".")[1]]
