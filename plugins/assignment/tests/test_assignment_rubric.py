"""Grading an assignment with a rubric: the package format and its `path:line` problems, the mark
computed on the server from the levels chosen, who may grade, what the learner reads, a rubric in
use keeping its structure, and the browser's editor and translation pages."""

from __future__ import annotations

import pytest

from nttlearn.api import ActivityCompletion, Enrolment, db
from nttlearn_assignment import rubric as rubrics
from nttlearn_assignment.activity import import_definition, validate_definition
from nttlearn_assignment.models import Submission

RUBRIC = {
    "criteria": [
        {
            "key": "focal-problem",
            "title": "The focal problem",
            "levels": [
                {"points": 0, "label": "Missing", "descriptor": "No focal problem."},
                {"points": 1, "label": "Partly", "descriptor": "A problem with a solution in it."},
                {"points": 2, "label": "Clear", "descriptor": "A negative situation, no solution."},
            ],
        },
        {
            "key": "evidence",
            "title": "Evidence",
            "levels": [
                {"points": 0, "label": "None", "descriptor": "No sources."},
                {"points": 4, "label": "Sourced", "descriptor": "A source for each main cause."},
            ],
        },
    ]
}


def _post_grade(browser, a, levels, comments=None, feedback=""):
    data = {f"criterion-{k}": str(v) for k, v in levels.items()}
    data.update({f"comment-{k}": v for k, v in (comments or {}).items()})
    data["feedback"] = feedback
    return browser.post(
        f"/assignment/{a.activity.id}/submissions/{a.learner.id}",
        data=data,
        content_type="multipart/form-data",
    )


def _hand_in(browser, a):
    response = browser.post(
        f"/assignment/{a.activity.id}/answer",
        data={"text": "My tree", "action": "submit", "seen": "0"},
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ({"focal-problem": 0, "evidence": 0}, 0.0),
        ({"focal-problem": 2, "evidence": 4}, 10.0),
        ({"focal-problem": 1, "evidence": 4}, 8.33),
        ({"focal-problem": 2, "evidence": 0}, 3.33),
    ],
)
def test_the_mark_is_the_share_of_the_rubrics_range_times_the_maximum(chosen, expected):
    assert rubrics.mark(RUBRIC, chosen, 10) == expected


def test_the_lowest_levels_count_as_zero_as_in_moodle():
    rubric = {
        "criteria": [
            {
                "key": "a",
                "title": "A",
                "levels": [
                    {"points": 1, "label": "x", "descriptor": "x"},
                    {"points": 3, "label": "y", "descriptor": "y"},
                ],
            }
        ]
    }

    assert rubrics.mark(rubric, {"a": 1}, 20) == 0 and rubrics.mark(rubric, {"a": 3}, 20) == 20


def test_rubric_problems_are_reported_at_their_file_and_line(tmp_path):
    (tmp_path / "module.yaml").write_text(
        "activities:\n  - id: a\n    type: assignment\n    rubric: r.yaml\n", encoding="utf-8"
    )
    (tmp_path / "r.yaml").write_text(
        "criteria:\n"
        "- key: one\n"
        "  title: One\n"
        "  levels: []\n"
        "- key: two\n"
        "  title: Two\n"
        "  levels:\n"
        "  - {points: 1, label: A, descriptor: a}\n"
        "  - {points: 1, label: B, descriptor: b}\n"
        "- key: two\n"
        "  title: Again\n"
        "  weight: 3\n"
        "  levels:\n"
        "  - {points: 0, label: A, descriptor: a}\n"
        "  - {points: 2, label: B}\n",
        encoding="utf-8",
    )
    (tmp_path / "r.fi.yaml").write_text(
        "criteria:\n- key: nine\n  title: Yhdeksän\n", encoding="utf-8"
    )

    problems = [
        str(p) for p in validate_definition({"rubric": "r.yaml"}, tmp_path, "m/module.yaml")
    ]

    assert problems == [
        "m/r.yaml:4: criterion 1: at least 2 levels",
        "m/r.yaml:9: criterion 2, level 2: 1 points twice in one criterion",
        "m/r.yaml:12: criterion 3: an assignment's rubric has no weight (the points of its levels are the weight)",
        "m/r.yaml:10: criterion 3: key 'two' is used twice",
        "m/r.yaml:15: criterion 3, level 2: descriptor is a text",
    ]


