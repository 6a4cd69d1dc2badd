"""Events of the event log as xAPI 1.0.3 statements: actor, verb, object, result and context.

One event gives at most one statement, whose id is derived from the site's address and the
event's id: sending it again (a retry, a second delivery) gives the LRS the same statement, which
it keeps once."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from nttlearn.api import (
    LOCALES,
    Activity,
    Course,
    EventRecord,
    Lesson,
    Module,
    User,
    db,
    get_enrolment,
)

from .settings import actor_kind

XAPI_VERSION = "1.0.3"
PLATFORM = "nttlearn"
# A fixed namespace for the UUIDs of statements and registrations (uuid5 of this project's name).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/nttlearn/nttlearn/xapi")

ADL = "http://adlnet.gov/expapi/verbs/"
VERBS: dict[str, tuple[str, str]] = {
    "completed": (ADL + "completed", "completed"),
    "attempted": (ADL + "attempted", "attempted"),
    "passed": (ADL + "passed", "passed"),
    "failed": (ADL + "failed", "failed"),
    "scored": (ADL + "scored", "scored"),
    "attended": (ADL + "attended", "attended"),
    "submitted": ("http://activitystrea.ms/schema/1.0/submit", "submitted"),
    "reviewed": ("http://id.tincanapi.com/verb/reviewed", "reviewed"),
    "earned": ("http://id.tincanapi.com/verb/earned", "earned"),
}
TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "module": "http://adlnet.gov/expapi/activities/module",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "performance": "http://adlnet.gov/expapi/activities/performance",
    "meeting": "http://adlnet.gov/expapi/activities/meeting",
    "certificate": "http://id.tincanapi.com/activitytype/certificate",
}
ACTIVITY_TYPES = {"quiz": "assessment"}  # other activities (assignments, proposals): performance


def base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def statement_id(event_id: int) -> str:
    """The statement's id: the same for every delivery of the event, different on another site."""
    return str(uuid.uuid5(NAMESPACE, f"{base_url()}/events/{event_id}"))


def registration_id(enrolment_id: int) -> str:
    """The xAPI registration of one enrolment (a learner's run of a course)."""
    return str(uuid.uuid5(NAMESPACE, f"{base_url()}/enrolments/{enrolment_id}"))


def actor(user: User) -> dict[str, Any]:
    """The learner as an xAPI Agent. By default a pseudonymous account under the site's address
    (an HMAC of the user id keyed with the site's secret key): the LRS learns no e-mail address or
    name. ``NTTLEARN_XAPI_ACTOR=mbox_sha1sum`` sends the SHA-1 of ``mailto:<e-mail>`` instead,
    ``mbox`` the address and the name."""
    kind = actor_kind()
    if kind == "mbox":
        return {"objectType": "Agent", "name": user.name, "mbox": f"mailto:{user.email}"}
    if kind == "mbox_sha1sum":
        digest = hashlib.sha1(f"mailto:{user.email}".encode(), usedforsecurity=False).hexdigest()
        return {"objectType": "Agent", "mbox_sha1sum": digest}
    key = str(current_app.config["SECRET_KEY"]).encode()
    name = hmac.new(key, f"xapi-actor:{user.id}".encode(), hashlib.sha256).hexdigest()[:32]
    return {"objectType": "Agent", "account": {"homePage": base_url(), "name": name}}


def verb(key: str) -> dict[str, Any]:
    iri, display = VERBS[key]
    return {"id": iri, "display": {"en-US": display}}


def languages(course: Course | None) -> list[str]:
    """The languages names are given in: the course's (English first), or every site language."""
    if course is None:
        return list(LOCALES)
    found = [lang for lang in (course.languages or []) if lang in LOCALES]
    return ["en"] + [lang for lang in found if lang != "en"]


def names(element: Any, course: Course | None) -> dict[str, str]:
    """A language map of ``element``'s title in the course's languages."""
    return {lang: element.localized("title", lang) for lang in languages(course)}


def translated(message: Any, langs: list[str]) -> dict[str, str]:
    """A language map of one of this plugin's messages (``message`` a lazy string, read in each
    language)."""
    found = {}
    for lang in langs:
        with force_locale(lang):
            found[lang] = str(message)
    return found


def activity(iri: str, kind: str | None, name: dict[str, str]) -> dict[str, Any]:
    definition: dict[str, Any] = {"name": name}
    if kind:
        definition["type"] = TYPES[kind]
    return {"objectType": "Activity", "id": iri, "definition": definition}


def course_iri(course: Course) -> str:
    return f"{base_url()}/courses/{course.slug}"


def course_activity(course: Course) -> dict[str, Any]:
    return activity(course_iri(course), "course", names(course, course))


def module_activity(module: Module, course: Course) -> dict[str, Any]:
    return activity(f"{course_iri(course)}/modules/{module.key}", "module", names(module, course))


def placed_activity(
    activity_id: Any, course: Course
) -> tuple[dict[str, Any], Module | None] | None:
    row = db.session.get(Activity, activity_id) if isinstance(activity_id, int) else None
    if row is None:
        return None
    module = db.session.get(Module, row.module_id)
    kind = ACTIVITY_TYPES.get(row.type_key, "performance")
    return activity(f"{course_iri(course)}/activities/{row.key}", kind, names(row, course)), module


