"""The catalogue, the dashboard and following a course: search, filters, resume, next/previous."""

from __future__ import annotations

import re

from markupsafe import Markup

from nttlearn import hookimpl
from nttlearn.extensions import db
from nttlearn.learn.structure import course_outline
from nttlearn.models import Enrolment, Lesson
from nttlearn.testing import login


def text(response) -> str:
    return response.get_data(as_text=True)


def titles(page: str) -> list[str]:
    return re.findall(r'<h2><a href="/courses/[^"]+">([^<]+)</a></h2>', page)


# -- catalogue -------------------------------------------------------------------------------------
def test_catalogue_lists_published_courses_with_area_length_languages_and_trainer(
    client, make_user, make_course
):
    trainer = make_user(role="trainer", name="Paolo Trainer")
    make_course(
        title="Renewable energy for small towns",
        policy_area="renewable-energy",
        hours=6,
        languages=["en", "sv"],
        trainer=trainer,
    )
    make_course(title="Draft course", published=False)
    make_course(title="Old course", archived=True)

    page = text(client.get("/"))

    assert titles(page) == ["Renewable energy for small towns"]
    assert "Renewable energy sources" in page and "6 hours" in page
    assert "Languages: EN, SV" in re.sub(
        r"<[^>]+>", "", page
    )  # computed from the course's translations
    assert "Trainer" in page and "Paolo Trainer" in page


def test_catalogue_search_matches_title_and_summary_whatever_the_case(client, make_course):
    make_course(title="Youth exchanges", summary="Twinning for young people", policy_area="youth")
    make_course(
        title="Social enterprises",
        summary="Cooperatives and ENERGY communities",
        policy_area="social-enterprise",
    )
    make_course(title="Renewable Energy", summary="Wind and sun", policy_area="renewable-energy")

    assert titles(text(client.get("/?q=energy"))) == ["Renewable Energy", "Social enterprises"]
    assert titles(text(client.get("/?q=TWINNING"))) == ["Youth exchanges"]
    assert "No course matches your search." in text(client.get("/?q=astronomy"))


def test_catalogue_filters_by_policy_area_and_language_together_with_search(client, make_course):
    make_course(title="Youth in Italian", policy_area="youth", languages=["en", "it"])
    make_course(title="Youth in Swedish", policy_area="youth", languages=["en", "sv"])
    make_course(title="Energy in Italian", policy_area="renewable-energy", languages=["it"])

    assert titles(text(client.get("/?area=youth"))) == ["Youth in Italian", "Youth in Swedish"]
    assert titles(text(client.get("/?language=it"))) == ["Energy in Italian", "Youth in Italian"]
    assert titles(text(client.get("/?area=youth&language=sv"))) == ["Youth in Swedish"]
    assert titles(text(client.get("/?q=italian&area=renewable-energy"))) == ["Energy in Italian"]
    page = text(client.get("/?area=youth&language=sv&q=youth"))
    assert 'value="youth"' in page and '<option value="youth" selected>' in page
    assert '<option value="sv" lang="sv" selected>' in page


def test_catalogue_ignores_unknown_filters_and_treats_wildcards_as_text(client, make_course):
    make_course(title="Youth exchanges", policy_area="youth")

    assert titles(text(client.get("/?area=nonsense&language=xx"))) == ["Youth exchanges"]
    assert titles(text(client.get("/?area=nonsense"))) == ["Youth exchanges"]
    assert titles(text(client.get("/?q=%25"))) == []
    assert titles(text(client.get("/?q=_"))) == []


def test_catalogue_marks_the_courses_the_learner_is_enrolled_in(
    client, make_user, make_course, login_as
):
    mine = make_course(title="Mine")
    make_course(title="Other")
    login_as(make_user())
    client.post(f"/courses/{mine.slug}/enrol")

    cards = text(client.get("/")).split('<li class="card course-card">')[1:]

    badges = {
        re.search(r'">([^<]+)</a></h2>', card).group(1): 'class="badge">Enrolled' in card
        for card in cards
    }
    assert badges == {"Mine": True, "Other": False}


# -- enrolment -------------------------------------------------------------------------------------
def test_a_course_closed_to_self_enrolment_says_so_and_enrols_nobody(
    client, make_user, make_course, login_as
):
    course = make_course(self_enrolment=False)
    login_as(make_user())

    assert "Enrolment in this course is by invitation" in text(
        client.get(f"/courses/{course.slug}")
    )
    response = client.post(f"/courses/{course.slug}/enrol", follow_redirects=True)

    assert "This course is not open for self-enrolment." in text(response)
    assert db.session.scalar(db.select(db.func.count(Enrolment.id))) == 0


