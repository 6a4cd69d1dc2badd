"""The course.completed listener counts completed courses per organisation, in its own table."""

from __future__ import annotations

from nttlearn import db
from nttlearn.models import EventRecord
from nttlearn.testing import login
from nttlearn_example_partner.models import CompletedCourseCount


def _complete(browser, course) -> None:
    """Enrol and mark every lesson done, as a learner does in the browser."""
    from nttlearn.models import Lesson, Module

    browser.post(f"/courses/{course.slug}/enrol")
    lessons = (
        db.session.execute(db.select(Lesson.id).join(Module).where(Module.course_id == course.id))
        .scalars()
        .all()
    )
    for lesson_id in lessons:
        response = browser.post(f"/courses/{course.slug}/lessons/{lesson_id}/done")
        assert response.status_code == 302


def _counts() -> dict[int, int]:
    db.session.expire_all()
    rows = db.session.execute(db.select(CompletedCourseCount)).scalars()
    return {row.organisation_id: row.completions for row in rows}


def test_each_completed_course_counts_for_the_learners_organisation(
    make_user, make_course, client_for
):
    course, other_course = make_course(modules=1, lessons=2), make_course(modules=1, lessons=1)
    ana = make_user(org="Comune di Bologna", country="IT", town="Bologna")
    marco = make_user(org="Comune di Bologna", country="IT")
    lina = make_user(org="Luleå kommun", country="SE", town="Luleå")

    _complete(client_for(ana), course)
    _complete(client_for(ana), other_course)
    _complete(client_for(marco), course)
    _complete(client_for(lina), course)

    assert _counts() == {ana.organisation_id: 3, lina.organisation_id: 1}


def test_lessons_and_enrolments_alone_count_nothing(make_user, make_course, client_for):
    course = make_course(modules=1, lessons=2)
    learner = make_user(org="Helsingin kaupunki", country="FI")
    browser = client_for(learner)
    browser.post(f"/courses/{course.slug}/enrol")

    assert _counts() == {}


def test_learner_without_an_organisation_is_not_counted(make_user, make_course, client_for):
    course = make_course(modules=1, lessons=1)

    _complete(client_for(make_user()), course)

    assert (
        db.session.scalar(
            db.select(db.func.count(EventRecord.id)).filter_by(name="course.completed")
        )
        == 1
    )
    assert _counts() == {}


def test_meetings_page_shows_the_organisations_ready_to_partner(make_user, make_course, client_for):
    course = make_course(modules=1, lessons=1)
    for _ in range(5):
        _complete(client_for(make_user(org="Concello da Coruña", country="ES")), course)

    page = client_for(make_user()).get("/example_partner/").get_data(as_text=True)

    assert "Concello da Coruña" in page
    assert '<td class="num">5</td>' in page


def test_an_organisation_with_fewer_officials_than_the_minimum_is_not_shown_to_others(
    make_user, make_course, client_for
):
    course, other_course = make_course(modules=1, lessons=1), make_course(modules=1, lessons=1)
    alone = make_user(org="Kommune med en tjänsteman", country="SE")
    _complete(client_for(alone), course)
    _complete(client_for(alone), other_course)  # many completions, still one person

    page = client_for(make_user()).get("/example_partner/").get_data(as_text=True)

    assert _counts() == {alone.organisation_id: 2}
    assert "Kommune med en tjänsteman" not in page
    assert "at least 5 of its officials" in page


def test_the_smallest_group_shown_is_a_setting(app_factory, make_user, make_course):
    app = app_factory(config={"MIN_GROUP_SIZE": 2}, plugins=["example_partner"])
    with app.app_context():
        course = make_course(modules=1, lessons=1)
        pair = [make_user(org="Comune di Ferrara", country="IT") for _ in range(2)]
        single = make_user(org="Luleå kommun", country="SE")
        for person in [*pair, single]:
            browser = app.test_client()
            login(browser, person)
            _complete(browser, course)
        viewer = app.test_client()
        login(viewer, make_user())

        page = viewer.get("/example_partner/").get_data(as_text=True)

    assert "Comune di Ferrara" in page and "Luleå kommun" not in page


def test_disabled_plugin_does_not_count(make_user, make_course, client_for, app):
    app.extensions["nttlearn"].set_enabled("example_partner", False)
    db.session.commit()

    _complete(
        client_for(make_user(org="Comune di Bologna", country="IT")),
        make_course(modules=1, lessons=1),
    )

    assert _counts() == {}


def test_merging_two_organisations_adds_their_completions_together(
    app, make_user, make_course, client_for
):
    from nttlearn.testing import invoke_cli

    course, other_course = make_course(modules=1, lessons=1), make_course(modules=1, lessons=1)
    ana = make_user(org="Comune di Bologna", country="IT")
    marco = make_user(org="Bologna municipality", country="IT")
    lina = make_user(org="Luleå kommun", country="SE")
    for person in (ana, marco):
        _complete(client_for(person), course)
    _complete(client_for(marco), other_course)
    _complete(client_for(lina), course)
    kept, spare = ana.organisation_id, marco.organisation_id

    result = invoke_cli(app, "organisations", "merge", str(spare), str(kept), "--json")

    assert result.exit_code == 0, result.output
    assert _counts() == {kept: 3, lina.organisation_id: 1}


def test_merging_into_an_organisation_without_completions_moves_the_row(
    app, make_user, make_course, client_for
):
    from nttlearn.testing import invoke_cli

    course = make_course(modules=1, lessons=1)
    marco = make_user(org="Bologna municipality", country="IT")
    kept = make_user(org="Comune di Bologna", country="IT").organisation_id
    _complete(client_for(marco), course)

    assert (
        invoke_cli(app, "organisations", "merge", str(marco.organisation_id), str(kept)).exit_code
        == 0
    )
    assert _counts() == {kept: 1}
