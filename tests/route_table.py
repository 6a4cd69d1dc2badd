"""What every route answers to four visitors: the table ``test_route_permissions.py`` walks.

Every rule in ``app.url_map`` (the core's and every installed plugin's) needs one row per method
(GET, POST): a route without a row fails the walk, and so does a row whose route has gone. A
plugin's rows carry ``plugin="<name>"``; when that plugin is not installed its rows are skipped.

The four visitors, each with a client of their own, in this order (a POST by one may change what
the next one sees, e.g. the admin's unenrolment runs last):

- ``anonymous``: not logged in;
- ``learner``: enrolled in ``world.course``;
- ``other_trainer``: site role trainer, trainer of ``world.other_course`` only;
- ``admin``.

Statuses: 302 for an anonymous visitor on a ``require_*`` view means "sent to the login page".
POST rows send ``data(world)`` (empty by default, so most forms re-show with their errors).

To add a plugin's route: write a row below, under the plugin's heading. Build URL arguments from
real objects: ``args=lambda w: {"activity_id": w.activity("quiz").id}``; ``World.activity`` places
an activity of the plugin's type in ``world.course``; keep objects you make in ``world.extra``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from nttlearn.auth.services import reset_token
from nttlearn.auth.sessions import create_session_record
from nttlearn.extensions import db
from nttlearn.models import (
    Activity,
    Cohort,
    Course,
    Enrolment,
    Lesson,
    Module,
    Organisation,
    User,
    UserIdentity,
)

ROLES = ("anonymous", "learner", "other_trainer", "admin")
MEDIA_FILE = "diagram.png"
PROBE_PLUGIN = "route_probe"


@dataclass(frozen=True)
class Expect:
    """The status each visitor gets."""

    anonymous: int
    learner: int
    other_trainer: int
    admin: int

    def for_role(self, role: str) -> int:
        return getattr(self, role)


PUBLIC = Expect(200, 200, 200, 200)
LOGGED_IN = Expect(302, 200, 200, 200)
TRAINERS = Expect(302, 403, 200, 200)
ADMINS = Expect(302, 403, 403, 200)
STAFF_OF_COURSE = Expect(302, 403, 403, 200)  # world.course: neither visitor but the admin teaches it
ANONYMOUS_ONLY = Expect(200, 302, 302, 302)  # logged-in visitors are sent on to their dashboard


@dataclass
class World:
    """Real objects the URL arguments are built from."""

    app: Any
    learner: User
    other_trainer: User
    admin: User
    trainer: User
    course: Course
    lesson: Lesson
    other_course: Course
    organisation: Organisation
    bystander: User
    extra: dict[str, Any] = field(default_factory=dict)

    def bystander_session(self) -> int:
        """The id of a session record of the bystander's (made once)."""
        if "bystander_session" not in self.extra:
            create_session_record(self.bystander)
            db.session.commit()
            self.extra["bystander_session"] = self.bystander.session_record.id
        return self.extra["bystander_session"]

    def bystander_identity(self) -> int:
        """The id of a single sign-on identity of the bystander's (made once)."""
        if "bystander_identity" not in self.extra:
            identity = UserIdentity(user_id=self.bystander.id, issuer="https://login.example", subject="walk")
            db.session.add(identity)
            db.session.commit()
            self.extra["bystander_identity"] = identity.id
        return self.extra["bystander_identity"]

    def activity(self, type_key: str, required: bool = True) -> Activity:
        """An activity of ``type_key`` placed in the first module of ``course`` (made once)."""
        key = f"activity:{type_key}"
        if key not in self.extra:
            module = db.session.execute(
                db.select(Module).where(Module.course_id == self.course.id).order_by(Module.position)
            ).scalars().first()
            activity = Activity(module_id=module.id, key=f"{type_key}-walk", position=99, type_key=type_key,
                                title=f"{type_key} (route walk)", required=required)
            db.session.add(activity)
            db.session.commit()
            self.extra[key] = activity
        return self.extra[key]


def build_world(app, make_user, make_course) -> World:
    """The people and courses of the walk, made with the test fixtures."""
    trainer = make_user(role="trainer", name="Course Trainer")
    other_trainer = make_user(role="trainer", name="Other Trainer")
    learner = make_user(name="Walking Learner", org="Comune di Prova", country="IT")
    admin = make_user(role="admin", name="Site Admin")
    bystander = make_user(name="Bystander")
    course = make_course(modules=2, lessons=2, trainer=trainer)
    other_course = make_course(modules=1, lessons=1, trainer=other_trainer)
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    db.session.commit()
    lesson = db.session.execute(
        db.select(Lesson).join(Module).where(Module.course_id == course.id).order_by(Module.position, Lesson.position)
    ).scalars().first()
    media = Path(app.instance_path) / "media" / course.slug
    media.mkdir(parents=True, exist_ok=True)
    (media / MEDIA_FILE).write_bytes(b"\x89PNG\r\n\x1a\n")
    return World(app=app, learner=learner, other_trainer=other_trainer, admin=admin, trainer=trainer,
                 course=course, lesson=lesson, other_course=other_course,
                 organisation=learner.organisation, bystander=bystander)


def _none(world: World) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    expect: Expect
    args: Callable[[World], dict[str, Any]] = _none
    data: Callable[[World], dict[str, Any]] = _none
    plugin: str | None = None  # None: a core route, always present

    @property
    def id(self) -> str:
        return f"{self.method} {self.endpoint}"


def _course_slug(w: World) -> dict[str, Any]:
    return {"slug": w.course.slug}


def _course_id(w: World) -> dict[str, Any]:
    return {"course_id": w.course.id}


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
    module_id = db.session.execute(
        db.select(Module.id).where(Module.course_id == w.course.id).order_by(Module.position)).scalars().first()
    return {"course_id": w.course.id, "item": f"m{module_id}"}