def test_a_translation_with_a_criterion_the_english_lacks_is_reported(tmp_path):
    (tmp_path / "r.yaml").write_text(rubrics.dump(RUBRIC), encoding="utf-8")
    (tmp_path / "r.sv.yaml").write_text(
        "criteria:\n- key: evidence\n  title: Belägg\n- key: nine\n  title: Nio\n", encoding="utf-8"
    )

    problems = [str(p) for p in validate_definition({"rubric": "r.yaml"}, tmp_path, "module.yaml")]

    assert problems == [
        "r.sv.yaml:4: criterion 2: no criterion with this key in the English rubric"
    ]


def test_a_missing_rubric_file_is_reported_at_the_rubric_line(tmp_path):
    (tmp_path / "module.yaml").write_text(
        "activities:\n- id: a\n  type: assignment\n  rubric: nope.yaml\n", encoding="utf-8"
    )

    problems = [
        str(p) for p in validate_definition({"rubric": "nope.yaml"}, tmp_path, "module.yaml")
    ]

    assert problems == ["module.yaml:4: rubric: 'nope.yaml' is not a file in the module folder"]


def test_the_trainer_grades_with_levels_and_the_server_computes_the_mark(
    make_assignment, client_for
):
    a = make_assignment(max_points=10, pass_mark=6, completion="passed", rubric=RUBRIC)
    _hand_in(client_for(a.learner), a)

    # The points a browser might send are ignored: the levels decide.
    response = _post_grade(
        client_for(a.trainer),
        a,
        {"focal-problem": 1, "evidence": 4},
        {"evidence": "Good sources."},
        feedback="Well done.",
    )

    assert response.status_code == 302
    submission = db.session.execute(db.select(Submission)).scalar_one()
    assert submission.points == 8.33 and submission.state == "graded"
    assert submission.rubric_scores == {
        "focal-problem": {"points": 1, "comment": ""},
        "evidence": {"points": 4, "comment": "Good sources."},
    }
    assert (
        db.session.execute(
            db.select(ActivityCompletion).where(ActivityCompletion.user_id == a.learner.id)
        ).scalar_one_or_none()
        is not None
    )


def test_a_criterion_without_a_level_is_refused_with_its_message(make_assignment, client_for):
    a = make_assignment(rubric=RUBRIC)
    _hand_in(client_for(a.learner), a)

    response = _post_grade(client_for(a.trainer), a, {"focal-problem": 2, "evidence": 3})

    assert response.status_code == 400
    assert 'id="rubric-error-evidence"' in response.get_data(as_text=True)
    assert db.session.execute(db.select(Submission.points)).scalar_one() is None


def test_a_learner_and_another_courses_trainer_cannot_grade(
    make_assignment, make_user, make_course, client_for
):
    a = make_assignment(rubric=RUBRIC)
    _hand_in(client_for(a.learner), a)
    other_trainer = make_user(role="trainer")
    make_course(modules=1, lessons=1, trainer=other_trainer)
    classmate = make_user()
    db.session.add(Enrolment(user_id=classmate.id, course_id=a.course.id))
    db.session.commit()

    for person in (a.learner, classmate, other_trainer):
        browser = client_for(person)
        assert _post_grade(browser, a, {"focal-problem": 2, "evidence": 4}).status_code == 403
        assert browser.get(f"/assignment/{a.activity.id}/rubric").status_code == 403
    assert db.session.execute(db.select(Submission.points)).scalar_one() is None


