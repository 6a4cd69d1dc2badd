"""The core's rows of the route-permission walk (``test_route_permissions.py``).

Every rule in ``app.url_map`` needs one row per method (GET, POST): a route without a row fails the
walk, and so does a row whose route has gone. Rows, visitors and the world are described in
``nttlearn.route_walk``. **A plugin's rows are not here**: each plugin keeps them in its own
``tests/route_rows.py``, and :data:`ROUTES` adds those of every installed plugin, so installing a
partner's plugin never needs a change to this file.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from nttlearn.auth.services import reset_token
from nttlearn.extensions import db
from nttlearn.models import Cohort, Module, User
from nttlearn.route_walk import (
    ADMINS,
    ANONYMOUS_ONLY,
    API_NEEDS_TOKEN,
    LOGGED_IN,
    MEDIA_FILE,
    PUBLIC,
    ROLES,
    STAFF_OF_COURSE,
    TRAINERS,
    Expect,
    Route,
    World,
    build_world,
    course_id_args,
    course_slug_args,
    installed_route_rows,
)

PROBE_PLUGIN = "route_probe"

__all__ = [
    "CORE_ROUTES",
    "PROBE_PLUGIN",
    "ROLES",
    "ROUTES",
    "Route",
    "World",
    "build_world",
    "rows_by_key",
]


def _lesson(w: World) -> dict[str, Any]:
    return {"slug": w.course.slug, "lesson_id": w.lesson.id}


def _cohort(w: World) -> dict[str, Any]:
    """A cohort of ``world.course`` with the learner in it (made once)."""
    if "cohort" not in w.extra:
        from datetime import date

        from nttlearn.cohorts.services import add_to_cohort, create_cohort

        cohort = create_cohort(w.course, "Walk cohort", date(2026, 1, 1))
        add_to_cohort(w.learner, cohort)
        db.session.commit()
        w.extra["cohort"] = cohort
    return {"course_id": w.course.id, "cohort_id": w.extra["cohort"].id}


def _cohort_member(w: World) -> dict[str, Any]:
    return {**_cohort(w), "user_id": w.learner.id}


def _first_module(w: World) -> dict[str, Any]:
    module_id = (
        db.session.execute(
            db.select(Module.id).where(Module.course_id == w.course.id).order_by(Module.position)
        )
        .scalars()
        .first()
    )
    return {"course_id": w.course.id, "item": f"m{module_id}"}


def _bystander_notification(w: World) -> dict[str, Any]:
    """A notification of the bystander's: nobody else may mark it read."""
    if "notification" not in w.extra:
        from nttlearn.models import Notification

        notification = Notification(
            user_id=w.bystander.id, kind="course_message", title="For the bystander"
        )
        db.session.add(notification)
        db.session.commit()
        w.extra["notification"] = notification.id
    return {"notification_id": w.extra["notification"]}


def _bystander_export(w: World) -> dict[str, Any]:
    """An export prepared for the bystander: its link opens for nobody else."""
    from nttlearn.exports import export_key
    from nttlearn.storage import file_store

    token, filename = "bystander-export-token", "progress.csv"
    file_store().save(export_key(w.bystander.id, token, filename), b"name\r\n")
    return {"token": token, "filename": filename}


def _unsubscribe_token(w: World) -> dict[str, Any]:
    from nttlearn.notifications.services import unsubscribe_token

    return {"token": unsubscribe_token(w.bystander.id, "course_message")}


def _feed_token(w: World) -> dict[str, Any]:
    """The bystander's calendar feed: the address is the secret, so anyone holding it may read it."""
    if "feed_token" not in w.extra:
        db.session.execute(
            db.update(User)
            .where(User.id == w.bystander.id)
            .values(calendar_token="route-walk-feed")
        )
        db.session.commit()
        w.extra["feed_token"] = "route-walk-feed"
    return {"token": w.extra["feed_token"]}