def _bystander_notification(w: World) -> dict[str, Any]:
    """A notification of the bystander's: nobody else may mark it read."""
    if "notification" not in w.extra:
        from nttlearn.models import Notification

        notification = Notification(user_id=w.bystander.id, kind="course_message", title="For the bystander")
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
        db.session.execute(db.update(User).where(User.id == w.bystander.id).values(calendar_token="route-walk-feed"))
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
    Route("auth.confirm_registration", "GET", Expect(302, 302, 302, 302), args=lambda w: {"token": "not-a-token"}),
    Route("auth.login", "GET", ANONYMOUS_ONLY),
    Route("auth.login", "POST", ANONYMOUS_ONLY),
    Route("auth.logout", "POST", Expect(302, 302, 302, 302)),
    Route("auth.forgot_password", "GET", PUBLIC),
    Route("auth.forgot_password", "POST", PUBLIC),
    Route("auth.reset_password", "GET", PUBLIC, args=lambda w: {"token": reset_token(w.bystander)}),
    Route("auth.reset_password", "POST", PUBLIC, args=lambda w: {"token": reset_token(w.bystander)}),
    Route("auth.profile", "GET", LOGGED_IN),
    Route("auth.profile", "POST", LOGGED_IN),
    Route("auth.change_password", "POST", LOGGED_IN),
    # Someone else's session (the bystander's): nobody may end it, not even an admin, from here.
    Route("auth.end_other_session", "POST", Expect(302, 404, 404, 404), args=lambda w: {"session_id": w.bystander_session()}),
    # Each visitor logs out of every browser of their own account (and is sent to log in).
    Route("auth.end_all_sessions", "POST", Expect(302, 302, 302, 302)),
    Route("auth.export_data", "GET", LOGGED_IN),
    Route("auth.delete", "GET", LOGGED_IN),
    Route("auth.delete", "POST", LOGGED_IN),
    # no provider configured in the walk: no login there to confirm a deletion with
    Route("auth.reauthenticate_for_deletion", "POST", Expect(302, 404, 404, 404), args=lambda w: {"key": "walk"}),
    Route("auth.set_language", "POST", Expect(302, 302, 302, 302), data=lambda w: {"code": "it", "next": "/"}),
    # Single sign-on (tests/test_single_sign_on.py logs in at a real provider): the walk's site
    # has no provider, so a provider's pages are not found; a logged-in visitor is sent on.
    Route("auth.sso_login", "GET", Expect(404, 302, 302, 302), args=lambda w: {"key": "walk"}),
    Route("auth.sso_callback", "GET", Expect(404, 302, 302, 302), args=lambda w: {"key": "walk"}),
    Route("auth.sso_link", "GET", Expect(302, 302, 302, 302)),  # no login in progress: to the login page
    Route("auth.sso_link", "POST", Expect(302, 302, 302, 302)),
    Route("auth.remove_sso_identity", "POST", Expect(302, 404, 404, 404), args=lambda w: {"identity_id": w.bystander_identity()}),
    # -- core: learning ------------------------------------------------------------------------
    Route("learn.catalogue", "GET", PUBLIC),
    Route("learn.dashboard", "GET", LOGGED_IN),
    Route("learn.course", "GET", PUBLIC, args=_course_slug),
    Route("learn.enrol_self", "POST", Expect(302, 302, 302, 302), args=_course_slug),
    # world.lesson is the course's first lesson, its preview: everyone may read it. The other
    # lessons stay closed (302 to log in, 403): tests/test_course_preview.py.
    Route("learn.lesson", "GET", PUBLIC, args=_lesson),
    # The admin may read every lesson but, not being enrolled, has no progress to record.
    Route("learn.complete_lesson", "POST", Expect(302, 302, 403, 403), args=_lesson),
    Route("learn.uncomplete_lesson", "POST", Expect(302, 302, 403, 403), args=_lesson),
    Route("learn.media", "GET", PUBLIC, args=lambda w: {"slug": w.course.slug, "filename": MEDIA_FILE}),
    # -- core: notifications and calendar ------------------------------------------------------
    Route("notifications.index", "GET", LOGGED_IN),
    Route("notifications.mark_read", "POST", Expect(302, 404, 404, 404), args=_bystander_notification),
    Route("notifications.mark_all_read", "POST", Expect(302, 302, 302, 302)),
    Route("notifications.preferences", "GET", LOGGED_IN),
    Route("exports.download", "GET", Expect(302, 404, 404, 404), args=_bystander_export),
    Route("notifications.preferences", "POST", LOGGED_IN),  # an empty form is re-shown with its errors
    Route("notifications.unsubscribe", "GET", PUBLIC, args=_unsubscribe_token),
    Route("notifications.unsubscribe", "POST", PUBLIC, args=_unsubscribe_token),
    Route("calendar.index", "GET", LOGGED_IN),
    Route("calendar.feed", "GET", PUBLIC, args=_feed_token),
    Route("calendar.new_feed", "POST", Expect(302, 302, 302, 302)),
    # -- core: teaching ------------------------------------------------------------------------
    Route("author.index", "GET", TRAINERS),
    Route("author.edit_course", "GET", STAFF_OF_COURSE, args=_course_id),
    Route("author.edit_course", "POST", STAFF_OF_COURSE, args=_course_id),
    Route("reports.course_progress", "GET", STAFF_OF_COURSE, args=_course_id),
    Route("reports.course_progress_csv", "GET", STAFF_OF_COURSE, args=_course_id),
    Route("reports.enrol_people", "POST", Expect(302, 403, 403, 302), args=_course_id),
    Route("reports.unenrol_person", "POST", Expect(302, 403, 403, 302),
          args=lambda w: {"course_id": w.course.id, "user_id": w.learner.id}),
    # -- core: cohorts, deadlines and release rules (empty forms re-show with their errors: 400) --
    Route("cohorts.index", "GET", STAFF_OF_COURSE, args=_course_id),
    Route("cohorts.index", "POST", Expect(302, 403, 403, 400), args=_course_id),
    Route("cohorts.cohort", "GET", STAFF_OF_COURSE, args=_cohort),
    # An empty POST keeps the cohort as it is (the form falls back to the saved values).
    Route("cohorts.cohort", "POST", Expect(302, 403, 403, 302), args=_cohort),
    Route("cohorts.delete", "POST", Expect(302, 403, 403, 302), args=_cohort),
    Route("cohorts.add_members", "POST", Expect(302, 403, 403, 400), args=_cohort),
    Route("cohorts.move_member", "POST", Expect(302, 403, 403, 302), args=_cohort_member),
    Route("cohorts.remove_member", "POST", Expect(302, 403, 403, 302), args=_cohort_member),
    Route("cohorts.deadlines", "POST", Expect(302, 403, 403, 302), args=_cohort),
    Route("cohorts.extension", "POST", Expect(302, 403, 403, 400), args=_cohort),
    Route("cohorts.remove_extension", "POST", Expect(302, 403, 403, 302),
          args=lambda w: {**_cohort_member(w), "activity_id": w.activity("cohort-walk").id}),
    Route("cohorts.message", "POST", Expect(302, 403, 403, 400), args=_cohort),
    # Cohort trainers: given and taken by the course's trainers (the walk's admin removes a
    # trainer the cohort does not have: 404). What a cohort trainer may do: tests/test_cohort_staff.py.
    Route("cohorts.add_trainer", "POST", Expect(302, 403, 403, 400), args=_cohort),
    Route("cohorts.remove_trainer", "POST", Expect(302, 403, 403, 404),
          args=lambda w: {**_cohort(w), "user_id": w.other_trainer.id}),
    Route("cohorts.release", "GET", STAFF_OF_COURSE, args=_course_id),
    Route("cohorts.release_rule", "GET", STAFF_OF_COURSE, args=_first_module),
    Route("cohorts.release_rule", "POST", Expect(302, 403, 403, 302), args=_first_module),
    # -- core: administration ------------------------------------------------------------------
    Route("admin.index", "GET", ADMINS),
    Route("admin.users", "GET", ADMINS),
    Route("admin.edit_user", "GET", ADMINS, args=lambda w: {"user_id": w.bystander.id}),
    # Fields missing from a POST keep the record's values (an unticked "active" box deactivates).
    Route("admin.edit_user", "POST", Expect(302, 403, 403, 302), args=lambda w: {"user_id": w.bystander.id}),
    Route("admin.end_user_sessions", "POST", Expect(302, 403, 403, 302), args=lambda w: {"user_id": w.bystander.id}),
    Route("admin.organisations", "GET", ADMINS),
    Route("admin.organisations", "POST", ADMINS),
    Route("admin.edit_organisation", "GET", ADMINS, args=lambda w: {"org_id": w.organisation.id}),
    Route("admin.edit_organisation", "POST", Expect(302, 403, 403, 302), args=lambda w: {"org_id": w.organisation.id}),
    # Onboarding: an empty upload or merge is re-shown with its errors (400); an upload id that is
    # not the admin's own (here: none at all) sends them back to the upload form.
    Route("onboarding.import_participants", "GET", ADMINS),
    Route("onboarding.import_participants", "POST", Expect(302, 403, 403, 400)),
    Route("onboarding.preview_import", "GET", Expect(302, 403, 403, 302), args=lambda w: {"upload_id": "A" * 22}),
    Route("onboarding.preview_import", "POST", Expect(302, 403, 403, 302), args=lambda w: {"upload_id": "A" * 22}),
    # The bystander has a password already: no invitation, the admin is told so.
    Route("onboarding.invite", "POST", Expect(302, 403, 403, 302), args=lambda w: {"user_id": w.bystander.id}),
    # A link that is not a valid invitation sends everyone to the password reset page.
    Route("onboarding.accept_invitation", "GET", Expect(302, 302, 302, 302), args=lambda w: {"token": "not-a-token"}),
    Route("onboarding.accept_invitation", "POST", Expect(302, 302, 302, 302), args=lambda w: {"token": "not-a-token"}),
    Route("onboarding.merge", "GET", ADMINS),
    Route("onboarding.merge", "POST", Expect(302, 403, 403, 400)),
    Route("admin.plugins", "GET", ADMINS),
    Route("admin.jobs", "GET", ADMINS),
    # An id no failed job has: the admin is told so and sent back to the page.
    Route("admin.job_failure", "POST", Expect(302, 403, 403, 302), args=lambda w: {"failure_id": "db-999999", "action": "retry"}),
    Route("admin.toggle_plugin", "POST", Expect(302, 403, 403, 302),
          args=lambda w: {"name": PROBE_PLUGIN}, data=lambda w: {"enabled": "1"}),
    # The probe plugin is enabled: the admin sees what disabling it would stop.
    Route("admin.confirm_disable_plugin", "GET", ADMINS, args=lambda w: {"name": PROBE_PLUGIN}),
    # -- plugin: example_partner ----------------------------------------------------------------
    Route("example_partner.meetings", "GET", LOGGED_IN, plugin="example_partner"),
    # An empty form is re-shown with its errors (400) to trainers and admins.
    Route("example_partner.add_meeting", "POST", Expect(302, 403, 400, 400), plugin="example_partner"),
    # -- core: authoring (course packages and browser editing) --------------------------------------
    # world.course is taught by world.trainer: of the four visitors only the admin may edit it.
    # Empty POSTs re-show their form (200); on edit forms without a version, the fields missing from
    # the POST keep the record's values, so the admin's empty save succeeds (302).
    Route("author.new_course", "GET", TRAINERS),
    Route("author.new_course", "POST", TRAINERS),
    Route("author.outline", "GET", STAFF_OF_COURSE, args=_course_id),
    Route("author.new_module", "GET", STAFF_OF_COURSE, args=_course_id),
    Route("author.new_module", "POST", STAFF_OF_COURSE, args=_course_id),
    Route("author.edit_module", "GET", STAFF_OF_COURSE, args=lambda w: {"course_id": w.course.id, "module_id": w.lesson.module_id}),
    Route("author.edit_module", "POST", Expect(302, 403, 403, 302),
          args=lambda w: {"course_id": w.course.id, "module_id": w.lesson.module_id}),
    Route("author.new_lesson", "GET", STAFF_OF_COURSE, args=lambda w: {"course_id": w.course.id, "module_id": w.lesson.module_id}),
    Route("author.new_lesson", "POST", STAFF_OF_COURSE, args=lambda w: {"course_id": w.course.id, "module_id": w.lesson.module_id}),
    Route("author.edit_lesson", "GET", STAFF_OF_COURSE, args=lambda w: {"course_id": w.course.id, "lesson_id": w.lesson.id}),
    Route("author.edit_lesson", "POST", STAFF_OF_COURSE, args=lambda w: {"course_id": w.course.id, "lesson_id": w.lesson.id}),
    Route("author.markdown_preview", "POST", STAFF_OF_COURSE, args=_course_id,
          data=lambda w: {"module_id": w.lesson.module_id, "body": "*A preview*"}),
    Route("author.new_activity", "GET", STAFF_OF_COURSE, args=lambda w: {"course_id": w.course.id, "module_id": w.lesson.module_id}),
    Route("author.new_activity", "POST", STAFF_OF_COURSE, args=lambda w: {"course_id": w.course.id, "module_id": w.lesson.module_id}),
    Route("author.edit_activity", "GET", STAFF_OF_COURSE, args=lambda w: {"course_id": w.course.id, "activity_id": w.activity("quiz").id}),
    Route("author.edit_activity", "POST", Expect(302, 403, 403, 302),
          args=lambda w: {"course_id": w.course.id, "activity_id": w.activity("quiz").id}),
    Route("author.move_element", "POST", Expect(302, 403, 403, 302),
          args=lambda w: {"course_id": w.course.id, "kind": "lessons", "element_id": w.lesson.id, "direction": "down"}),
    # Without "confirmed", deleting answers with the confirmation page (200): nothing goes yet.
    Route("author.delete_element", "POST", Expect(302, 403, 403, 200),
          args=lambda w: {"course_id": w.course.id, "kind": "lessons", "element_id": w.lesson.id}),
    Route("author.media", "GET", STAFF_OF_COURSE, args=_course_id),
    Route("author.media", "POST", STAFF_OF_COURSE, args=_course_id),
    Route("author.delete_media_file", "POST", Expect(302, 403, 403, 200),
          args=lambda w: {"course_id": w.course.id, "name": MEDIA_FILE}),
    Route("author.duplicate", "GET", STAFF_OF_COURSE, args=_course_id),
    Route("author.duplicate", "POST", STAFF_OF_COURSE, args=_course_id),
    Route("author.preview_course", "GET", STAFF_OF_COURSE, args=_course_id),
    Route("author.preview_lesson", "GET", STAFF_OF_COURSE, args=lambda w: {"course_id": w.course.id, "lesson_id": w.lesson.id}),
    Route("author.upload_package", "GET", ADMINS),
    Route("author.upload_package", "POST", ADMINS),
    Route("author.download_package", "GET", ADMINS, args=_course_id),
    # Translations: an empty save re-shows the form (200); deleting a translation that is not there
    # returns to the editor with a message (302).
    Route("author.translations", "GET", STAFF_OF_COURSE, args=_course_id),
    Route("author.translate_course", "GET", STAFF_OF_COURSE, args=lambda w: {"course_id": w.course.id, "locale": "it"}),
    Route("author.translate_course", "POST", STAFF_OF_COURSE, args=lambda w: {"course_id": w.course.id, "locale": "it"}),
    Route("author.delete_course_translation", "POST", Expect(302, 403, 403, 302),
          args=lambda w: {"course_id": w.course.id, "locale": "it"}),
    Route("author.translate_lesson", "GET", STAFF_OF_COURSE,
          args=lambda w: {"course_id": w.course.id, "lesson_id": w.lesson.id, "locale": "sv"}),
    Route("author.translate_lesson", "POST", STAFF_OF_COURSE,
          args=lambda w: {"course_id": w.course.id, "lesson_id": w.lesson.id, "locale": "sv"}),
    Route("author.delete_lesson_translation", "POST", Expect(302, 403, 403, 302),
          args=lambda w: {"course_id": w.course.id, "lesson_id": w.lesson.id, "locale": "sv"}),
    Route("author.translate_module", "GET", STAFF_OF_COURSE,
          args=lambda w: {"course_id": w.course.id, "module_id": w.lesson.module_id, "locale": "es"}),
    Route("author.translate_module", "POST", STAFF_OF_COURSE,
          args=lambda w: {"course_id": w.course.id, "module_id": w.lesson.module_id, "locale": "es"}),
    Route("author.delete_module_translation", "POST", Expect(302, 403, 403, 302),
          args=lambda w: {"course_id": w.course.id, "module_id": w.lesson.module_id, "locale": "es"}),
]