def test_an_unpublished_course_is_hidden_from_learners_but_shown_to_its_trainer(
    client, app, make_user, make_course, login_as
):
    trainer = make_user(role="trainer")
    course = make_course(published=False, trainer=trainer)
    login_as(make_user())
    assert client.get(f"/courses/{course.slug}").status_code == 404
    assert client.post(f"/courses/{course.slug}/enrol").status_code == 404

    trainer_client = app.test_client()
    login(trainer_client, trainer)
    page = text(trainer_client.get(f"/courses/{course.slug}"))
    assert "Draft: only trainers see this course." in page


def test_a_lesson_of_another_course_or_an_archived_lesson_answers_404(
    client, make_user, make_course, login_as
):
    course, other = make_course(), make_course()
    learner = make_user()
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    db.session.commit()
    other_lesson = course_outline(other, None).ordered_lessons()[0]
    archived = db.session.get(Lesson, course_outline(course, None).ordered_lessons()[1].id)
    archived.archived = True
    db.session.commit()
    login_as(learner)

    assert client.get(f"/courses/{course.slug}/lessons/{other_lesson.id}").status_code == 404
    assert client.get(f"/courses/{course.slug}/lessons/{archived.id}").status_code == 404
    assert client.get(f"/courses/{course.slug}/lessons/999999").status_code == 404


# -- following a course ----------------------------------------------------------------------------
def enrolled(client, make_user, make_course, login_as, **course_fields):
    course = make_course(**course_fields)
    learner = make_user()
    login_as(learner)
    client.post(f"/courses/{course.slug}/enrol")
    return (
        course,
        learner,
        [
            db.session.get(Lesson, entry.id)
            for entry in course_outline(course, None).ordered_lessons()
        ],
    )


def pager(page: str) -> tuple[str | None, str | None]:
    prev = re.search(r'<a rel="prev" href="([^"]+)"', page)
    nxt = re.search(r'<a rel="next" href="([^"]+)"', page)
    return (prev.group(1) if prev else None, nxt.group(1) if nxt else None)


def test_previous_and_next_follow_the_course_order_across_modules(
    client, make_user, make_course, login_as
):
    course, _, lessons = enrolled(client, make_user, make_course, login_as, modules=2, lessons=2)
    urls = [f"/courses/{course.slug}/lessons/{lesson.id}" for lesson in lessons]
    assert [lesson.title for lesson in lessons] == [
        "Lesson 1.1",
        "Lesson 1.2",
        "Lesson 2.1",
        "Lesson 2.2",
    ]

    assert pager(text(client.get(urls[0]))) == (None, urls[1])
    assert pager(text(client.get(urls[1]))) == (urls[0], urls[2])  # from module 1 into module 2
    assert pager(text(client.get(urls[2]))) == (urls[1], urls[3])
    assert pager(text(client.get(urls[3]))) == (urls[2], None)
    assert 'aria-current="page">Lesson 2.1<' in text(client.get(urls[2]))


def test_the_course_page_resumes_where_the_learner_left_off(
    client, make_user, make_course, login_as
):
    course, learner, lessons = enrolled(
        client, make_user, make_course, login_as, modules=2, lessons=2
    )
    course_url = f"/courses/{course.slug}"

    def resume_target() -> str:
        return re.search(
            r'<a class="button primary" href="([^"]+)">Continue: ([^<]+)</a>',
            text(client.get(course_url)),
        ).group(2)

    assert resume_target() == "Lesson 1.1"  # never opened: the first lesson
    client.get(f"{course_url}/lessons/{lessons[2].id}")
    assert resume_target() == "Lesson 2.1"  # the lesson last opened
    client.post(f"{course_url}/lessons/{lessons[2].id}/done", data={"next": "stay"})
    assert resume_target() == "Lesson 2.2"  # last opened is done: the next one not done
    lessons[3].archived = True
    db.session.commit()
    client.get(f"{course_url}/lessons/{lessons[1].id}")
    client.post(f"{course_url}/lessons/{lessons[1].id}/done", data={"next": "stay"})
    assert resume_target() == "Lesson 1.1"  # nothing not done after it: the first one not done


def test_mark_as_done_and_continue_goes_to_the_next_lesson_then_back_to_the_course(
    client, make_user, make_course, login_as
):
    course, _, lessons = enrolled(client, make_user, make_course, login_as, modules=1, lessons=3)
    base = f"/courses/{course.slug}/lessons"

    first = client.post(f"{base}/{lessons[0].id}/done", data={"next": "continue"})
    stay = client.post(f"{base}/{lessons[1].id}/done", data={"next": "stay"})
    last = client.post(f"{base}/{lessons[2].id}/done", data={"next": "continue"})

    assert first.headers["Location"] == f"{base}/{lessons[1].id}"
    assert stay.headers["Location"] == f"{base}/{lessons[1].id}"
    assert last.headers["Location"] == f"/courses/{course.slug}"
    page = text(client.get(f"/courses/{course.slug}"))
    assert "100% complete (3/3)" in page and "You completed this course on" in page


