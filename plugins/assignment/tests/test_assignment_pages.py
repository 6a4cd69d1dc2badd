"""The trainer's pages: the grading list and the downloads read a course in a fixed number of
queries however many learners hand in, and the settings form saves what it shows and re-shows
what it refuses."""

from __future__ import annotations

import io

from assignment_samples import PDF

from nttlearn.api import Enrolment, db
from nttlearn.testing import count_queries
from nttlearn_assignment.models import Assignment


def _learners_hand_in(a, make_user, client_for, n: int) -> None:
    for i in range(n):
        learner = make_user(name=f"Learner {i:02d}")
        db.session.add(Enrolment(user_id=learner.id, course_id=a.course.id))
        db.session.commit()
        client_for(learner).post(
            f"/assignment/{a.activity.id}/answer",
            content_type="multipart/form-data",
            data={
                "text": f"Answer {i}",
                "action": "submit",
                "seen": "0",
                "files": (io.BytesIO(PDF), f"tree-{i}.pdf"),
            },
        )


def _queries(app, browser, url: str) -> int:
    db.session.remove()
    with count_queries(app) as statements:
        assert browser.get(url).status_code == 200
    return len(statements)


def test_the_list_and_the_downloads_do_not_grow_with_the_learners(
    app, make_assignment, make_user, client_for
):
    a = make_assignment()
    trainer = client_for(a.trainer)
    urls = [
        f"/assignment/{a.activity.id}/submissions",
        f"/assignment/{a.activity.id}/submissions.zip",
        f"/assignment/{a.activity.id}/grades.csv",
    ]
    _learners_hand_in(a, make_user, client_for, 2)
    for url in urls:
        trainer.get(url)  # warm
    few = [_queries(app, trainer, url) for url in urls]

    _learners_hand_in(a, make_user, client_for, 6)
    many = [_queries(app, trainer, url) for url in urls]

    assert few == many, (few, many)


def test_the_settings_form_saves_and_refuses_with_a_message(make_assignment, client_for):
    a = make_assignment()
    trainer = client_for(a.trainer)
    form = {
        "instructions": "Hand in **two** pages.",
        "due_at": "2027-03-31T21:59",
        "max_points": "20",
        "pass_mark": "12",
        "text_entry": "y",
        "file_upload": "y",
        "file_types": ["pdf", "odt"],
        "max_file_mb": "5",
        "max_files": "2",
        "completion": "passed",
    }

    saved = trainer.post(f"/assignment/{a.activity.id}/edit", data=form)
    refused = trainer.post(f"/assignment/{a.activity.id}/edit", data={**form, "pass_mark": ""})

    assert saved.status_code == 302
    assert refused.status_code == 400 and "Set a pass mark" in refused.get_data(as_text=True)
    db.session.expire_all()
    assignment = db.session.get(Assignment, a.activity.id)
    assert (
        assignment.max_points,
        assignment.pass_mark,
        assignment.file_types,
        assignment.completion,
    ) == (20, 12, ["odt", "pdf"], "passed")
    assert assignment.due_at.isoformat() == "2027-03-31T21:59:00+00:00"
    assert client_for(a.learner).get(f"/assignment/{a.activity.id}/edit").status_code == 403