# -- core: the REST API (/api/v1). A token, never the site's session cookie: every logged-in
# visitor here is as unknown to the API as an anonymous one (401). Tokens: tests/test_rest_api.py.
API_NEEDS_TOKEN = Expect(401, 401, 401, 401)


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


ROUTES.extend([
    Route("api-docs.openapi_json", "GET", PUBLIC),
    Route("api_docs.reference", "GET", PUBLIC),
    Route("api_courses.list_courses", "GET", API_NEEDS_TOKEN),
    Route("api_courses.get_course", "GET", API_NEEDS_TOKEN, args=_course_slug),
    Route("api_courses.get_outline", "GET", API_NEEDS_TOKEN, args=_course_slug),
    Route("api_courses.course_progress_list", "GET", API_NEEDS_TOKEN, args=_course_slug),
    Route("api_courses.course_cohorts", "GET", API_NEEDS_TOKEN, args=_course_slug),
    Route("api_cohorts.get_cohort", "GET", API_NEEDS_TOKEN, args=_cohort_of_course),
    Route("api_cohorts.cohort_members", "GET", API_NEEDS_TOKEN, args=_cohort_of_course),
    Route("api_me.get_me", "GET", API_NEEDS_TOKEN),
    Route("api_me.my_progress", "GET", API_NEEDS_TOKEN),
    Route("api_users.list_users", "GET", API_NEEDS_TOKEN),
    Route("api_users.get_user", "GET", API_NEEDS_TOKEN, args=lambda w: {"user_id": w.learner.id}),
    Route("api_organisations.list_organisations", "GET", API_NEEDS_TOKEN),
    Route("api_organisations.get_organisation", "GET", API_NEEDS_TOKEN,
          args=lambda w: {"organisation_id": w.organisation.id}),
    Route("api_enrolments.list_enrolments", "GET", API_NEEDS_TOKEN),
    Route("api_enrolments.create_enrolment", "POST", API_NEEDS_TOKEN),
    # The token pages: each person's own; another person's token is not found, even by an admin.
    Route("api_tokens.tokens", "GET", LOGGED_IN),
    Route("api_tokens.tokens", "POST", LOGGED_IN),
    Route("api_tokens.revoke", "POST", Expect(302, 404, 404, 404), args=_token_of_bystander),
    # Plugins' API resources (nttlearn_api_blueprints): a token too, never the session.
    Route("certificates_api.list_certificates", "GET", API_NEEDS_TOKEN, plugin="certificates"),
    Route("certificates_api.issue", "POST", API_NEEDS_TOKEN, plugin="certificates"),
    Route("certificates_api.revoke", "POST", API_NEEDS_TOKEN, args=lambda w: {"code": "NTT-0000-0000"},
          plugin="certificates"),
    Route("certificates_api.verification", "GET", API_NEEDS_TOKEN, args=lambda w: {"code": "NTT-0000-0000"},
          plugin="certificates"),
    Route("evaluation_api.impact", "GET", API_NEEDS_TOKEN, plugin="evaluation"),
    Route("meetings_api.list_meetings", "GET", API_NEEDS_TOKEN, plugin="meetings"),
    Route("meetings_api.get_meeting", "GET", API_NEEDS_TOKEN, args=lambda w: {"meeting_id": 1}, plugin="meetings"),
    Route("meetings_api.meeting_registrations", "GET", API_NEEDS_TOKEN, args=lambda w: {"meeting_id": 1},
          plugin="meetings"),
])


