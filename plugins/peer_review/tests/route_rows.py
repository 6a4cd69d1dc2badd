"""What the peer_review plugin's routes answer to the four visitors of the route-permission walk.

The walk (the core's ``tests/test_route_permissions.py``) collects these rows through
``nttlearn.testing.plugin_route_rows("peer_review")``; ``check_plugin_contract("peer_review")`` checks that
every route of the plugin has one. See ``nttlearn.route_walk`` for the visitors and the world.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nttlearn.api import Enrolment, User, db
from nttlearn.testing import (
    ADMINS,
    LOGGED_IN,
    PUBLIC,
    STAFF_OF_COURSE,
    Expect,
    Route,
    World,
    course_id_args,
)


# -- plugin: peer_review -----------------------------------------------------------------------
# A proposal activity in world.course with a team of the bystander that has submitted, reviewed
# by the course's trainer, an invitation for that trainer, a published example and a notification
# for the bystander: none of it belongs to the four visitors, who must get 404 (or 403) for it.
def _proposal(w: World) -> dict[str, Any]:
    if "proposal" not in w.extra:
        from nttlearn_peer_review import models as pr
        from nttlearn_peer_review.services import settings_for

        activity = w.activity("proposal")
        settings = settings_for(activity)
        team = pr.Team(
            activity_id=activity.id, name="Walk team", title="Walking proposal", policy_area="youth"
        )
        db.session.add(team)
        db.session.flush()
        db.session.add(
            pr.TeamMember(team_id=team.id, activity_id=activity.id, user_id=w.bystander.id)
        )
        submission = pr.Submission(
            activity_id=activity.id,
            team_id=team.id,
            kind="original",
            title="Walking proposal",
            sections=[{"key": "budget", "title": "Budget", "text": "1 EUR"}],
            authors=[w.bystander.id],
            countries=["IT"],
        )
        db.session.add(submission)
        db.session.flush()
        allocation = pr.Allocation(
            activity_id=activity.id, submission_id=submission.id, reviewer_id=w.trainer.id
        )
        invitation = pr.Invitation(
            team_id=team.id, invitee_id=w.trainer.id, invited_by_id=w.bystander.id
        )
        example = pr.Example(
            activity_id=activity.id,
            title="Example",
            sections={},
            reference_scores={},
            reference_comments={},
            published=True,
        )
        notice = pr.Notification(
            user_id=w.bystander.id, activity_id=activity.id, kind="reminder", message="Hi"
        )
        db.session.add_all([allocation, invitation, example, notice])
        settings.phase = "review"
        db.session.commit()
        w.extra["proposal"] = {
            "activity_id": activity.id,
            "team_id": team.id,
            "submission_id": submission.id,
            "allocation_id": allocation.id,
            "invitation_id": invitation.id,
            "example_id": example.id,
            "notification_id": notice.id,
        }
    return w.extra["proposal"]


def _pr(*names: str, **more: Any) -> Callable[[World], dict[str, Any]]:
    return lambda w: {**{name: _proposal(w)[name] for name in names}, **more}


def _partners(*names: str) -> Callable[[World], dict[str, Any]]:
    """The bystander's team's application to a funder (with its document), and a partner enrolled
    in world.course who is in the directory."""

    def args(w: World) -> dict[str, Any]:
        if "partners" not in w.extra:
            from datetime import date
            from decimal import Decimal

            from nttlearn_peer_review import models as pr

            ids = _proposal(w)
            application = pr.Application(
                team_id=ids["team_id"],
                activity_id=ids["activity_id"],
                programme="Europe for Citizens",
                funding_call="Measure 1.2",
                submitted_on=date(2010, 9, 1),
                lead_organisation="Walk town",
                partners=[],
                requested_eur=Decimal("1000.00"),
                outcome="pending",
            )
            partner = User(email="partner@example.org", name="Directory Partner")
            db.session.add_all([application, partner])
            db.session.flush()
            db.session.add_all(
                [
                    pr.ApplicationDocument(
                        application_id=application.id,
                        filename="walk.pdf",
                        size=8,
                        content=b"%PDF-1.4",
                    ),
                    Enrolment(user_id=partner.id, course_id=w.course.id),
                    pr.DirectoryEntry(
                        user_id=partner.id,
                        town="Luleå",
                        country="SE",
                        organisation="Luleå kommun",
                        policy_areas=",youth,",
                        languages=",sv,",
                        looking_for="",
                    ),
                ]
            )
            db.session.commit()
            w.extra["partners"] = {"application_id": application.id, "user_id": partner.id}
        return {name: w.extra["partners"][name] for name in names}

    return args


NOT_YOURS = Expect(
    302, 404, 403, 404
)  # the learner has no team there; another trainer is not in the course
STAFF_OF_ACTIVITY = Expect(302, 403, 403, 200)
OTHERS_WORK = Expect(
    302, 404, 403, 200
)  # another team's submission and its reviews: its trainers read them
ROUTES: list[Route] = [
    Route(
        "peer_review.static",
        "GET",
        PUBLIC,
        args=lambda w: {"filename": "peer_review.css"},
        plugin="peer_review",
    ),
    Route(
        "peer_review.view",
        "GET",
        Expect(302, 200, 403, 200),
        args=_pr("activity_id"),
        plugin="peer_review",
    ),
    # Empty forms are refused with a message and sent back to the activity.
    Route(
        "peer_review.create_team",
        "POST",
        Expect(302, 302, 403, 302),
        args=_pr("activity_id"),
        plugin="peer_review",
    ),
    Route("peer_review.invite", "POST", NOT_YOURS, args=_pr("activity_id"), plugin="peer_review"),
    Route(
        "peer_review.leave_team", "POST", NOT_YOURS, args=_pr("activity_id"), plugin="peer_review"
    ),
    Route(
        "peer_review.answer_invitation",
        "POST",
        Expect(302, 404, 404, 404),
        args=_pr("invitation_id"),
        plugin="peer_review",
    ),
    Route("peer_review.proposal", "GET", NOT_YOURS, args=_pr("activity_id"), plugin="peer_review"),
    Route(
        "peer_review.save_details", "POST", NOT_YOURS, args=_pr("activity_id"), plugin="peer_review"
    ),
    Route(
        "peer_review.edit_section",
        "GET",
        NOT_YOURS,
        args=_pr("activity_id", key="budget"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.edit_section",
        "POST",
        NOT_YOURS,
        args=_pr("activity_id", key="budget"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.section_history",
        "GET",
        NOT_YOURS,
        args=_pr("activity_id", key="budget"),
        plugin="peer_review",
    ),
    Route("peer_review.submit", "POST", NOT_YOURS, args=_pr("activity_id"), plugin="peer_review"),
    Route(
        "peer_review.export_draft",
        "GET",
        NOT_YOURS,
        args=_pr("activity_id", fmt="md"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.submission",
        "GET",
        OTHERS_WORK,
        args=_pr("submission_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.export_submission",
        "GET",
        OTHERS_WORK,
        args=_pr("submission_id", fmt="pdf"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.compare_versions",
        "GET",
        OTHERS_WORK,
        args=_pr("submission_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.feedback", "GET", OTHERS_WORK, args=_pr("submission_id"), plugin="peer_review"
    ),
    Route(
        "peer_review.export_feedback",
        "GET",
        OTHERS_WORK,
        args=_pr("submission_id", fmt="md"),
        plugin="peer_review",
    ),
    # The trainers read any review; nobody but its reviewer writes it.
    Route(
        "peer_review.review", "GET", OTHERS_WORK, args=_pr("allocation_id"), plugin="peer_review"
    ),
    Route(
        "peer_review.review",
        "POST",
        Expect(302, 404, 403, 403),
        args=_pr("allocation_id"),
        plugin="peer_review",
    ),
    Route("peer_review.rate", "POST", NOT_YOURS, args=_pr("allocation_id"), plugin="peer_review"),
    Route(
        "peer_review.example",
        "GET",
        Expect(302, 200, 403, 200),
        args=_pr("example_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.example",
        "POST",
        Expect(302, 400, 403, 400),
        args=_pr("example_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.dismiss_notification",
        "POST",
        Expect(302, 404, 404, 404),
        args=_pr("notification_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.edit_settings",
        "GET",
        STAFF_OF_ACTIVITY,
        args=_pr("activity_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.edit_settings",
        "POST",
        Expect(302, 403, 403, 400),
        args=_pr("activity_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.change_phase",
        "GET",
        STAFF_OF_ACTIVITY,
        args=_pr("activity_id", phase="closed"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.change_phase",
        "POST",
        Expect(302, 403, 403, 400),
        args=_pr("activity_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.translate",
        "GET",
        STAFF_OF_ACTIVITY,
        args=_pr("activity_id", locale="sv"),
        plugin="peer_review",
    ),
    # Without the token of the translation the editor showed, nothing is saved.
    Route(
        "peer_review.translate",
        "POST",
        Expect(302, 403, 403, 400),
        args=_pr("activity_id", locale="sv"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.manage",
        "GET",
        STAFF_OF_ACTIVITY,
        args=_pr("activity_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.staff_create_team",
        "POST",
        Expect(302, 403, 403, 302),
        args=_pr("activity_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.staff_add_member",
        "POST",
        Expect(302, 403, 403, 302),
        args=_pr("team_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.staff_remove_member",
        "POST",
        Expect(302, 403, 403, 302),
        args=lambda w: {"team_id": _proposal(w)["team_id"], "user_id": w.learner.id},
        plugin="peer_review",
    ),
    Route(
        "peer_review.staff_delete_team",
        "POST",
        Expect(302, 403, 403, 302),
        args=_pr("team_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.staff_override",
        "POST",
        Expect(302, 403, 403, 302),
        args=_pr("team_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.staff_allocate",
        "POST",
        Expect(302, 403, 403, 302),
        args=_pr("activity_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.staff_add_allocation",
        "POST",
        Expect(302, 403, 403, 302),
        args=_pr("activity_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.staff_remove_allocation",
        "POST",
        Expect(302, 403, 403, 302),
        args=_pr("allocation_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.staff_drop_reviewer",
        "POST",
        Expect(302, 403, 403, 302),
        args=_pr("activity_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.staff_remind",
        "POST",
        Expect(302, 403, 403, 302),
        args=_pr("activity_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.grades",
        "GET",
        STAFF_OF_ACTIVITY,
        args=_pr("activity_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.grades_csv",
        "GET",
        STAFF_OF_ACTIVITY,
        args=_pr("activity_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.new_example",
        "GET",
        STAFF_OF_ACTIVITY,
        args=_pr("activity_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.new_example",
        "POST",
        Expect(302, 403, 403, 400),
        args=_pr("activity_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.edit_example",
        "GET",
        STAFF_OF_ACTIVITY,
        args=_pr("example_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.edit_example",
        "POST",
        Expect(302, 403, 403, 400),
        args=_pr("example_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.quality_csv", "GET", STAFF_OF_COURSE, args=course_id_args, plugin="peer_review"
    ),
    # The partner directory and the applications to funders (see _partners).
    Route("peer_review.directory_search", "GET", LOGGED_IN, plugin="peer_review"),
    Route("peer_review.directory_entry", "GET", LOGGED_IN, plugin="peer_review"),
    Route("peer_review.directory_entry", "POST", Expect(302, 400, 400, 400), plugin="peer_review"),
    Route("peer_review.directory_remove", "POST", Expect(302, 302, 302, 302), plugin="peer_review"),
    # Only the learner shares a course with the partner: the others do not see the entry.
    Route(
        "peer_review.directory_invite",
        "POST",
        Expect(302, 400, 404, 404),
        args=_partners("user_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.record_application",
        "GET",
        NOT_YOURS,
        args=_pr("activity_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.record_application",
        "POST",
        NOT_YOURS,
        args=_pr("activity_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.edit_application",
        "GET",
        OTHERS_WORK,
        args=_partners("application_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.edit_application",
        "POST",
        Expect(302, 404, 403, 400),
        args=_partners("application_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.application_document",
        "GET",
        OTHERS_WORK,
        args=_partners("application_id"),
        plugin="peer_review",
    ),
    Route(
        "peer_review.activity_applications",
        "GET",
        STAFF_OF_ACTIVITY,
        args=_pr("activity_id"),
        plugin="peer_review",
    ),
    Route("peer_review.all_applications", "GET", ADMINS, plugin="peer_review"),
]
