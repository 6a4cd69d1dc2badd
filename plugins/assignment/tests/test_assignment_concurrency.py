"""Two "Hand in" clicks at the same moment (two tabs, a double click) hand the work in once:
one submission row, one ``assignment.submitted`` event, one hand-in counted."""

from __future__ import annotations

from nttlearn.api import Activity, EventRecord, User, db
from nttlearn.testing import at_once, count_rows
from nttlearn_assignment import services
from nttlearn_assignment.models import Assignment, Submission


def test_two_hand_ins_at_once_make_one_submission_and_one_event(app, make_assignment):
    a = make_assignment()
    ids = (a.activity.id, a.learner.id)

    def hand_in():
        activity, learner = db.session.get(Activity, ids[0]), db.session.get(User, ids[1])
        services.save_work(
            activity,
            db.session.get(Assignment, activity.id),
            learner,
            text="Same answer",
            uploads=[],
            submit=True,
            seen_count=0,
        )

    errors = at_once(app, [hand_in, hand_in])

    assert len(errors) <= 1  # the slower one may be refused by the database; never a second row
    assert count_rows(Submission) == 1
    assert count_rows(Submission, state="submitted", times_submitted=1) == 1
    assert count_rows(EventRecord, name="assignment.submitted") == 1
