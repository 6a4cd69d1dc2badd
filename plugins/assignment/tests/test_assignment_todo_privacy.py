"""The to-do list (learners: hand in before the due date; trainers: work to grade) and the
privacy hooks (export; deletion removes texts and files, keeps the points)."""

from __future__ import annotations

import io
from datetime import timedelta

from assignment_samples import PDF

from nttlearn.api import db, file_store, utcnow
from nttlearn.testing import count_rows
from nttlearn_assignment import privacy
from nttlearn_assignment.models import Submission, SubmissionFile
from nttlearn_assignment.todo import todo_items


def _hand_in(browser, a):
    browser.post(
        f"/assignment/{a.activity.id}/answer",
        content_type="multipart/form-data",
        data={
            "text": "My tree",
            "action": "submit",
            "seen": "0",
            "files": (io.BytesIO(PDF), "tree.pdf"),
        },
    )


def test_the_learner_is_asked_to_hand_in_before_the_due_date_and_the_trainer_to_grade(
    app, make_assignment, client_for
):
    due = (utcnow() + timedelta(days=20)).replace(microsecond=0)
    a = make_assignment(due=due.isoformat())

    with app.test_request_context():
        [item] = todo_items(a.learner)
        assert (item.key, item.due_at, item.state) == (
            f"assignment:{a.activity.id}:due",
            due,
            "todo",
        )
        assert item.title == "Hand in the assignment “Your problem tree”"
        assert todo_items(a.trainer) == []

    _hand_in(client_for(a.learner), a)

    with app.test_request_context():
        assert todo_items(a.learner) == []
        [item] = todo_items(a.trainer)
        assert item.title == "1 submission to grade in “Your problem tree”"
        assert item.url.endswith(f"/assignment/{a.activity.id}/submissions?show=to_grade")


def test_the_export_holds_the_work_and_deletion_removes_texts_and_files_but_keeps_points(
    make_assignment, client_for
):
    a = make_assignment()
    _hand_in(client_for(a.learner), a)
    client_for(a.trainer).post(
        f"/assignment/{a.activity.id}/submissions/{a.learner.id}",
        data={"points": "80", "feedback": "Well argued"},
    )
    key = db.session.execute(db.select(SubmissionFile.storage_key)).scalar_one()

    exported = privacy.user_data(a.learner.id)
    privacy.delete_user_data(a.learner.id)
    db.session.commit()

    [entry] = exported["submissions"]
    assert (entry["text"], entry["points"], entry["feedback"]) == ("My tree", 80.0, "Well argued")
    assert entry["files"] == [{"name": "tree.pdf", "size": len(PDF), "kind": "submission"}]
    db.session.expire_all()
    submission = db.session.execute(db.select(Submission)).scalar_one()
    assert (submission.text, submission.feedback, submission.points) == ("", "", 80.0)
    assert count_rows(SubmissionFile) == 0 and not file_store().exists(key)
    assert privacy.user_data(make_assignment().learner.id) is None