ROUTES: list[Route] = [
    # -- core: static files and accounts -----------------------------------------------------------
    Route("static", "GET", PUBLIC, args=lambda w: {"filename": "style.css"}),
    Route("favicon", "GET", PUBLIC),
    Route("auth.register", "GET", ANONYMOUS_ONLY),
    Route("auth.register", "POST", ANONYMOUS_ONLY),
    Route("auth.registration_sent", "GET", PUBLIC),
    # A link that is not one of ours sends everyone back to the registration form.
    Route(
        "auth.confirm_registration",
        "GET",
        Expect(302, 302, 302, 302),
        args=lambda w: {"token": "not-a-token"},
    ),
    Route("auth.login", "GET", ANONYMOUS_ONLY),
    Route("auth.login", "POST", ANONYMOUS_ONLY),
    Route("auth.logout", "POST", Expect(302, 302, 302, 302)),
    Route("auth.forgot_password", "GET", PUBLIC),
    Route("auth.forgot_password", "POST", PUBLIC),
    Route("auth.reset_password", "GET", PUBLIC, args=lambda w: {"token": reset_token(w.bystander)}),
    Route(
        "auth.reset_password", "POST", PUBLIC, args=lambda w: {"token": reset_token(w.bystander)}
    ),
    Route("auth.profile", "GET", LOGGED_IN),
    Route("auth.profile", "POST", LOGGED_IN),
    Route("auth.change_password", "POST", LOGGED_IN),
    # Someone else's session (the bystander's): nobody may end it, not even an admin, from here.
    Route(
        "auth.end_other_session",
        "POST",
        Expect(302, 404, 404, 404),
        args=lambda w: {"session_id": w.bystander_session()},
    ),
    # Each visitor logs out of every browser of their own account (and is sent to log in).
    Route("auth.end_all_sessions", "POST", Expect(302, 302, 302, 302)),
    Route("auth.export_data", "GET", LOGGED_IN),
    Route("auth.delete", "GET", LOGGED_IN),
    Route("auth.delete", "POST", LOGGED_IN),
    # no provider configured in the walk: no login there to confirm a deletion with
    Route(
        "auth.reauthenticate_for_deletion",
        "POST",
        Expect(302, 404, 404, 404),
        args=lambda w: {"key": "walk"},
    ),
    Route(
        "auth.set_language",
        "POST",
        Expect(302, 302, 302, 302),
        data=lambda w: {"code": "it", "next": "/"},
    ),
    # Single sign-on (tests/test_single_sign_on.py logs in at a real provider): the walk's site
    # has no provider, so a provider's pages are not found; a logged-in visitor is sent on.
    Route("auth.sso_login", "GET", Expect(404, 302, 302, 302), args=lambda w: {"key": "walk"}),
    Route("auth.sso_callback", "GET", Expect(404, 302, 302, 302), args=lambda w: {"key": "walk"}),
    Route(
        "auth.sso_link", "GET", Expect(302, 302, 302, 302)
    ),  # no login in progress: to the login page
    Route("auth.sso_link", "POST", Expect(302, 302, 302, 302)),
    Route(
        "auth.remove_sso_identity",
        "POST",
        Expect(302, 404, 404, 404),
        args=lambda w: {"identity_id": w.bystander_identity()},
    ),
    # -- core: learning ------------------------------------------------------------------------
    Route("learn.catalogue", "GET", PUBLIC),
    Route("learn.dashboard", "GET", LOGGED_IN),
    Route("learn.course", "GET", PUBLIC, args=course_slug_args),
    Route("learn.enrol_self", "POST", Expect(302, 302, 302, 302), args=course_slug_args),
    # world.lesson is the course's first lesson, its preview: everyone may read it. The other
    # lessons stay closed (302 to log in, 403): tests/test_course_preview.py.
    Route("learn.lesson", "GET", PUBLIC, args=_lesson),
    # The admin may read every lesson but, not being enrolled, has no progress to record.
    Route("learn.complete_lesson", "POST", Expect(302, 302, 403, 403), args=_lesson),
    Route("learn.uncomplete_lesson", "POST", Expect(302, 302, 403, 403), args=_lesson),
    Route(
        "learn.media", "GET", PUBLIC, args=lambda w: {"slug": w.course.slug, "filename": MEDIA_FILE}
    ),
    # -- core: notifications and calendar ------------------------------------------------------
    Route("notifications.index", "GET", LOGGED_IN),
    Route(
        "notifications.mark_read", "POST", Expect(302, 404, 404, 404), args=_bystander_notification
    ),
    Route("notifications.mark_all_read", "POST", Expect(302, 302, 302, 302)),
    Route("notifications.preferences", "GET", LOGGED_IN),
    Route("exports.download", "GET", Expect(302, 404, 404, 404), args=_bystander_export),
    Route(
        "notifications.preferences", "POST", LOGGED_IN
    ),  # an empty form is re-shown with its errors
    Route("notifications.unsubscribe", "GET", PUBLIC, args=_unsubscribe_token),
    Route("notifications.unsubscribe", "POST", PUBLIC, args=_unsubscribe_token),
    Route("calendar.index", "GET", LOGGED_IN),
    Route("calendar.feed", "GET", PUBLIC, args=_feed_token),
    Route("calendar.new_feed", "POST", Expect(302, 302, 302, 302)),
    # -- core: teaching ------------------------------------------------------------------------
    Route("author.index", "GET", TRAINERS),
    Route("author.edit_course", "GET", STAFF_OF_COURSE, args=course_id_args),
    Route("author.edit_course", "POST", STAFF_OF_COURSE, args=course_id_args),
    Route("reports.course_progress", "GET", STAFF_OF_COURSE, args=course_id_args),
    Route("reports.course_progress_csv", "GET", STAFF_OF_COURSE, args=course_id_args),
    Route("reports.enrol_people", "POST", Expect(302, 403, 403, 302), args=course_id_args),
    Route(
        "reports.unenrol_person",
        "POST",
        Expect(302, 403, 403, 200),  # the confirmation page
        args=lambda w: {"course_id": w.course.id, "user_id": w.learner.id},
    ),
    # -- core: cohorts, deadlines and release rules (empty forms re-show with their errors: 400) --
    Route("cohorts.index", "GET", STAFF_OF_COURSE, args=course_id_args),
    Route("cohorts.index", "POST", Expect(302, 403, 403, 400), args=course_id_args),
    Route("cohorts.cohort", "GET", STAFF_OF_COURSE, args=_cohort),
    # An empty POST keeps the cohort as it is (the form falls back to the saved values).
    Route("cohorts.cohort", "POST", Expect(302, 403, 403, 302), args=_cohort),
    Route("cohorts.delete", "GET", STAFF_OF_COURSE, args=_cohort),
    Route(
        "cohorts.delete", "POST", Expect(302, 403, 403, 200), args=_cohort
    ),  # the confirmation page
    Route("cohorts.add_members", "POST", Expect(302, 403, 403, 400), args=_cohort),
    Route("cohorts.move_member", "POST", Expect(302, 403, 403, 302), args=_cohort_member),
    Route("cohorts.remove_member", "POST", Expect(302, 403, 403, 302), args=_cohort_member),
    Route("cohorts.deadlines", "POST", Expect(302, 403, 403, 302), args=_cohort),
    Route("cohorts.extension", "POST", Expect(302, 403, 403, 400), args=_cohort),
    Route(
        "cohorts.remove_extension",
        "POST",
        Expect(302, 403, 403, 302),
        args=lambda w: {**_cohort_member(w), "activity_id": w.activity("cohort-walk").id},
    ),
    Route("cohorts.message", "POST", Expect(302, 403, 403, 400), args=_cohort),
    # Cohort trainers: given and taken by the course's trainers (the walk's admin removes a
    # trainer the cohort does not have: 404). What a cohort trainer may do: tests/test_cohort_staff.py.
    Route("cohorts.add_trainer", "POST", Expect(302, 403, 403, 400), args=_cohort),
    Route(
        "cohorts.remove_trainer",
        "POST",
        Expect(302, 403, 403, 404),
        args=lambda w: {**_cohort(w), "user_id": w.other_trainer.id},
    ),
    Route("cohorts.release", "GET", STAFF_OF_COURSE, args=course_id_args),
    Route("cohorts.release_rule", "GET", STAFF_OF_COURSE, args=_first_module),
    Route("cohorts.release_rule", "POST", Expect(302, 403, 403, 302), args=_first_module),
    # -- core: administration ------------------------------------------------------------------
    Route("admin.index", "GET", ADMINS),
    Route("admin.users", "GET", ADMINS),
    Route("design.index", "GET", ADMINS),
    Route("admin.edit_user", "GET", ADMINS, args=lambda w: {"user_id": w.bystander.id}),
    # Fields missing from a POST keep the record's values (an unticked "active" box deactivates).
    Route(
        "admin.edit_user",
        "POST",
        Expect(302, 403, 403, 302),
        args=lambda w: {"user_id": w.bystander.id},
    ),
    Route(
        "admin.end_user_sessions",
        "POST",
        Expect(302, 403, 403, 302),
        args=lambda w: {"user_id": w.bystander.id},
    ),
    Route("admin.organisations", "GET", ADMINS),
    Route("admin.organisations", "POST", ADMINS),
    Route("admin.edit_organisation", "GET", ADMINS, args=lambda w: {"org_id": w.organisation.id}),
    Route(
        "admin.edit_organisation",
        "POST",
        Expect(302, 403, 403, 302),
        args=lambda w: {"org_id": w.organisation.id},
    ),
    # Onboarding: an empty upload or merge is re-shown with its errors (400); an upload id that is
    # not the admin's own (here: none at all) sends them back to the upload form.
    Route("onboarding.import_participants", "GET", ADMINS),
    Route("onboarding.import_participants", "POST", Expect(302, 403, 403, 400)),
    Route(
        "onboarding.preview_import",
        "GET",
        Expect(302, 403, 403, 302),
        args=lambda w: {"upload_id": "A" * 22},
    ),
    Route(
        "onboarding.preview_import",
        "POST",
        Expect(302, 403, 403, 302),
        args=lambda w: {"upload_id": "A" * 22},
    ),
    # The bystander has a password already: no invitation, the admin is told so.
    Route(
        "onboarding.invite",
        "POST",
        Expect(302, 403, 403, 302),
        args=lambda w: {"user_id": w.bystander.id},
    ),
    # A link that is not a valid invitation sends everyone to the password reset page.
    Route(
        "onboarding.accept_invitation",
        "GET",
        Expect(302, 302, 302, 302),
        args=lambda w: {"token": "not-a-token"},
    ),
    Route(
        "onboarding.accept_invitation",
        "POST",
        Expect(302, 302, 302, 302),
        args=lambda w: {"token": "not-a-token"},
    ),
    Route("onboarding.merge", "GET", ADMINS),
    Route("onboarding.merge", "POST", Expect(302, 403, 403, 400)),
    Route("admin.plugins", "GET", ADMINS),
    Route("admin.jobs", "GET", ADMINS),
    # An id no failed job has: the admin is told so and sent back to the page.
    Route(
        "admin.job_failure",
        "POST",
        Expect(302, 403, 403, 302),
        args=lambda w: {"failure_id": "db-999999", "action": "retry"},
    ),
    Route(
        "admin.toggle_plugin",
        "POST",
        Expect(302, 403, 403, 302),
        args=lambda w: {"name": PROBE_PLUGIN},
        data=lambda w: {"enabled": "1"},
    ),
    # The probe plugin is enabled: the admin sees what disabling it would stop.
    Route("admin.confirm_disable_plugin", "GET", ADMINS, args=lambda w: {"name": PROBE_PLUGIN}),
    # -- core: authoring (course packages and browser editing) --------------------------------------
    # world.course is taught by world.trainer: of the four visitors only the admin may edit it.
    # Empty POSTs re-show their form (200); on edit forms without a version, the fields missing from
    # the POST keep the record's values, so the admin's empty save succeeds (302).
    Route("author.new_course", "GET", TRAINERS),
    Route("author.new_course", "POST", TRAINERS),
    Route("author.outline", "GET", STAFF_OF_COURSE, args=course_id_args),
    Route("author.new_module", "GET", STAFF_OF_COURSE, args=course_id_args),
    Route("author.new_module", "POST", STAFF_OF_COURSE, args=course_id_args),
    Route(
        "author.edit_module",
        "GET",
        STAFF_OF_COURSE,
        args=lambda w: {"course_id": w.course.id, "module_id": w.lesson.module_id},
    ),
    Route(
        "author.edit_module",
        "POST",
        Expect(302, 403, 403, 302),
        args=lambda w: {"course_id": w.course.id, "module_id": w.lesson.module_id},
    ),
    Route(
        "author.new_lesson",
        "GET",
        STAFF_OF_COURSE,
        args=lambda w: {"course_id": w.course.id, "module_id": w.lesson.module_id},
    ),
    Route(
        "author.new_lesson",
        "POST",
        STAFF_OF_COURSE,
        args=lambda w: {"course_id": w.course.id, "module_id": w.lesson.module_id},
    ),
    Route(
        "author.edit_lesson",
        "GET",
        STAFF_OF_COURSE,
        args=lambda w: {"course_id": w.course.id, "lesson_id": w.lesson.id},
    ),
    Route(
        "author.edit_lesson",
        "POST",
        STAFF_OF_COURSE,
        args=lambda w: {"course_id": w.course.id, "lesson_id": w.lesson.id},
    ),
    Route(
        "author.markdown_preview",
        "POST",
        STAFF_OF_COURSE,
        args=course_id_args,
        data=lambda w: {"module_id": w.lesson.module_id, "body": "*A preview*"},
    ),
    Route(
        "author.new_activity",
        "GET",
        STAFF_OF_COURSE,
        args=lambda w: {"course_id": w.course.id, "module_id": w.lesson.module_id},
    ),
    Route(
        "author.new_activity",
        "POST",
        STAFF_OF_COURSE,
        args=lambda w: {"course_id": w.course.id, "module_id": w.lesson.module_id},
    ),
    Route(
        "author.edit_activity",
        "GET",
        STAFF_OF_COURSE,
        args=lambda w: {"course_id": w.course.id, "activity_id": w.activity("quiz").id},
    ),
    Route(
        "author.edit_activity",
        "POST",
        Expect(302, 403, 403, 302),
        args=lambda w: {"course_id": w.course.id, "activity_id": w.activity("quiz").id},
    ),
    Route(
        "author.move_element",
        "POST",
        Expect(302, 403, 403, 302),
        args=lambda w: {
            "course_id": w.course.id,
            "kind": "lessons",
            "element_id": w.lesson.id,
            "direction": "down",
        },
    ),
    # Without "confirmed", deleting answers with the confirmation page (200): nothing goes yet.
    Route(
        "author.delete_element",
        "POST",
        Expect(302, 403, 403, 200),
        args=lambda w: {"course_id": w.course.id, "kind": "lessons", "element_id": w.lesson.id},
    ),
    Route("author.media", "GET", STAFF_OF_COURSE, args=course_id_args),
    Route("author.media", "POST", STAFF_OF_COURSE, args=course_id_args),
    # An empty form is refused (no picture, or no text saying what it shows), after the permission check.
    Route("author.course_picture", "POST", Expect(302, 403, 403, 422), args=course_id_args),
    Route(
        "author.delete_media_file",
        "POST",
        Expect(302, 403, 403, 200),
        args=lambda w: {"course_id": w.course.id, "name": MEDIA_FILE},
    ),
    Route("author.duplicate", "GET", STAFF_OF_COURSE, args=course_id_args),
    Route("author.duplicate", "POST", STAFF_OF_COURSE, args=course_id_args),
    Route("author.preview_course", "GET", STAFF_OF_COURSE, args=course_id_args),
    Route(
        "author.preview_lesson",
        "GET",
        STAFF_OF_COURSE,
        args=lambda w: {"course_id": w.course.id, "lesson_id": w.lesson.id},
    ),
    Route("author.upload_package", "GET", ADMINS),
    Route("author.upload_package", "POST", ADMINS),
    Route("author.download_package", "GET", ADMINS, args=course_id_args),
    # Translations: an empty save re-shows the form (200); deleting a translation that is not there
    # returns to the editor with a message (302).
    Route("author.translations", "GET", STAFF_OF_COURSE, args=course_id_args),
    Route(
        "author.translate_course",
        "GET",
        STAFF_OF_COURSE,
        args=lambda w: {"course_id": w.course.id, "locale": "it"},
    ),
    Route(
        "author.translate_course",
        "POST",
        STAFF_OF_COURSE,
        args=lambda w: {"course_id": w.course.id, "locale": "it"},
    ),
    Route(
        "author.delete_course_translation",
        "POST",
        Expect(302, 403, 403, 302),
        args=lambda w: {"course_id": w.course.id, "locale": "it"},
    ),
    Route(
        "author.translate_lesson",
        "GET",
        STAFF_OF_COURSE,
        args=lambda w: {"course_id": w.course.id, "lesson_id": w.lesson.id, "locale": "sv"},
    ),
    Route(
        "author.translate_lesson",
        "POST",
        STAFF_OF_COURSE,
        args=lambda w: {"course_id": w.course.id, "lesson_id": w.lesson.id, "locale": "sv"},
    ),
    Route(
        "author.delete_lesson_translation",
        "POST",
        Expect(302, 403, 403, 302),
        args=lambda w: {"course_id": w.course.id, "lesson_id": w.lesson.id, "locale": "sv"},
    ),
    Route(
        "author.translate_module",
        "GET",
        STAFF_OF_COURSE,
        args=lambda w: {"course_id": w.course.id, "module_id": w.lesson.module_id, "locale": "es"},
    ),
    Route(
        "author.translate_module",
        "POST",
        STAFF_OF_COURSE,
        args=lambda w: {"course_id": w.course.id, "module_id": w.lesson.module_id, "locale": "es"},
    ),
    Route(
        "author.delete_module_translation",
        "POST",
        Expect(302, 403, 403, 302),
        args=lambda w: {"course_id": w.course.id, "module_id": w.lesson.module_id, "locale": "es"},
    ),
    Route(
        "author.translate_course_outcomes",
        "GET",
        STAFF_OF_COURSE,
        args=lambda w: {"course_id": w.course.id, "locale": "fi"},
    ),
    Route(
        "author.translate_course_outcomes",
        "POST",
        STAFF_OF_COURSE,
        args=lambda w: {"course_id": w.course.id, "locale": "fi"},
    ),
    Route(
        "author.translate_module_outcomes",
        "GET",
        STAFF_OF_COURSE,
        args=lambda w: {"course_id": w.course.id, "module_id": w.lesson.module_id, "locale": "it"},
    ),
    Route(
        "author.translate_module_outcomes",
        "POST",
        STAFF_OF_COURSE,
        args=lambda w: {"course_id": w.course.id, "module_id": w.lesson.module_id, "locale": "it"},
    ),
    Route(
        "author.translate_activity",
        "GET",
        STAFF_OF_COURSE,
        args=lambda w: {
            "course_id": w.course.id,
            "activity_id": w.activity("quiz").id,
            "locale": "sv",
        },
    ),
    Route(
        "author.translate_activity",
        "POST",
        STAFF_OF_COURSE,
        args=lambda w: {
            "course_id": w.course.id,
            "activity_id": w.activity("quiz").id,
            "locale": "sv",
        },
    ),
    Route(
        "author.delete_activity_translation",
        "POST",
        Expect(302, 403, 403, 302),
        args=lambda w: {
            "course_id": w.course.id,
            "activity_id": w.activity("quiz").id,
            "locale": "sv",
        },
    ),
]


