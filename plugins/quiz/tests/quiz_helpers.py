"""Helpers for the quiz plugin's tests: driving attempts through the pages, reading rows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from nttlearn import db
from nttlearn.models import Enrolment, EventRecord
from nttlearn_quiz.models import Attempt, AttemptAnswer


def enrol(user, course) -> None:
    db.session.add(Enrolment(user_id=user.id, course_id=course.id))
    db.session.commit()


def seq_fields(html: str) -> dict[str, Any]:
    """The hidden seq-N fields of an attempt page (what the browser would post back)."""
    return {m[0]: m[1] for m in re.findall(r'name="(seq-\d+)" value="(\d+)"', html)}


def start(client: FlaskClient, activity_id: int) -> tuple[int, str]:
    """Start (or resume) an attempt through the page's button: (attempt id, attempt page HTML)."""
    response = client.post(f"/quiz/{activity_id}/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.search(r"/quiz/attempt/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    return int(match[1]), page.get_data(as_text=True)


def choice_position(html: str, slot: int, label: str) -> str:
    """The value the page posts for the choice labelled ``label`` of question ``slot``."""
    pattern = rf'name="q{slot}" value="(\d+)"[^>]*>\s*<span>{re.escape(label)}</span>'
    match = re.search(pattern, html)
    assert match, f"no choice {label!r} for question {slot}"
    return match[1]


def answers(attempt_id: int) -> dict[int, AttemptAnswer]:
    db.session.expire_all()
    return {
        a.slot_number: a
        for a in db.session.execute(
            db.select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt_id)
        ).scalars()
    }


def attempt_row(attempt_id: int) -> Attempt:
    db.session.expire_all()
    return db.session.get(Attempt, attempt_id)


def events(name: str) -> list[EventRecord]:
    db.session.expire_all()
    return list(
        db.session.execute(
            db.select(EventRecord).where(EventRecord.name == name).order_by(EventRecord.id)
        ).scalars()
    )


def slot_of(attempt_id: int, name: str) -> int:
    """The slot number (position in the attempt) of the question called ``name``."""
    from nttlearn_quiz.models import QuestionVersion

    db.session.expire_all()
    for answer, data in db.session.execute(
        db.select(AttemptAnswer, QuestionVersion.data)
        .join(QuestionVersion, QuestionVersion.id == AttemptAnswer.question_version_id)
        .where(AttemptAnswer.attempt_id == attempt_id)
    ).all():
        if data["name"] == name:
            return answer.slot_number
    raise AssertionError(f"no question {name!r} in attempt {attempt_id}")


HERE = Path(__file__).resolve().parent


class _FormReader:
    """Collects what a browser would post for the first ``form.quiz-attempt`` of a page."""

    def __init__(self) -> None:
        from html.parser import HTMLParser

        reader = self
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._text: list[str] = []

        class Parser(HTMLParser):
            def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
                a = {k: v or "" for k, v in attrs}
                if "disabled" in a or not a.get("name") and tag != "option":
                    return
                if tag == "input":
                    kind = a.get("type", "text")
                    if kind in ("radio", "checkbox") and "checked" not in a:
                        return
                    if kind in ("submit", "button"):
                        return
                    reader.fields.append((a["name"], a.get("value", "")))
                elif tag == "textarea":
                    reader._textarea, reader._text = a["name"], []
                elif tag == "select":
                    reader._select = a["name"]
                elif tag == "option" and reader._select and "selected" in a:
                    reader.fields.append((reader._select, a.get("value", "")))

            def handle_endtag(self, tag: str) -> None:
                if tag == "textarea" and reader._textarea:
                    reader.fields.append((reader._textarea, "".join(reader._text)))
                    reader._textarea = None
                elif tag == "select":
                    reader._select = None

            def handle_data(self, data: str) -> None:
                if reader._textarea:
                    reader._text.append(data)

        self.parser = Parser()


def page_form(html: str, **changes: Any) -> dict[str, Any]:
    """What the attempt page's form posts as it stands, with ``changes`` applied (a value of
    None removes a field, as unticking does). Multiple values become lists."""
    start_at = html.find('class="quiz-attempt"')
    form_html = html[html.rfind("<form", 0, start_at) : html.find("</form>", start_at)]
    reader = _FormReader()
    reader.parser.feed(form_html)
    data: dict[str, Any] = {}
    for name, value in reader.fields:
        if name == "csrf_token":
            continue
        if name in data:
            data[name] = [*(data[name] if isinstance(data[name], list) else [data[name]]), value]
        else:
            data[name] = value
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data