def rows_by_key() -> dict[tuple[str, str], Route]:
    return {(row.endpoint, row.method): row for row in ROUTES}


# -- plugin: certificates ----------------------------------------------------------------------
# A certificate held by world.learner for world.course, issued once per walk (by hand: the walk's
# course is not completed). "Shared" rows use it with its public link switched on.
def _certificate_code(w: World, shared: bool = False) -> str:
    from nttlearn_certificates import services

    if "certificate" not in w.extra:
        w.extra["certificate"] = services.issue_certificate(w.learner, w.course, reason="route walk").code
    cert = services.find_certificate(w.extra["certificate"])
    if shared and not cert.public:
        services.set_public(cert, True)
    db.session.commit()
    return cert.code


def _code(w: World) -> dict[str, Any]:
    return {"code": _certificate_code(w)}


def _shared_code(w: World) -> dict[str, Any]:
    return {"code": _certificate_code(w, shared=True)}


def _course_code(w: World) -> dict[str, Any]:
    return {"course_id": w.course.id, "code": _certificate_code(w)}


def _key_id(w: World) -> dict[str, Any]:
    from nttlearn_certificates import services

    method = services.find_certificate(_certificate_code(w)).credential["proof"][0]["verificationMethod"]
    return {"key_id": method.rsplit("/", 1)[1]}


def _status_list_id(w: World) -> dict[str, Any]:
    from nttlearn_certificates import services

    return {"list_id": services.find_certificate(_certificate_code(w)).status_list_id}


HOLDER_STAFF_ADMIN = Expect(302, 200, 404, 200)  # another trainer gets the 404 of an unknown code
ROUTES.extend([
    Route("certificates.static", "GET", PUBLIC, args=lambda w: {"filename": "certificates.css"}, plugin="certificates"),
    Route("certificates.verify_form", "GET", PUBLIC, plugin="certificates"),
    Route("certificates.verify", "GET", PUBLIC, args=_code, plugin="certificates"),
    Route("certificates.issuer", "GET", PUBLIC, plugin="certificates"),
    Route("certificates.keys", "GET", PUBLIC, plugin="certificates"),
    Route("certificates.key", "GET", PUBLIC, args=_key_id, plugin="certificates"),
    Route("certificates.revocations", "GET", PUBLIC, plugin="certificates"),
    Route("certificates.status_list", "GET", PUBLIC, args=_status_list_id, plugin="certificates"),
    Route("certificates.achievement", "GET", PUBLIC, args=_course_slug, plugin="certificates"),
    Route("certificates.achievement_badge", "GET", PUBLIC, args=_course_slug, plugin="certificates"),
    Route("certificates.shared", "GET", PUBLIC, args=_shared_code, plugin="certificates"),
    Route("certificates.shared_pdf", "GET", PUBLIC, args=_shared_code, plugin="certificates"),
    Route("certificates.shared_credential", "GET", PUBLIC, args=_shared_code, plugin="certificates"),
    Route("certificates.shared_badge", "GET", PUBLIC, args=_shared_code, plugin="certificates"),
    Route("certificates.mine", "GET", LOGGED_IN, plugin="certificates"),
    Route("certificates.certificate", "GET", HOLDER_STAFF_ADMIN, args=_code, plugin="certificates"),
    Route("certificates.pdf", "GET", HOLDER_STAFF_ADMIN, args=_code, plugin="certificates"),
    Route("certificates.credential_json", "GET", HOLDER_STAFF_ADMIN, args=_code, plugin="certificates"),
    Route("certificates.credential_jwt", "GET", HOLDER_STAFF_ADMIN, args=_code, plugin="certificates"),
    Route("certificates.badge", "GET", HOLDER_STAFF_ADMIN, args=_code, plugin="certificates"),
    # Only the holder shares; an empty form switches sharing off and returns to the certificate.
    Route("certificates.share", "POST", Expect(302, 302, 404, 404), args=_code, plugin="certificates"),
    Route("certificates.course", "GET", STAFF_OF_COURSE, args=_course_id, plugin="certificates"),
    Route("certificates.save_course_rule", "POST", Expect(302, 403, 403, 302), args=_course_id, plugin="certificates"),
    # Empty forms: no learner / no reason / no colours are re-shown with their errors (400).
    Route("certificates.issue", "POST", Expect(302, 403, 403, 400), args=_course_id, plugin="certificates"),
    Route("certificates.bulk", "POST", Expect(302, 403, 403, 400), args=_course_id, plugin="certificates"),
    Route("certificates.revoke", "POST", Expect(302, 403, 403, 302), args=_course_code, plugin="certificates"),
    Route("certificates.reissue", "POST", Expect(302, 403, 403, 302), args=_course_code, plugin="certificates"),
    Route("certificates.course_template", "GET", STAFF_OF_COURSE, args=_course_id, plugin="certificates"),
    Route("certificates.course_template", "POST", Expect(302, 403, 403, 400), args=_course_id, plugin="certificates"),
    Route("certificates.course_template_preview", "GET", STAFF_OF_COURSE, args=_course_id, plugin="certificates"),
    Route("certificates.course_template_preview", "POST", Expect(302, 403, 403, 400), args=_course_id,
          plugin="certificates"),
    Route("certificates.delete_course_template", "POST", Expect(302, 403, 403, 302), args=_course_id,
          plugin="certificates"),
    Route("certificates.site_template", "GET", ADMINS, plugin="certificates"),
    Route("certificates.site_template", "POST", Expect(302, 403, 403, 400), plugin="certificates"),
    Route("certificates.site_template_preview", "GET", ADMINS, plugin="certificates"),
    Route("certificates.site_template_preview", "POST", Expect(302, 403, 403, 400), plugin="certificates"),
    Route("certificates.rotate_key", "POST", Expect(302, 403, 403, 302), plugin="certificates"),
])


# -- plugin: quiz (rows appended by the quiz plugin's engineer) ---------------------------------------
def _quiz_world(w: World) -> Any:
    """A quiz with one question in ``world.course``, and the learner's open attempt (made once)."""
    if "quiz" not in w.extra:
        from types import SimpleNamespace

        from nttlearn_quiz import bank, services
        from nttlearn_quiz.quizzes import add_questions, ensure_quiz, quiz_slots

        activity = w.activity("quiz")
        quiz = ensure_quiz(activity)
        category = bank.ensure_category(w.course.id, ["Walk"])
        question = bank.create_question(w.course.id, category, {
            "type": "truefalse", "name": "Walk", "text": "NTT+ ran in 2010.", "format": "moodle",
            "general_feedback": None, "answers": [{"text": "true", "fraction": 1.0, "feedback": ""},
                                                  {"text": "false", "fraction": 0.0, "feedback": ""}]})
        add_questions(quiz, [question.id])
        attempt = services.start_attempt(quiz, w.learner.id)
        db.session.commit()
        w.extra["quiz"] = SimpleNamespace(activity_id=activity.id, category_id=category.id, question_id=question.id,
                                          slot_id=quiz_slots(quiz)[0].id, attempt_id=attempt.id,
                                          answer_id=services.answers_of(attempt)[0].id)
    return w.extra["quiz"]


def _quiz(w: World) -> dict[str, Any]:
    return {"activity_id": _quiz_world(w).activity_id}


def _quiz_attempt(w: World) -> dict[str, Any]:
    return {"attempt_id": _quiz_world(w).attempt_id}


def _quiz_question(w: World) -> dict[str, Any]:
    return {"course_id": w.course.id, "question_id": _quiz_world(w).question_id}


QUIZ_STAFF = Expect(302, 403, 403, 200)  # the course's trainers and admins; a learner is enrolled, not staff
QUIZ_OWNER = Expect(302, 200, 404, 404)  # the attempt's learner only: anyone else's attempt is "not found"

