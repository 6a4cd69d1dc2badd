"""Other plugins' panels appear on the evaluation pages; this plugin's links appear in the
core's slots and its panel on the core's progress page."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from nttlearn import hookimpl
from nttlearn.reports.panels import ReportPanel


class QuizPanels:
    """Stands for the quiz plugin: an item-analysis panel per course and for the programme."""

    name = "panel_probe"

    @hookimpl
    def nttlearn_report_panels(self, course):
        where = course.title if course is not None else "the programme"
        return [
            ReportPanel(
                f"Quiz item analysis for {where}",
                Markup("<p>Question 3 is too easy.</p>"),
                csv_url="/quiz/items.csv",
            )
        ]


class BrokenPanels:
    name = "broken_probe"

    @hookimpl
    def nttlearn_report_panels(self, course):
        raise RuntimeError("this panel is broken")


@pytest.fixture
def app_plugins():
    return ["evaluation", QuizPanels(), BrokenPanels()]


@pytest.fixture
def course_with_trainer(data):
    trainer = data.person("Tina", role="trainer")
    course = data.course(
        "Designing a network",
        modules=1,
        lessons=1,
        trainer=trainer,
        activities=[(0, "survey", False)],
    )
    data.commit()
    return course, trainer


def test_other_plugins_panels_appear_on_the_course_report(course_with_trainer, client_for):
    course, trainer = course_with_trainer
    page = client_for(trainer).get(f"/reports/courses/{course.id}").get_data(as_text=True)

    assert "Quiz item analysis for Designing a network" in page
    assert "<p>Question 3 is too easy.</p>" in page and 'href="/quiz/items.csv"' in page
    assert "Monitoring and evaluation" not in page  # its own panel is not repeated on its own page


def test_programme_panels_appear_on_the_quality_page(data, client_for):
    page = (
        client_for(data.person("Karin", role="coordinator"))
        .get("/reports/quality")
        .get_data(as_text=True)
    )

    assert "Quiz item analysis for the programme" in page


def test_the_plugin_panel_links_the_core_progress_page_to_the_reports(
    course_with_trainer, client_for
):
    course, trainer = course_with_trainer
    page = client_for(trainer).get(f"/teach/courses/{course.id}/progress").get_data(as_text=True)

    assert "Monitoring and evaluation" in page
    assert f'href="/reports/courses/{course.id}"' in page
    assert "0 answers · anonymous" in page


def test_slots_link_each_role_to_its_reports(course_with_trainer, data, client_for):
    course, trainer = course_with_trainer
    coordinator = (
        client_for(data.person("Karin", role="coordinator")).get("/").get_data(as_text=True)
    )
    learner = data.person("Lena")
    data.enrol(learner, course, data.ago(1))
    data.commit()
    learner_home = client_for(learner).get("/").get_data(as_text=True)
    learner_profile = client_for(learner).get("/account").get_data(as_text=True)
    sidebar = client_for(trainer).get(f"/courses/{course.slug}").get_data(as_text=True)
    admin = client_for(data.person("Ada", role="admin")).get("/admin/").get_data(as_text=True)

    assert (
        'href="/reports/programme"' in coordinator
        and 'href="/reports/programme"' not in learner_home
    )
    assert 'href="/reports/me"' in learner_profile
    assert f'href="/reports/courses/{course.id}"' in sidebar
    assert 'href="/reports/impact"' in admin and 'href="/reports/quality"' in admin
