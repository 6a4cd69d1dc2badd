"""A learner keeps a draft, hands it in (once, however often they click), sees their status, and
is marked late after their own due date: their cohort's deadline first, else the assignment's."""

from __future__ import annotations

import io
from datetime import date, timedelta

from assignment_samples import PDF

from nttlearn.api import ActivityCompletion, EventRecord, db, utcnow
from nttlearn.testing import count_rows
from nttlearn_assignment.models import Submission, SubmissionFile


def _events(name: str) -> list[EventRecord]:
    db.session.expire_all()
    return list(
        db.session.execute(db.select(EventRecord).where(EventRecord.name == name)).scalars()
    )


def _submission(a) -> Submission:
    db.session.expire_all()
    return db.session.execute(
        db.select(Submission).where(Submission.activity_id == a.activity.id)
    ).scalar_one()


def test_a_draft_is_kept_and_not_handed_in(make_assignment, client_for):
    a = make_assignment()
    browser = client_for(a.learner)

    saved = browser.post(
        f"/assignment/{a.activity.id}/answer",
        data={"text": "Causes: *few buses*", "action": "draft", "seen": "0"},
        follow_redirects=True,
    )

    page = saved.get_data(as_text=True)
    assert "Your draft has been saved" in page and "Causes: *few buses*" in page
    submission = _submission(a)
    assert (submission.state, submission.times_submitted) == ("draft", 0)
    assert _events("assignment.submitted") == []
    assert count_rows(ActivityCompletion) == 0


def test_handing_in_text_and_a_file_completes_the_activity_once_even_on_a_double_click(
    make_assignment, client_for
):
    a = make_assignment()
    browser = client_for(a.learner)
    form = {"text": "My tree", "action": "submit", "seen": "0"}

    first = browser.post(
        f"/assignment/{a.activity.id}/answer",
        data={**form, "files": (io.BytesIO(PDF), "tree.pdf")},
        content_type="multipart/form-data",
    )
    second = browser.post(f"/assignment/{a.activity.id}/answer", data=form, follow_redirects=True)

    assert first.status_code == 302
    assert "already been handed in" in second.get_data(as_text=True)
    submission = _submission(a)
    assert (submission.state, submission.times_submitted, submission.late) == (
        "submitted",
        1,
        False,
    )
    assert count_rows(Submission) == 1 and count_rows(SubmissionFile, filename="tree.pdf") == 1
    assert len(_events("assignment.submitted")) == 1
    assert count_rows(ActivityCompletion, activity_id=a.activity.id, user_id=a.learner.id) == 1
    page = browser.get(f"/assignment/{a.activity.id}").get_data(as_text=True)
    assert "Handed in" in page and "tree.pdf" in page and "Hand in again" in page


def test_resubmitting_before_grading_counts_a_second_hand_in(make_assignment, client_for):
    a = make_assignment()
    browser = client_for(a.learner)
    browser.post(
        f"/assignment/{a.activity.id}/answer", data={"text": "v1", "action": "submit", "seen": "0"}
    )

    browser.post(
        f"/assignment/{a.activity.id}/answer", data={"text": "v2", "action": "submit", "seen": "1"}
    )

    submission = _submission(a)
    assert (submission.text, submission.times_submitted) == ("v2", 2)
    assert len(_events("assignment.submitted")) == 2


def test_nothing_to_hand_in_is_refused_and_the_text_is_kept(make_assignment, client_for):
    a = make_assignment(submission=["file"])
    browser = client_for(a.learner)

    refused = browser.post(
        f"/assignment/{a.activity.id}/answer", data={"action": "submit", "seen": "0"}
    )

    assert refused.status_code == 400
    assert "nothing to hand in" in refused.get_data(as_text=True)
    assert count_rows(Submission, state="submitted") == 0