ROUTES.extend([
    Route("quiz.static", "GET", PUBLIC, args=lambda w: {"filename": "quiz.js"}, plugin="quiz"),
    Route("quiz.view", "GET", Expect(302, 200, 403, 200), args=_quiz, plugin="quiz"),
    # The learner resumes their open attempt; the admin (staff) starts one of their own.
    Route("quiz.start", "POST", Expect(302, 302, 403, 302), args=_quiz, plugin="quiz"),
    Route("quiz.attempt", "GET", QUIZ_OWNER, args=_quiz_attempt, plugin="quiz"),
    Route("quiz.save", "POST", Expect(302, 302, 404, 404), args=_quiz_attempt, plugin="quiz"),
    Route("quiz.autosave", "POST", QUIZ_OWNER, args=_quiz_attempt, plugin="quiz"),
    Route("quiz.summary", "GET", QUIZ_OWNER, args=_quiz_attempt, plugin="quiz"),
    Route("quiz.submit", "POST", Expect(302, 302, 404, 404), args=_quiz_attempt, plugin="quiz"),
    # The owner of an attempt in progress is sent back to it; trainers of the course review any attempt.
    Route("quiz.review", "GET", Expect(302, 302, 403, 200), args=_quiz_attempt, plugin="quiz"),
    Route("quiz.edit_quiz", "GET", QUIZ_STAFF, args=_quiz, plugin="quiz"),
    Route("quiz.edit_quiz", "POST", Expect(302, 403, 403, 400), args=_quiz, plugin="quiz"),
    Route("quiz.quiz_questions", "GET", QUIZ_STAFF, args=_quiz, plugin="quiz"),
    Route("quiz.add_questions", "POST", Expect(302, 403, 403, 302), args=_quiz, plugin="quiz"),
    Route("quiz.add_random", "POST", Expect(302, 403, 403, 302), args=_quiz, plugin="quiz"),
    # No action given: a bad request.
    Route("quiz.change_slot", "POST", Expect(302, 403, 403, 400),
          args=lambda w: {**_quiz(w), "slot_id": _quiz_world(w).slot_id}, plugin="quiz"),
    Route("quiz.attempts", "GET", QUIZ_STAFF, args=_quiz, plugin="quiz"),
    # An attempt in progress cannot be reopened: the admin is told so on the attempts page.
    Route("quiz.reopen", "POST", Expect(302, 403, 403, 302), args=_quiz_attempt, plugin="quiz"),
    Route("quiz.allowance", "POST", Expect(302, 403, 403, 302), args=_quiz, plugin="quiz"),
    Route("quiz.override", "POST", Expect(302, 403, 403, 302), args=_quiz, plugin="quiz"),
    Route("quiz.regrade", "POST", Expect(302, 403, 403, 302), args=_quiz, plugin="quiz"),
    Route("quiz.grading", "GET", QUIZ_STAFF, args=_quiz, plugin="quiz"),
    Route("quiz.grade_answer", "GET", QUIZ_STAFF, args=lambda w: {"answer_id": _quiz_world(w).answer_id}, plugin="quiz"),
    Route("quiz.grade_answer", "POST", Expect(302, 403, 403, 400), args=lambda w: {"answer_id": _quiz_world(w).answer_id},
          plugin="quiz"),
    Route("quiz.statistics", "GET", QUIZ_STAFF, args=_quiz, plugin="quiz"),
    Route("quiz.statistics_csv", "GET", QUIZ_STAFF, args=_quiz, plugin="quiz"),
    Route("quiz.bank_index", "GET", STAFF_OF_COURSE, args=_course_id, plugin="quiz"),
    Route("quiz.add_category", "POST", Expect(302, 403, 403, 302), args=_course_id, plugin="quiz"),
    Route("quiz.change_category", "POST", Expect(302, 403, 403, 400),
          args=lambda w: {"course_id": w.course.id, "category_id": _quiz_world(w).category_id}, plugin="quiz"),
    # Without ?type= both show the list of question types to choose from.
    Route("quiz.new_question", "GET", STAFF_OF_COURSE, args=_course_id, plugin="quiz"),
    Route("quiz.new_question", "POST", STAFF_OF_COURSE, args=_course_id, plugin="quiz"),
    Route("quiz.edit_question", "GET", STAFF_OF_COURSE, args=_quiz_question, plugin="quiz"),
    Route("quiz.edit_question", "POST", Expect(302, 403, 403, 400), args=_quiz_question, plugin="quiz"),
    Route("quiz.translate_question", "GET", STAFF_OF_COURSE, args=lambda w: {**_quiz_question(w), "locale": "it"},
          plugin="quiz"),
    # Without the tokens of what the editor showed, nothing is saved.
    Route("quiz.translate_question", "POST", Expect(302, 403, 403, 400),
          args=lambda w: {**_quiz_question(w), "locale": "it"}, plugin="quiz"),
    Route("quiz.preview_question", "GET", STAFF_OF_COURSE, args=_quiz_question, plugin="quiz"),
    Route("quiz.preview_question", "POST", STAFF_OF_COURSE, args=_quiz_question, plugin="quiz"),
    # The question is in the quiz: not deleted, the admin is told why.
    Route("quiz.delete_question", "POST", Expect(302, 403, 403, 302), args=_quiz_question, plugin="quiz"),
    Route("quiz.import_questions", "GET", STAFF_OF_COURSE, args=_course_id, plugin="quiz"),
    Route("quiz.import_questions", "POST", STAFF_OF_COURSE, args=_course_id, plugin="quiz"),
    Route("quiz.import_status", "GET", Expect(302, 403, 403, 404),
          args=lambda w: {"course_id": w.course.id, "token": "0" * 32}, plugin="quiz"),
    Route("quiz.export_bank", "GET", STAFF_OF_COURSE, args=_course_id, plugin="quiz"),
    Route("quiz.course_report_csv", "GET", STAFF_OF_COURSE, args=_course_id, plugin="quiz"),
])


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
        team = pr.Team(activity_id=activity.id, name="Walk team", title="Walking proposal", policy_area="youth")
        db.session.add(team)
        db.session.flush()
        db.session.add(pr.TeamMember(team_id=team.id, activity_id=activity.id, user_id=w.bystander.id))
        submission = pr.Submission(activity_id=activity.id, team_id=team.id, kind="original",
                                   title="Walking proposal", sections=[{"key": "budget", "title": "Budget", "text": "1 EUR"}],
                                   authors=[w.bystander.id], countries=["IT"])
        db.session.add(submission)
        db.session.flush()
        allocation = pr.Allocation(activity_id=activity.id, submission_id=submission.id, reviewer_id=w.trainer.id)
        invitation = pr.Invitation(team_id=team.id, invitee_id=w.trainer.id, invited_by_id=w.bystander.id)
        example = pr.Example(activity_id=activity.id, title="Example", sections={}, reference_scores={},
                             reference_comments={}, published=True)
        notice = pr.Notification(user_id=w.bystander.id, activity_id=activity.id, kind="reminder", message="Hi")
        db.session.add_all([allocation, invitation, example, notice])
        settings.phase = "review"
        db.session.commit()
        w.extra["proposal"] = {"activity_id": activity.id, "team_id": team.id, "submission_id": submission.id,
                               "allocation_id": allocation.id, "invitation_id": invitation.id,
                               "example_id": example.id, "notification_id": notice.id}
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
                team_id=ids["team_id"], activity_id=ids["activity_id"], programme="Europe for Citizens",
                funding_call="Measure 1.2", submitted_on=date(2010, 9, 1), lead_organisation="Walk town",
                partners=[], requested_eur=Decimal("1000.00"), outcome="pending")
            partner = User(email="partner@example.org", name="Directory Partner")
            db.session.add_all([application, partner])
            db.session.flush()
            db.session.add_all([
                pr.ApplicationDocument(application_id=application.id, filename="walk.pdf", size=8,
                                       content=b"%PDF-1.4"),
                Enrolment(user_id=partner.id, course_id=w.course.id),
                pr.DirectoryEntry(user_id=partner.id, town="Luleå", country="SE", organisation="Luleå kommun",
                                  policy_areas=",youth,", languages=",sv,", looking_for="")])
            db.session.commit()
            w.extra["partners"] = {"application_id": application.id, "user_id": partner.id}
        return {name: w.extra["partners"][name] for name in names}

    return args


