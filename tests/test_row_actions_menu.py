"""Issue 16, "declutter": a table row's destructive action (delete a module, lesson, activity or
media file) sits in the row's "More" menu (details.row-actions), not as a red button on every
row; the menu names its row for screen readers, and the action still asks first."""

from __future__ import annotations

import io
import re

import pytest
from media_samples import PNG

from nttlearn.extensions import db
from nttlearn.models import Lesson, Module

MENU = re.compile(r'<details class="row-actions">\s*<summary>(.*?)</summary>(.*?)</details>', re.S)


def menus(page: str) -> list[tuple[str, str]]:
    """(summary, content) of every row menu of the page."""
    return [(re.sub(r"<[^>]+>", "", summary), content) for summary, content in MENU.findall(page)]


def outside_menus(page: str) -> str:
    return MENU.sub("", page)


@pytest.fixture
def trainer_course(make_user, make_course, login_as):
    trainer = make_user(role="trainer")
    course = make_course(modules=2, lessons=2, trainer=trainer, activities=[(0, "quiz", True)])
    login_as(trainer)
    return course


def test_the_outline_folds_each_delete_button_in_its_row_s_menu(client, trainer_course):
    page = client.get(f"/author/courses/{trainer_course.id}/outline").get_data(as_text=True)

    found = menus(page)
    summaries = [summary for summary, _ in found]
    assert (
        "More: Module 1" in summaries
        and "More: Lesson 1.1" in summaries
        and "More: quiz 0" in summaries
    )
    assert len(found) == 2 + 4 + 1  # two modules, four lessons, one activity
    assert all('aria-label="Delete: ' in content and "/delete" in content for _, content in found)
    assert "danger" not in outside_menus(page)  # no red button left on the rows themselves


def test_a_delete_from_the_outline_s_menu_still_asks_first(client, trainer_course):
    lesson = (
        db.session.execute(
            db.select(Lesson)
            .join(Module)
            .where(Module.course_id == trainer_course.id)
            .order_by(Lesson.id)
        )
        .scalars()
        .first()
    )
    page = client.get(f"/author/courses/{trainer_course.id}/outline").get_data(as_text=True)
    action = f"/author/courses/{trainer_course.id}/lessons/{lesson.id}/delete"
    assert any(action in content for _, content in menus(page))

    asked = client.post(action)

    assert asked.status_code == 200 and 'name="confirmed" value="1"' in asked.get_data(as_text=True)
    assert db.session.get(Lesson, lesson.id) is not None


def test_the_media_list_folds_each_delete_button_in_its_row_s_menu(client, trainer_course):
    for name in ("map.png", "plan.png"):
        client.post(
            f"/author/courses/{trainer_course.id}/media",
            data={"image": (io.BytesIO(PNG), name)},
            content_type="multipart/form-data",
        )

    page = client.get(f"/author/courses/{trainer_course.id}/media").get_data(as_text=True)

    found = dict(menus(page))
    assert set(found) == {"More: map.png", "More: plan.png"}
    assert f"/author/courses/{trainer_course.id}/media/map.png/delete" in found["More: map.png"]
    assert "danger" not in outside_menus(page[page.index("<table") :])


def test_the_row_menu_speaks_the_reader_s_language(make_user, make_course, client_for):
    trainer = make_user(role="trainer")
    trainer.locale = "it"
    course = make_course(modules=1, lessons=1, trainer=trainer)
    db.session.commit()

    page = client_for(trainer).get(f"/author/courses/{course.id}/outline").get_data(as_text=True)

    assert [summary for summary, _ in menus(page)][:2] == ["Altro: Module 1", "Altro: Lesson 1.1"]
    assert "Elimina" in menus(page)[0][1]