def test_the_learner_reads_the_filled_rubric_in_their_language(make_assignment, client_for):
    a = make_assignment(rubric=RUBRIC)
    a.assignment.rubric_translations = {
        "fi": rubrics.stamped(
            RUBRIC,
            {
                "criterion.evidence.title": "Näyttö",
                "criterion.evidence.level.4.label": "Lähteistetty",
            },
        )
    }
    a.learner.locale = "fi"
    db.session.commit()
    _hand_in(client_for(a.learner), a)
    _post_grade(
        client_for(a.trainer),
        a,
        {"focal-problem": 2, "evidence": 4},
        {"evidence": "Hyvät lähteet."},
    )

    page = client_for(a.learner).get(f"/assignment/{a.activity.id}").get_data(as_text=True)

    assert "Näyttö" in page and "Lähteistetty" in page and "Hyvät lähteet." in page
    assert "The focal problem" in page  # untranslated: read in English


def test_a_rubric_in_use_keeps_its_structure_but_may_be_reworded(
    make_assignment, client_for, tmp_path
):
    a = make_assignment(rubric=RUBRIC)
    _hand_in(client_for(a.learner), a)
    _post_grade(client_for(a.trainer), a, {"focal-problem": 2, "evidence": 4})
    fewer = {"criteria": RUBRIC["criteria"][:1]}

    with pytest.raises(ValueError, match="1 learner has been graded with this rubric"):
        import_definition(a.activity, {"instructions": "x", "rubric": fewer}, tmp_path)
    db.session.rollback()
    reworded = {
        "criteria": [
            {**RUBRIC["criteria"][0], "title": "The problem at the centre"},
            RUBRIC["criteria"][1],
        ]
    }
    import_definition(a.activity, {"instructions": "x", "rubric": reworded}, tmp_path)

    assert a.assignment.rubric["criteria"][0]["title"] == "The problem at the centre"


def test_the_editor_adds_moves_and_saves_criteria_without_javascript(make_assignment, client_for):
    a = make_assignment()
    trainer = client_for(a.trainer)
    url = f"/assignment/{a.activity.id}/rubric"
    form = {
        "criteria": "1",
        "c0-key": "",
        "c0-title": "Causes",
        "c0-levels": "2",
        "c0-l0-points": "0",
        "c0-l0-label": "Missing",
        "c0-l0-descriptor": "No causes.",
        "c0-l1-points": "3",
        "c0-l1-label": "Clear",
        "c0-l1-descriptor": "Two levels of causes.",
    }

    added = trainer.post(url, data={**form, "action": "add-criterion"})
    assert added.status_code == 200 and 'name="c1-title"' in added.get_data(as_text=True)
    assert a.assignment.rubric is None  # nothing stored yet
    refused = trainer.post(
        url, data={**form, "criteria": "2", "c1-title": "", "c1-levels": "2", "action": "save"}
    )
    assert refused.status_code == 400 and "Give the criterion a title." in refused.get_data(
        as_text=True
    )
    saved = trainer.post(
        url,
        data={
            **form,
            "criteria": "2",
            "c1-title": "Evidence",
            "c1-levels": "2",
            "c1-l0-points": "0",
            "c1-l0-label": "None",
            "c1-l0-descriptor": "No sources.",
            "c1-l1-points": "1",
            "c1-l1-label": "Some",
            "c1-l1-descriptor": "Sources.",
            "action": "down-0",
        },
    )
    assert saved.status_code == 200
    page = saved.get_data(as_text=True)
    assert page.index('value="Evidence"') < page.index('value="Causes"')

    stored = trainer.post(url, data={**form, "action": "save"})

    assert stored.status_code == 302
    db.session.expire_all()
    assert rubrics.structure(a.assignment.rubric) == (("causes", ("0", "3")),)