def score(raw: float, maximum: float) -> dict[str, Any]:
    scaled = raw / maximum if maximum else 0.0
    return {"scaled": round(min(1.0, max(-1.0, scaled)), 4), "raw": raw, "min": 0, "max": maximum}


# -- one builder per event: (verb, object, result, module) or None -------------------------------
Built = tuple[str, dict[str, Any], dict[str, Any] | None, Module | None]


def _lesson_completed(record: EventRecord, course: Course) -> Built | None:
    lesson = db.session.get(Lesson, record.data.get("lesson_id") or 0)
    if lesson is None:
        return None
    module = db.session.get(Module, lesson.module_id)
    return (
        "completed",
        activity(f"{course_iri(course)}/lessons/{lesson.id}", "lesson", names(lesson, course)),
        {"completion": True},
        module,
    )


def _course_completed(record: EventRecord, course: Course) -> Built | None:
    return "completed", course_activity(course), {"completion": True}, None


def _quiz_graded(record: EventRecord, course: Course) -> Built | None:
    found = placed_activity(record.data.get("activity_id"), course)
    if found is None:
        return None
    passed, percent = record.data.get("passed"), record.data.get("score")
    result: dict[str, Any] = {"completion": True}
    if percent is not None:
        result["score"] = score(float(percent), 100.0)
    if passed is not None:
        result["success"] = bool(passed)
    key = "attempted" if passed is None else ("passed" if passed else "failed")
    return key, found[0], result, found[1]


def _submitted(record: EventRecord, course: Course) -> Built | None:
    found = placed_activity(record.data.get("activity_id"), course)
    return None if found is None else ("submitted", found[0], {"completion": True}, found[1])


def _reviewed(record: EventRecord, course: Course) -> Built | None:
    found = placed_activity(record.data.get("activity_id"), course)
    return None if found is None else ("reviewed", found[0], {"completion": True}, found[1])


def _assignment_graded(record: EventRecord, course: Course) -> Built | None:
    found = placed_activity(record.data.get("activity_id"), course)
    points, maximum = record.data.get("points"), record.data.get("max_points")
    if found is None or points is None or not maximum:
        return None
    result: dict[str, Any] = {"score": score(float(points), float(maximum))}
    if record.data.get("passed") is not None:
        result["success"] = bool(record.data["passed"])
    return "scored", found[0], result, found[1]


def _certificate_earned(record: EventRecord, course: Course) -> Built | None:
    langs = languages(course)
    name = {
        lang: translated(
            _l("Certificate of the course %(course)s", course=course.localized("title", lang)),
            [lang],
        )[lang]
        for lang in langs
    }
    return "earned", activity(f"{course_iri(course)}/certificate", "certificate", name), None, None


COURSE_EVENTS: dict[str, Callable[[EventRecord, Course], Built | None]] = {
    "lesson.completed": _lesson_completed,
    "course.completed": _course_completed,
    "quiz.attempt_submitted": _quiz_graded,
    "quiz.attempt_graded": _quiz_graded,
    "peer_review.proposal_submitted": _submitted,
    "peer_review.review_submitted": _reviewed,
    "assignment.submitted": _submitted,
    "assignment.graded": _assignment_graded,
    "certificates.issued": _certificate_earned,
}
EVENTS = frozenset(COURSE_EVENTS) | {"meetings.attended"}


def _meeting_attended(record: EventRecord) -> tuple[str, dict[str, Any]] | None:
    meeting_id = record.data.get("meeting_id")
    if not isinstance(meeting_id, int):
        return None
    town = record.data.get("town") or ""
    name = translated(
        _l("Meeting in %(town)s", town=town)
        if town
        else _l("Meeting no. %(number)s", number=meeting_id),
        list(LOCALES),
    )
    return "attended", activity(f"{base_url()}/meetings/{meeting_id}", "meeting", name)


def build(record: EventRecord) -> dict[str, Any] | None:
    """The statement for ``record``, or None when the event makes none (another kind of event,
    a deleted account, a course or activity gone since)."""
    if record.name not in EVENTS or record.user_id is None:
        return None
    user = db.session.get(User, record.user_id)
    if user is None or user.deleted_at is not None:
        return None
    context: dict[str, Any] = {"platform": PLATFORM, "language": user.locale or "en"}
    result = None
    if record.name == "meetings.attended":
        built = _meeting_attended(record)
        if built is None:
            return None
        key, target = built
    else:
        course = db.session.get(Course, record.course_id) if record.course_id else None
        if course is None:
            return None
        found = COURSE_EVENTS[record.name](record, course)
        if found is None:
            return None
        key, target, result, module = found
        if target["id"] == course_iri(course):
            parents: dict[str, Any] = {}
        elif module is not None:
            parents = {
                "parent": [module_activity(module, course)],
                "grouping": [course_activity(course)],
            }
        else:
            parents = {"parent": [course_activity(course)]}
        if parents:
            context["contextActivities"] = parents
        enrolment = get_enrolment(user.id, course.id)
        if enrolment is not None:
            context["registration"] = registration_id(enrolment.id)
    statement: dict[str, Any] = {
        "id": statement_id(record.id),
        "actor": actor(user),
        "verb": verb(key),
        "object": target,
        "context": context,
        "timestamp": record.created_at.isoformat(),
    }
    if result:
        statement["result"] = result
    return statement
