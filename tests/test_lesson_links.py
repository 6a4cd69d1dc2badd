"""Links between lessons, written in a package as relative paths to lesson files, take the
learner to the lesson's page."""

from __future__ import annotations

import re

from nttlearn.extensions import db
from nttlearn.learn.structure import course_outline
from nttlearn.models import Lesson


def test_links_to_lesson_files_lead_to_the_lessons_pages(make_user, make_course, login_as):
    course = make_course(
        modules=2, lessons=2
    )  # modules module-1, module-2; lessons lesson-1, lesson-2
    first, second, _, other = (
        db.session.get(Lesson, e.id) for e in course_outline(course, None).ordered_lessons()
    )
    first.body = (
        "Read [the next lesson](02-lesson-2.md), [its Swedish text](02-lesson-2.sv.md), "
        "[a part of module 2](../02-module-2/02-lesson-2.md#budget), "
        "[a missing lesson](09-nowhere.md), [the handout](../../media/handout.pdf) "
        "and [the programme](https://example.org/guide)."
    )
    db.session.commit()
    client = login_as(make_user())
    client.post(f"/courses/{course.slug}/enrol")

    page = client.get(f"/courses/{course.slug}/lessons/{first.id}").get_data(as_text=True)
    by_text = {text: href for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', page)}

    assert by_text["the next lesson"] == f"/courses/{course.slug}/lessons/{second.id}"
    assert by_text["its Swedish text"] == f"/courses/{course.slug}/lessons/{second.id}"
    assert by_text["a part of module 2"] == f"/courses/{course.slug}/lessons/{other.id}#budget"
    assert by_text["a missing lesson"] == "09-nowhere.md"
    assert by_text["the handout"] == f"/courses/{course.slug}/media/handout.pdf"
    assert by_text["the programme"] == "https://example.org/guide"