# -- core: the REST API (/api/v1). A token, never the site's session cookie: every logged-in
# visitor here is as unknown to the API as an anonymous one (401). Tokens: tests/test_rest_api.py.


def _token_of_bystander(w: World) -> dict[str, Any]:
    if "api_token" not in w.extra:
        from nttlearn.rest.tokens import create_token

        _token, record = create_token(w.bystander, ["read"], name="walk")
        db.session.commit()
        w.extra["api_token"] = record.id
    return {"token_id": w.extra["api_token"]}


def _cohort_of_course(w: World) -> dict[str, Any]:
    if "api_cohort" not in w.extra:
        cohort = Cohort(course_id=w.course.id, name="Walk", starts_on=date(2027, 1, 1))
        db.session.add(cohort)
        db.session.commit()
        w.extra["api_cohort"] = cohort.id
    return {"cohort_id": w.extra["api_cohort"]}


ROUTES.extend(
    [
        Route("api-docs.openapi_json", "GET", PUBLIC),
        Route("api_docs.reference", "GET", PUBLIC),
        Route("api_courses.list_courses", "GET", API_NEEDS_TOKEN),
        Route("api_courses.get_course", "GET", API_NEEDS_TOKEN, args=course_slug_args),
        Route("api_courses.get_outline", "GET", API_NEEDS_TOKEN, args=course_slug_args),
        Route("api_courses.course_progress_list", "GET", API_NEEDS_TOKEN, args=course_slug_args),
        Route("api_courses.course_cohorts", "GET", API_NEEDS_TOKEN, args=course_slug_args),
        Route("api_cohorts.get_cohort", "GET", API_NEEDS_TOKEN, args=_cohort_of_course),
        Route("api_cohorts.cohort_members", "GET", API_NEEDS_TOKEN, args=_cohort_of_course),
        Route("api_me.get_me", "GET", API_NEEDS_TOKEN),
        Route("api_me.my_progress", "GET", API_NEEDS_TOKEN),
        Route("api_users.list_users", "GET", API_NEEDS_TOKEN),
        Route(
            "api_users.get_user", "GET", API_NEEDS_TOKEN, args=lambda w: {"user_id": w.learner.id}
        ),
        Route("api_organisations.list_organisations", "GET", API_NEEDS_TOKEN),
        Route(
            "api_organisations.get_organisation",
            "GET",
            API_NEEDS_TOKEN,
            args=lambda w: {"organisation_id": w.organisation.id},
        ),
        Route("api_enrolments.list_enrolments", "GET", API_NEEDS_TOKEN),
        Route("api_enrolments.create_enrolment", "POST", API_NEEDS_TOKEN),
        # The token pages: each person's own; another person's token is not found, even by an admin.
        Route("api_tokens.tokens", "GET", LOGGED_IN),
        Route("api_tokens.tokens", "POST", LOGGED_IN),
        Route("api_tokens.revoke", "POST", Expect(302, 404, 404, 404), args=_token_of_bystander),
    ]
)


CORE_ROUTES: list[Route] = list(ROUTES)


def _installed_plugins() -> set[str]:
    from importlib import metadata

    from nttlearn.plugins import ENTRY_POINT_GROUP

    return {ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}


#: The core's rows, then each installed plugin's own (from its ``tests/route_rows.py``).
ROUTES.extend(installed_route_rows(_installed_plugins()))


def rows_by_key() -> dict[tuple[str, str], Route]:
    return {(row.endpoint, row.method): row for row in ROUTES}