NOT_YOURS = Expect(302, 404, 403, 404)  # the learner has no team there; another trainer is not in the course
STAFF_OF_ACTIVITY = Expect(302, 403, 403, 200)
OTHERS_WORK = Expect(302, 404, 403, 200)  # another team's submission and its reviews: its trainers read them
ROUTES.extend([
    Route("peer_review.static", "GET", PUBLIC, args=lambda w: {"filename": "peer_review.css"}, plugin="peer_review"),
    Route("peer_review.view", "GET", Expect(302, 200, 403, 200), args=_pr("activity_id"), plugin="peer_review"),
    # Empty forms are refused with a message and sent back to the activity.
    Route("peer_review.create_team", "POST", Expect(302, 302, 403, 302), args=_pr("activity_id"), plugin="peer_review"),
    Route("peer_review.invite", "POST", NOT_YOURS, args=_pr("activity_id"), plugin="peer_review"),
    Route("peer_review.leave_team", "POST", NOT_YOURS, args=_pr("activity_id"), plugin="peer_review"),
    Route("peer_review.answer_invitation", "POST", Expect(302, 404, 404, 404), args=_pr("invitation_id"),
          plugin="peer_review"),
    Route("peer_review.proposal", "GET", NOT_YOURS, args=_pr("activity_id"), plugin="peer_review"),
    Route("peer_review.save_details", "POST", NOT_YOURS, args=_pr("activity_id"), plugin="peer_review"),
    Route("peer_review.edit_section", "GET", NOT_YOURS, args=_pr("activity_id", key="budget"), plugin="peer_review"),
    Route("peer_review.edit_section", "POST", NOT_YOURS, args=_pr("activity_id", key="budget"), plugin="peer_review"),
    Route("peer_review.section_history", "GET", NOT_YOURS, args=_pr("activity_id", key="budget"),
          plugin="peer_review"),
    Route("peer_review.submit", "POST", NOT_YOURS, args=_pr("activity_id"), plugin="peer_review"),
    Route("peer_review.export_draft", "GET", NOT_YOURS, args=_pr("activity_id", fmt="md"), plugin="peer_review"),
    Route("peer_review.submission", "GET", OTHERS_WORK, args=_pr("submission_id"), plugin="peer_review"),
    Route("peer_review.export_submission", "GET", OTHERS_WORK, args=_pr("submission_id", fmt="pdf"),
          plugin="peer_review"),
    Route("peer_review.compare_versions", "GET", OTHERS_WORK, args=_pr("submission_id"), plugin="peer_review"),
    Route("peer_review.feedback", "GET", OTHERS_WORK, args=_pr("submission_id"), plugin="peer_review"),
    Route("peer_review.export_feedback", "GET", OTHERS_WORK, args=_pr("submission_id", fmt="md"),
          plugin="peer_review"),
    # The trainers read any review; nobody but its reviewer writes it.
    Route("peer_review.review", "GET", OTHERS_WORK, args=_pr("allocation_id"), plugin="peer_review"),
    Route("peer_review.review", "POST", Expect(302, 404, 403, 403), args=_pr("allocation_id"), plugin="peer_review"),
    Route("peer_review.rate", "POST", NOT_YOURS, args=_pr("allocation_id"), plugin="peer_review"),
    Route("peer_review.example", "GET", Expect(302, 200, 403, 200), args=_pr("example_id"), plugin="peer_review"),
    Route("peer_review.example", "POST", Expect(302, 400, 403, 400), args=_pr("example_id"), plugin="peer_review"),
    Route("peer_review.dismiss_notification", "POST", Expect(302, 404, 404, 404), args=_pr("notification_id"),
          plugin="peer_review"),
    Route("peer_review.edit_settings", "GET", STAFF_OF_ACTIVITY, args=_pr("activity_id"), plugin="peer_review"),
    Route("peer_review.edit_settings", "POST", Expect(302, 403, 403, 400), args=_pr("activity_id"),
          plugin="peer_review"),
    Route("peer_review.change_phase", "GET", STAFF_OF_ACTIVITY, args=_pr("activity_id", phase="closed"),
          plugin="peer_review"),
    Route("peer_review.change_phase", "POST", Expect(302, 403, 403, 400), args=_pr("activity_id"),
          plugin="peer_review"),
    Route("peer_review.translate", "GET", STAFF_OF_ACTIVITY, args=_pr("activity_id", locale="sv"), plugin="peer_review"),
    # Without the token of the translation the editor showed, nothing is saved.
    Route("peer_review.translate", "POST", Expect(302, 403, 403, 400), args=_pr("activity_id", locale="sv"),
          plugin="peer_review"),
    Route("peer_review.manage", "GET", STAFF_OF_ACTIVITY, args=_pr("activity_id"), plugin="peer_review"),
    Route("peer_review.staff_create_team", "POST", Expect(302, 403, 403, 302), args=_pr("activity_id"),
          plugin="peer_review"),
    Route("peer_review.staff_add_member", "POST", Expect(302, 403, 403, 302), args=_pr("team_id"),
          plugin="peer_review"),
    Route("peer_review.staff_remove_member", "POST", Expect(302, 403, 403, 302),
          args=lambda w: {"team_id": _proposal(w)["team_id"], "user_id": w.learner.id}, plugin="peer_review"),
    Route("peer_review.staff_delete_team", "POST", Expect(302, 403, 403, 302), args=_pr("team_id"),
          plugin="peer_review"),
    Route("peer_review.staff_override", "POST", Expect(302, 403, 403, 302), args=_pr("team_id"),
          plugin="peer_review"),
    Route("peer_review.staff_allocate", "POST", Expect(302, 403, 403, 302), args=_pr("activity_id"),
          plugin="peer_review"),
    Route("peer_review.staff_add_allocation", "POST", Expect(302, 403, 403, 302), args=_pr("activity_id"),
          plugin="peer_review"),
    Route("peer_review.staff_remove_allocation", "POST", Expect(302, 403, 403, 302), args=_pr("allocation_id"),
          plugin="peer_review"),
    Route("peer_review.staff_drop_reviewer", "POST", Expect(302, 403, 403, 302), args=_pr("activity_id"),
          plugin="peer_review"),
    Route("peer_review.staff_remind", "POST", Expect(302, 403, 403, 302), args=_pr("activity_id"),
          plugin="peer_review"),
    Route("peer_review.grades", "GET", STAFF_OF_ACTIVITY, args=_pr("activity_id"), plugin="peer_review"),
    Route("peer_review.grades_csv", "GET", STAFF_OF_ACTIVITY, args=_pr("activity_id"), plugin="peer_review"),
    Route("peer_review.new_example", "GET", STAFF_OF_ACTIVITY, args=_pr("activity_id"), plugin="peer_review"),
    Route("peer_review.new_example", "POST", Expect(302, 403, 403, 400), args=_pr("activity_id"),
          plugin="peer_review"),
    Route("peer_review.edit_example", "GET", STAFF_OF_ACTIVITY, args=_pr("example_id"), plugin="peer_review"),
    Route("peer_review.edit_example", "POST", Expect(302, 403, 403, 400), args=_pr("example_id"),
          plugin="peer_review"),
    Route("peer_review.quality_csv", "GET", STAFF_OF_COURSE, args=_course_id, plugin="peer_review"),
    # The partner directory and the applications to funders (see _partners).
    Route("peer_review.directory_search", "GET", LOGGED_IN, plugin="peer_review"),
    Route("peer_review.directory_entry", "GET", LOGGED_IN, plugin="peer_review"),
    Route("peer_review.directory_entry", "POST", Expect(302, 400, 400, 400), plugin="peer_review"),
    Route("peer_review.directory_remove", "POST", Expect(302, 302, 302, 302), plugin="peer_review"),
    # Only the learner shares a course with the partner: the others do not see the entry.
    Route("peer_review.directory_invite", "POST", Expect(302, 400, 404, 404), args=_partners("user_id"),
          plugin="peer_review"),
    Route("peer_review.record_application", "GET", NOT_YOURS, args=_pr("activity_id"), plugin="peer_review"),
    Route("peer_review.record_application", "POST", NOT_YOURS, args=_pr("activity_id"), plugin="peer_review"),
    Route("peer_review.edit_application", "GET", OTHERS_WORK, args=_partners("application_id"),
          plugin="peer_review"),
    Route("peer_review.edit_application", "POST", Expect(302, 404, 403, 400), args=_partners("application_id"),
          plugin="peer_review"),
    Route("peer_review.application_document", "GET", OTHERS_WORK, args=_partners("application_id"),
          plugin="peer_review"),
    Route("peer_review.activity_applications", "GET", STAFF_OF_ACTIVITY, args=_pr("activity_id"),
          plugin="peer_review"),
    Route("peer_review.all_applications", "GET", ADMINS, plugin="peer_review"),

    # -- evaluation -------------------------------------------------------------------------------
    Route("evaluation.static", "GET", PUBLIC, args=lambda w: {"filename": "evaluation.css"}, plugin="evaluation"),
    Route("evaluation.reports.course_report", "GET", STAFF_OF_COURSE, args=_course_id, plugin="evaluation"),
    Route("evaluation.reports.course_report_csv", "GET", STAFF_OF_COURSE,
          args=lambda w: {**_course_id(w), "table": "learners"}, plugin="evaluation"),
    Route("evaluation.reports.learner_timeline_page", "GET", STAFF_OF_COURSE,
          args=lambda w: {**_course_id(w), "user_id": w.learner.id}, plugin="evaluation"),
    Route("evaluation.reports.learner_timeline_csv", "GET", STAFF_OF_COURSE,
          args=lambda w: {**_course_id(w), "user_id": w.learner.id}, plugin="evaluation"),
    Route("evaluation.reports.survey_results_page", "GET", STAFF_OF_COURSE,
          args=lambda w: {**_course_id(w), "activity_id": w.activity("survey").id}, plugin="evaluation"),
    # An anonymous survey with fewer answers than the threshold: even the admin may not download it.
    Route("evaluation.reports.survey_results_csv", "GET", Expect(302, 403, 403, 403),
          args=lambda w: {**_course_id(w), "activity_id": w.activity("survey").id, "table": "results"},
          plugin="evaluation"),
    Route("evaluation.reports.my_timeline", "GET", LOGGED_IN, plugin="evaluation"),
    Route("evaluation.reports.my_timeline_csv", "GET", LOGGED_IN, plugin="evaluation"),
    Route("evaluation.reports.programme", "GET", ADMINS, plugin="evaluation"),
    Route("evaluation.reports.programme_csv", "GET", ADMINS, args=lambda w: {"table": "countries"}, plugin="evaluation"),
    Route("evaluation.reports.quality", "GET", ADMINS, plugin="evaluation"),
    Route("evaluation.reports.quality_csv", "GET", ADMINS, args=lambda w: {"table": "courses"}, plugin="evaluation"),
    Route("evaluation.reports.impact", "GET", ADMINS, plugin="evaluation"),
    Route("evaluation.reports.impact_pdf_download", "GET", ADMINS, plugin="evaluation"),
    Route("evaluation.reports.impact_csv", "GET", ADMINS, args=lambda w: {"table": "figures"}, plugin="evaluation"),
    Route("evaluation.surveys.answer", "GET", Expect(302, 200, 403, 200),
          args=lambda w: {"activity_id": w.activity("survey").id}, plugin="evaluation"),
    Route("evaluation.surveys.answer", "POST", Expect(302, 400, 403, 302),
          args=lambda w: {"activity_id": w.activity("survey").id}, plugin="evaluation"),
    Route("evaluation.surveys.translate", "GET", STAFF_OF_COURSE,
          args=lambda w: {**_course_id(w), "activity_id": w.activity("survey").id, "locale": "it"},
          plugin="evaluation"),
    # Without the tokens of what the editor showed, nothing is saved.
    Route("evaluation.surveys.translate", "POST", Expect(302, 403, 403, 400),
          args=lambda w: {**_course_id(w), "activity_id": w.activity("survey").id, "locale": "it"},
          plugin="evaluation"),
])