def test_a_file_of_a_type_not_accepted_or_with_the_wrong_content_is_refused_with_the_reason(
    make_assignment, client_for
):
    a = make_assignment(file_types=["pdf"])
    browser = client_for(a.learner)

    wrong_type = browser.post(
        f"/assignment/{a.activity.id}/answer",
        content_type="multipart/form-data",
        data={
            "text": "Kept text",
            "action": "draft",
            "seen": "0",
            "files": (io.BytesIO(b"PK\x03\x04"), "tree.docx"),
        },
    )
    disguised = browser.post(
        f"/assignment/{a.activity.id}/answer",
        content_type="multipart/form-data",
        data={
            "text": "Kept text",
            "action": "draft",
            "seen": "0",
            "files": (io.BytesIO(b"MZ\x90\x00binary"), "tree.pdf"),
        },
    )

    assert wrong_type.status_code == disguised.status_code == 400
    assert "only these file types are accepted: pdf" in wrong_type.get_data(as_text=True)
    assert "Kept text" in wrong_type.get_data(as_text=True)
    assert "tree.pdf" in disguised.get_data(as_text=True)
    assert count_rows(SubmissionFile) == 0


def test_a_hand_in_after_the_assignments_due_date_is_marked_late(make_assignment, client_for):
    a = make_assignment(due=(utcnow() - timedelta(hours=1)).isoformat())
    browser = client_for(a.learner)

    browser.post(
        f"/assignment/{a.activity.id}/answer",
        data={"text": "Sorry", "action": "submit", "seen": "0"},
    )

    assert _submission(a).late is True
    assert "late" in browser.get(f"/assignment/{a.activity.id}").get_data(as_text=True)
    assert (
        client_for(a.trainer)
        .get(f"/assignment/{a.activity.id}/submissions?show=late")
        .get_data(as_text=True)
        .count("Lauri Learner")
        == 1
    )


def test_the_cohorts_deadline_comes_before_the_assignments_own_date(make_assignment, client_for):
    from nttlearn.cohorts.services import add_to_cohort, create_cohort, set_deadline

    a = make_assignment(due=(utcnow() + timedelta(days=10)).isoformat())
    cohort = create_cohort(a.course, "Spring", date.today() - timedelta(days=30))
    add_to_cohort(a.learner, cohort)
    set_deadline(cohort, a.activity.id, utcnow() - timedelta(days=1))
    db.session.commit()

    client_for(a.learner).post(
        f"/assignment/{a.activity.id}/answer", data={"text": "x", "action": "submit", "seen": "0"}
    )

    assert _submission(a).late is True


def test_a_learner_cannot_open_another_learners_file(make_assignment, make_user, client_for):
    from nttlearn.api import Enrolment

    a = make_assignment()
    client_for(a.learner).post(
        f"/assignment/{a.activity.id}/answer",
        content_type="multipart/form-data",
        data={"action": "submit", "seen": "0", "files": (io.BytesIO(PDF), "mine.pdf")},
    )
    other = make_user(name="Other Learner")
    db.session.add(Enrolment(user_id=other.id, course_id=a.course.id))
    db.session.commit()
    file_id = db.session.execute(db.select(SubmissionFile.id)).scalar_one()

    assert client_for(other).get(f"/assignment/{a.activity.id}/files/{file_id}").status_code == 404
    assert (
        client_for(other).post(f"/assignment/{a.activity.id}/files/{file_id}/delete").status_code
        == 404
    )
    mine = client_for(a.learner).get(f"/assignment/{a.activity.id}/files/{file_id}")
    assert mine.status_code == 200 and mine.data == PDF
    assert mine.headers["Content-Disposition"].startswith("attachment")
    assert mine.headers["X-Content-Type-Options"] == "nosniff"


def test_an_assignment_with_a_draft_is_archived_not_deleted_when_its_trainer_removes_it(
    make_assignment, client_for
):
    """A draft completes nothing, yet it is a learner's work: the plugin tells the core so
    (``ActivityType.has_learner_work``), and the assignment is archived with the draft kept; one
    nobody started is deleted."""
    from nttlearn.api import Activity

    a, untouched = make_assignment(), make_assignment()
    client_for(a.learner).post(
        f"/assignment/{a.activity.id}/answer",
        data={"text": "Causes", "action": "draft", "seen": "0"},
    )
    kept_id, gone_id = a.activity.id, untouched.activity.id

    for x in (a, untouched):
        client_for(x.trainer).post(
            f"/author/courses/{x.course.id}/activities/{x.activity.id}/delete",
            data={"confirmed": "1"},
        )

    db.session.expire_all()
    assert db.session.get(Activity, kept_id).archived is True
    assert _submission(a).text == "Causes"
    assert db.session.get(Activity, gone_id) is None