def test_skipping_a_lesson_and_continuing_goes_forward_not_back(
    client, make_user, make_course, login_as
):
    course, _, lessons = enrolled(client, make_user, make_course, login_as, modules=1, lessons=4)
    base = f"/courses/{course.slug}/lessons"

    response = client.post(f"{base}/{lessons[2].id}/done", data={"next": "continue"})

    assert response.headers["Location"] == f"{base}/{lessons[3].id}"


def test_progress_is_shown_per_module_and_for_the_course(client, make_user, make_course, login_as):
    course, _, lessons = enrolled(client, make_user, make_course, login_as, modules=2, lessons=2)
    client.post(f"/courses/{course.slug}/lessons/{lessons[0].id}/done")

    page = text(client.get(f"/courses/{course.slug}"))

    assert "25% complete (1/4)" in page
    assert 'aria-label="Progress in Module 1"' in page and "50% complete (1/2)" in page
    assert 'aria-label="Progress in Module 2"' in page and "0% complete (0/2)" in page
    lesson_page = text(client.get(f"/courses/{course.slug}/lessons/{lessons[0].id}"))
    assert 'id="lesson-state">Done<' in lesson_page and "25% complete (1/4)" in lesson_page


def test_optional_lessons_do_not_count_unless_the_course_counts_everything(
    client, make_user, make_course, login_as
):
    course, learner, lessons = enrolled(
        client, make_user, make_course, login_as, modules=1, lessons=3
    )
    lessons[2].required = False
    db.session.commit()
    for lesson in lessons[:2]:
        client.post(f"/courses/{course.slug}/lessons/{lesson.id}/done")

    page = text(client.get(f"/courses/{course.slug}"))

    assert "100% complete (2/2)" in page and "You completed this course on" in page


# -- dashboard -------------------------------------------------------------------------------------
class Announcements:
    name = "announcements"

    @hookimpl
    def nttlearn_template_slot(self, slot, context):
        if slot == "dashboard":
            return Markup('<p class="announcement">Next partnering meeting for {}</p>').format(
                context["user"].name
            )
        return None


def test_dashboard_shows_my_courses_with_progress_and_the_dashboard_slot(
    app_factory, make_user, make_course
):
    app = app_factory(plugins=[Announcements()])
    learner = make_user(name="Giulia Rossi")
    course = make_course(title="Project cycle", modules=1, lessons=4)
    make_course(title="Not mine")
    client = app.test_client()
    login(client, learner)
    client.post(f"/courses/{course.slug}/enrol")
    lesson = course_outline(course, None).ordered_lessons()[0]
    client.post(f"/courses/{course.slug}/lessons/{lesson.id}/done")

    page = text(client.get("/dashboard"))

    assert "Welcome, Giulia Rossi" in page
    assert ">Project cycle</a>" in page and "Not mine" not in page
    assert "25% complete (1/4)" in page
    assert '<p class="announcement">Next partnering meeting for Giulia Rossi</p>' in page


def test_dashboard_lists_the_most_recently_followed_course_first(
    client, make_user, make_course, login_as
):
    older, newer = make_course(title="Older course"), make_course(title="Newer course")
    login_as(make_user())
    client.post(f"/courses/{older.slug}/enrol")
    client.post(f"/courses/{newer.slug}/enrol")
    lesson = db.session.execute(db.select(Lesson).order_by(Lesson.id)).scalars().first()
    client.post(f"/courses/{older.slug}/lessons/{lesson.id}/done")

    page = text(client.get("/dashboard"))
    my_courses = page[
        page.index("My courses") :
    ]  # the to-do list above orders by date, then by name

    assert my_courses.index("Older course") < my_courses.index("Newer course")


def test_an_empty_dashboard_points_to_the_catalogue(client, make_user, login_as):
    login_as(make_user())

    assert "You are not enrolled in any course yet." in text(client.get("/dashboard"))


def test_a_trainer_s_dashboard_lists_the_courses_they_teach(
    client, make_user, make_course, login_as
):
    trainer = make_user(role="trainer")
    course = make_course(title="Taught course", trainer=trainer)
    login_as(trainer)

    page = text(client.get("/dashboard"))

    assert "Courses I teach" in page and f'href="/teach/courses/{course.id}/progress"' in page