# -- plugin: meetings ----------------------------------------------------------------------------
# A published seminar a fortnight ahead organised by world.trainer, with an agenda item and a
# document each for viewing and for deleting, a second meeting the walk may cancel, and a calendar
# address of the bystander's. Any trainer or coordinator plans a meeting (ORGANISERS); a meeting's
# own pages are for its organisers only: world.trainer planned it, so the other trainer gets 403
# and the admin (an owner of every meeting) 200. Co-organisers: tests in the plugin's test_organisers.py.
ORGANISERS = Expect(302, 403, 200, 200)
OF_MEETING = Expect(302, 403, 403, 200)


def _meeting(w: World) -> dict[str, Any]:
    if "meeting" not in w.extra:
        from datetime import timedelta

        from nttlearn.models import utcnow
        from nttlearn_meetings import calendar, services
        from nttlearn_meetings.models import AgendaItem, MeetingDocument

        start = (utcnow() + timedelta(days=14)).replace(hour=7, minute=0, second=0, microsecond=0)

        def make(title: str):
            return services.create_meeting(services.MeetingDetails(
                title=title, kind="seminar", town="Bologna", country="IT", starts_at=start,
                ends_at=start + timedelta(hours=8), time_zone="Europe/Rome"), w.trainer.id)

        meeting, doomed = make("Walk seminar"), make("Walk seminar to cancel")
        items = [AgendaItem(meeting_id=meeting.id, title=f"Session {n}", starts_at=start, ends_at=start + timedelta(hours=1))
                 for n in (1, 2)]
        documents = [MeetingDocument(meeting_id=meeting.id, title=f"Minutes {n}", file_name="minutes.pdf", size=5,
                                     content=b"%PDF-") for n in (1, 2)]
        db.session.add_all([*items, *documents])
        token = calendar.new_feed_token(w.bystander.id)
        db.session.commit()
        w.extra["meeting"] = {"meeting_id": meeting.id, "doomed_id": doomed.id, "item_id": items[1].id,
                              "document_id": documents[0].id, "doomed_document_id": documents[1].id,
                              "token": token, "day": start.date().isoformat()}
    return w.extra["meeting"]


