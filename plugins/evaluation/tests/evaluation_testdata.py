"""Data sets with known answers for the evaluation plugin's tests: enrolments, completions and
events at chosen instants, written straight into the core's tables as months of use leave them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from nttlearn import db
from nttlearn.models import (
    Activity,
    ActivityCompletion,
    Course,
    Enrolment,
    EventRecord,
    Module,
    ModuleCompletion,
    User,
    utcnow,
)


def day(text: str) -> datetime:
    """``"2010-03-01"`` or ``"2010-03-01 23:59:59"`` as a UTC instant."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Data:
    """Writes rows with explicit times, as months of real use would have left them."""

    def __init__(self, make_user, make_course) -> None:
        self.make_user, self.make_course = make_user, make_course
        self.now = utcnow()

    def ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    def person(
        self, name: str, org: str | None = None, country: str | None = None, role: str = "learner"
    ) -> User:
        return self.make_user(role=role, name=name, org=org, country=country)

    def course(self, title: str = "Course", **kwargs: Any) -> Course:
        return self.make_course(title=title, **kwargs)

    def modules(self, course: Course) -> list[Module]:
        return list(
            db.session.execute(
                db.select(Module).filter_by(course_id=course.id).order_by(Module.position)
            ).scalars()
        )

    def activity(self, course: Course, type_key: str) -> Activity:
        return (
            db.session.execute(
                db.select(Activity)
                .join(Module)
                .where(Module.course_id == course.id, Activity.type_key == type_key)
            )
            .scalars()
            .first()
        )

    def enrol(
        self,
        user: User,
        course: Course,
        at: datetime,
        *,
        cohort: str = "",
        completed_at: datetime | None = None,
    ) -> Enrolment:
        enrolment = Enrolment(
            user_id=user.id,
            course_id=course.id,
            cohort=cohort,
            created_at=at,
            completed_at=completed_at,
            last_activity_at=at,
        )
        db.session.add(enrolment)
        self.event("course.enrolled", user, course, at, {"cohort": cohort})
        if completed_at is not None:
            self.event("course.completed", user, course, completed_at, {"course": course.slug})
        return enrolment

    def event(
        self,
        name: str,
        user: User | None,
        course: Course | None,
        at: datetime,
        data: dict[str, Any] | None = None,
    ) -> EventRecord:
        record = EventRecord(
            name=name,
            user_id=user.id if user else None,
            course_id=course.id if course else None,
            data=data or {},
            created_at=at,
        )
        db.session.add(record)
        return record

    def complete_module(self, user: User, module: Module, at: datetime) -> None:
        db.session.add(ModuleCompletion(user_id=user.id, module_id=module.id, completed_at=at))
        db.session.add(
            EventRecord(
                name="module.completed",
                user_id=user.id,
                course_id=module.course_id,
                data={"module_id": module.id},
                created_at=at,
            )
        )

    def complete_activity(
        self, user: User, activity: Activity, at: datetime, score: float | None = None
    ) -> None:
        db.session.add(
            ActivityCompletion(
                user_id=user.id, activity_id=activity.id, completed_at=at, score=score
            )
        )

    def commit(self) -> None:
        db.session.commit()


def delete_account(user: User) -> None:
    """Delete an account the way the core does (personal data removed, records kept)."""
    from nttlearn.auth.services import delete_account as core_delete

    core_delete(user)
    db.session.commit()