def test_the_translation_page_marks_a_translation_outdated_when_the_english_changes(
    make_assignment, client_for, tmp_path
):
    a = make_assignment(rubric=RUBRIC)
    trainer = client_for(a.trainer)
    url = f"/assignment/{a.activity.id}/rubric/sv"
    text_id = "criterion.evidence.title"
    assert (
        trainer.post(
            url, data={f"t-{text_id}": "Belägg", f"s-{text_id}": rubrics.fingerprint("Evidence")}
        ).status_code
        == 302
    )
    assert (
        rubrics.text_states(a.assignment.rubric, a.assignment.rubric_translations, "sv")[text_id]
        == "present"
    )

    reworded = {
        "criteria": [
            RUBRIC["criteria"][0],
            {**RUBRIC["criteria"][1], "title": "Evidence for each cause"},
        ]
    }
    from nttlearn_assignment.grading import change_rubric

    change_rubric(a.assignment, reworded)
    db.session.commit()

    assert (
        rubrics.text_states(a.assignment.rubric, a.assignment.rubric_translations, "sv")[text_id]
        == "outdated"
    )
    assert "outdated" in trainer.get(url).get_data(as_text=True)


def test_the_learners_data_export_has_the_rubric_and_deletion_removes_its_comments(
    make_assignment, client_for
):
    from nttlearn_assignment.privacy import delete_user_data, user_data

    a = make_assignment(rubric=RUBRIC)
    _hand_in(client_for(a.learner), a)
    _post_grade(
        client_for(a.trainer), a, {"focal-problem": 2, "evidence": 0}, {"evidence": "Add sources."}
    )

    exported = user_data(a.learner.id)["submissions"][0]["rubric"]
    delete_user_data(a.learner.id)
    db.session.commit()
    db.session.expire_all()

    assert exported["evidence"] == {"points": 0, "comment": "Add sources."}
    kept = db.session.execute(db.select(Submission)).scalar_one()
    assert kept.rubric_scores == {
        "focal-problem": {"points": 2, "comment": ""},
        "evidence": {"points": 0, "comment": ""},
    }


def test_the_grades_csv_has_the_level_chosen_for_each_criterion(make_assignment, client_for):
    import csv
    import io

    a = make_assignment(rubric=RUBRIC)
    _hand_in(client_for(a.learner), a)
    _post_grade(client_for(a.trainer), a, {"focal-problem": 1, "evidence": 4})

    body = (
        client_for(a.trainer).get(f"/assignment/{a.activity.id}/grades.csv").get_data(as_text=True)
    )
    [line] = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))

    assert (line["rubric:focal-problem"], line["rubric:evidence"], line["points"]) == (
        "1",
        "4",
        "83.33",
    )


def test_the_po_round_trip_carries_the_rubric_and_marks_an_old_english_outdated(make_assignment):
    from nttlearn.api import TranslationUpdate
    from nttlearn_assignment.activity import apply_translations, translation_units

    a = make_assignment(rubric=RUBRIC)
    units = {u.id: u for u in translation_units(a.activity, "es")}
    assert (
        units["rubric:criterion.evidence.level.4.descriptor"].source
        == "A source for each main cause."
    )
    assert units["rubric:criterion.evidence.title"].target == ""

    problems = apply_translations(
        a.activity,
        "es",
        {
            "rubric:criterion.evidence.title": TranslationUpdate("Datos", "Evidence"),
            "rubric:criterion.focal-problem.title": TranslationUpdate(
                "El problema", "The old focal problem"
            ),
        },
    )
    refused = apply_translations(
        a.activity, "es", {"rubric:criterion.nine.title": TranslationUpdate("x", "y")}
    )

    assert problems == [] and [p.unit_id for p in refused] == ["rubric:criterion.nine.title"]
    units = {u.id: u for u in translation_units(a.activity, "es")}
    assert (
        units["rubric:criterion.evidence.title"].target,
        units["rubric:criterion.evidence.title"].outdated,
    ) == ("Datos", False)
    assert units["rubric:criterion.focal-problem.title"].outdated is True