def _mt(*names: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {name: _meeting(w)[name] for name in names}


ROUTES.extend([
    Route("meetings.index", "GET", LOGGED_IN, plugin="meetings"),
    Route("meetings.detail", "GET", LOGGED_IN, args=_mt("meeting_id"), plugin="meetings"),
    Route("meetings.register", "POST", Expect(302, 302, 302, 302), args=_mt("meeting_id"), plugin="meetings"),
    Route("meetings.cancel_registration", "POST", Expect(302, 302, 302, 302), args=_mt("meeting_id"),
          plugin="meetings"),
    # A new calendar address is shown on the page.
    Route("meetings.mine", "GET", LOGGED_IN, plugin="meetings"),
    Route("meetings.new_feed", "POST", LOGGED_IN, plugin="meetings"),
    Route("meetings.revoke_feed", "POST", Expect(302, 302, 302, 302), plugin="meetings"),
    # Calendar feeds: public, as calendar programs fetch them without a session.
    Route("meetings.meeting_feed", "GET", PUBLIC, args=lambda w: {"meeting_id": _meeting(w)["meeting_id"]},
          plugin="meetings"),
    Route("meetings.public_feed", "GET", PUBLIC, plugin="meetings"),
    Route("meetings.personal_feed", "GET", PUBLIC, args=_mt("token"), plugin="meetings"),
    Route("meetings.document", "GET", LOGGED_IN, args=_mt("meeting_id", "document_id"), plugin="meetings"),
    # -- organisers: empty forms are re-shown with their errors (400)
    Route("meetings.new_meeting", "GET", ORGANISERS, plugin="meetings"),
    Route("meetings.new_meeting", "POST", Expect(302, 403, 400, 400), plugin="meetings"),
    Route("meetings.edit_meeting", "GET", OF_MEETING, args=_mt("meeting_id"), plugin="meetings"),
    Route("meetings.edit_meeting", "POST", Expect(302, 403, 403, 400), args=_mt("meeting_id"), plugin="meetings"),
    Route("meetings.cancel_meeting", "POST", Expect(302, 403, 403, 302),
          args=lambda w: {"meeting_id": _meeting(w)["doomed_id"]}, plugin="meetings"),
    Route("meetings.duplicate_meeting", "POST", Expect(302, 403, 403, 302), args=_mt("meeting_id"), plugin="meetings"),
    Route("meetings.history", "GET", OF_MEETING, args=_mt("meeting_id"), plugin="meetings"),
    Route("meetings.agenda", "GET", OF_MEETING, args=_mt("meeting_id"), plugin="meetings"),
    Route("meetings.agenda", "POST", Expect(302, 403, 403, 400), args=_mt("meeting_id"), plugin="meetings"),
    Route("meetings.delete_agenda_item", "POST", Expect(302, 403, 403, 302), args=_mt("meeting_id", "item_id"),
          plugin="meetings"),
    Route("meetings.participants", "GET", OF_MEETING, args=_mt("meeting_id"), plugin="meetings"),
    Route("meetings.participants", "POST", Expect(302, 403, 403, 400), args=_mt("meeting_id"), plugin="meetings"),
    Route("meetings.participants_csv", "GET", OF_MEETING, args=_mt("meeting_id"), plugin="meetings"),
    Route("meetings.check_in", "GET", OF_MEETING, args=_mt("meeting_id"), plugin="meetings"),
    # No person named: nobody to check in.
    Route("meetings.check_in", "POST", Expect(302, 403, 403, 404), args=_mt("meeting_id"), plugin="meetings"),
    Route("meetings.attendance_csv", "GET", OF_MEETING, args=_mt("meeting_id"), plugin="meetings"),
    Route("meetings.attendance_pdf", "GET", OF_MEETING, args=_mt("meeting_id", "day"), plugin="meetings"),
    Route("meetings.documents", "GET", OF_MEETING, args=_mt("meeting_id"), plugin="meetings"),
    Route("meetings.documents", "POST", Expect(302, 403, 403, 400), args=_mt("meeting_id"), plugin="meetings"),
    Route("meetings.delete_document", "POST", Expect(302, 403, 403, 302),
          args=lambda w: {"meeting_id": _meeting(w)["meeting_id"], "document_id": _meeting(w)["doomed_document_id"]},
          plugin="meetings"),
    # Co-organisers: the list for every organiser, adding and removing for the meeting's owner only;
    # the walk's admin removes someone who is no co-organiser (404).
    Route("meetings.organisers", "GET", OF_MEETING, args=_mt("meeting_id"), plugin="meetings"),
    Route("meetings.organisers", "POST", Expect(302, 403, 403, 400), args=_mt("meeting_id"), plugin="meetings"),
    Route("meetings.remove_organiser", "POST", Expect(302, 403, 403, 404),
          args=lambda w: {"meeting_id": _meeting(w)["meeting_id"], "user_id": w.bystander.id}, plugin="meetings"),
])


# -- plugin: assignment --------------------------------------------------------------------------
# An assignment in world.course that world.learner has handed in with two files (one kept, one the
# walk may remove). Only the learner works on it; the course's trainers (here the admin) grade it.
ASSIGNMENT_STAFF = Expect(302, 403, 403, 200)


def _assignment_world(w: World) -> dict[str, Any]:
    if "assignment" not in w.extra:
        from nttlearn_assignment import services

        activity = w.activity("assignment")
        assignment = services.ensure_assignment(activity)
        pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        submission, _handed_in = services.save_work(
            activity, assignment, w.learner, text="My answer", submit=True,
            uploads=[services.Upload("kept.pdf", pdf), services.Upload("doomed.pdf", pdf)])
        files = {f.filename: f.id for f in services.files_of([submission.id])[submission.id]}
        db.session.commit()
        w.extra["assignment"] = {"activity_id": activity.id, "user_id": w.learner.id,
                                 "file_id": files["kept.pdf"], "doomed_file_id": files["doomed.pdf"]}
    return w.extra["assignment"]


def _as(*names: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {name: _assignment_world(w)[name] for name in names}


ROUTES.extend([
    Route("assignment.view", "GET", Expect(302, 200, 403, 200), args=_as("activity_id"), plugin="assignment"),
    # An empty form keeps the learner's draft; trainers (the admin here) hand in nothing.
    Route("assignment.answer", "POST", Expect(302, 302, 403, 403), args=_as("activity_id"), plugin="assignment"),
    # The learner removes their own file; the admin has no submission of their own to remove it from.
    Route("assignment.delete_file", "POST", Expect(302, 302, 403, 404),
          args=lambda w: {"activity_id": _assignment_world(w)["activity_id"],
                          "file_id": _assignment_world(w)["doomed_file_id"]}, plugin="assignment"),
    Route("assignment.download", "GET", Expect(302, 200, 403, 200), args=_as("activity_id", "file_id"),
          plugin="assignment"),
    Route("assignment.submissions", "GET", ASSIGNMENT_STAFF, args=_as("activity_id"), plugin="assignment"),
    Route("assignment.grade", "GET", ASSIGNMENT_STAFF, args=_as("activity_id", "user_id"), plugin="assignment"),
    # No points given: the form is re-shown with its error.
    Route("assignment.grade", "POST", Expect(302, 403, 403, 400), args=_as("activity_id", "user_id"),
          plugin="assignment"),
    Route("assignment.reopen", "POST", Expect(302, 403, 403, 302), args=_as("activity_id", "user_id"),
          plugin="assignment"),
    Route("assignment.submissions_zip", "GET", ASSIGNMENT_STAFF, args=_as("activity_id"), plugin="assignment"),
    Route("assignment.grades_csv", "GET", ASSIGNMENT_STAFF, args=_as("activity_id"), plugin="assignment"),
    Route("assignment.edit", "GET", ASSIGNMENT_STAFF, args=_as("activity_id"), plugin="assignment"),
    # An empty form is re-shown with its errors.
    Route("assignment.edit", "POST", Expect(302, 403, 403, 400), args=_as("activity_id"), plugin="assignment"),
])


# -- plugin: lti -----------------------------------------------------------------------------------
# A registered platform with a link into world.course (no member list offered), and a second
# platform the admin's walk may remove. The launch endpoints answer every visitor alike: without
# a signed id_token and a login started here, they refuse with 400.
LTI_ADMIN = Expect(302, 403, 403, 200)


def _lti_world(w: World) -> dict[str, Any]:
    if "lti" not in w.extra:
        from nttlearn_lti.models import Link, Platform

        platforms = [Platform(name=f"Walk {n}", issuer=f"https://lms{n}.example", client_id="walk",
                              deployment_ids=["1"], auth_login_url=f"https://lms{n}.example/auth",
                              auth_token_url=f"https://lms{n}.example/token", key_set_url=f"https://lms{n}.example/jwks")
                     for n in (1, 2)]
        db.session.add_all(platforms)
        db.session.flush()
        link = Link(platform_id=platforms[0].id, deployment_id="1", resource_link_id="walk-link",
                    course_id=w.course.id, ags_scopes=[])
        db.session.add(link)
        db.session.commit()
        w.extra["lti"] = {"platform_id": platforms[0].id, "doomed_platform_id": platforms[1].id,
                          "link_id": link.id, "course_id": w.course.id}
    return w.extra["lti"]


def _lti(**names: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {arg: _lti_world(w)[key] for arg, key in names.items()}


ROUTES.extend([
    Route("lti.jwks", "GET", Expect(200, 200, 200, 200), plugin="lti"),
    Route("lti.login", "GET", Expect(400, 400, 400, 400), plugin="lti"),
    Route("lti.login", "POST", Expect(400, 400, 400, 400), plugin="lti"),
    Route("lti.launch", "POST", Expect(400, 400, 400, 400), plugin="lti"),
    # Trainers only, and only after a deep-linking launch from a platform (400 otherwise).
    Route("lti.deep_link", "GET", Expect(302, 403, 400, 400), plugin="lti"),
    Route("lti.deep_link", "POST", Expect(302, 403, 400, 400), plugin="lti"),
    Route("lti.course_links", "GET", Expect(302, 403, 403, 200), args=_lti(course_id="course_id"), plugin="lti"),
    # The link offers no member list: the trainers' page says so.
    Route("lti.sync_members", "POST", Expect(302, 403, 403, 302), args=_lti(link_id="link_id"), plugin="lti"),
    Route("lti.platforms", "GET", LTI_ADMIN, plugin="lti"),
    Route("lti.new_platform", "GET", LTI_ADMIN, plugin="lti"),
    # An empty form is re-shown with its errors.
    Route("lti.new_platform", "POST", Expect(302, 403, 403, 400), plugin="lti"),
    Route("lti.edit_platform", "GET", LTI_ADMIN, args=_lti(platform_id="platform_id"), plugin="lti"),
    Route("lti.edit_platform", "POST", Expect(302, 403, 403, 400), args=_lti(platform_id="platform_id"), plugin="lti"),
    Route("lti.delete_platform", "POST", Expect(302, 403, 403, 302), args=_lti(platform_id="doomed_platform_id"),
          plugin="lti"),
])
