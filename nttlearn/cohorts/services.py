"""Cohorts, their members, release rules, deadlines and extensions: the changes, validated.

Every function runs in the caller's transaction and raises :class:`CohortError` with a message
for the person (dates out of order, a prerequisite cycle, a name taken) before writing anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from ..content.names import localized_text
from ..events import emit
from ..extensions import db
from ..learn.services import enrol
from ..learn.structure import counted_ids
from ..models import (
    Activity,
    ActivityCompletion,
    Cohort,
    CohortMember,
    CohortStaff,
    Course,
    Deadline,
    Enrolment,
    Extension,
    LessonCompletion,
    Module,
    ReleasePrerequisite,
    ReleaseRule,
    User,
    utcnow,
)
from .graph import find_cycle, waits_for
from .pacing import Item


class CohortError(ValueError):
    """A change to cohorts, rules or deadlines that cannot be made; ``str()`` says why."""


# -- cohorts ----------------------------------------------------------------------------------------
def _check_dates(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise CohortError(_("The end date must not be before the start date."))


def _name_free(course_id: int, name: str, cohort_id: int | None = None) -> None:
    if not name.strip():
        raise CohortError(_("Give the cohort a name."))
    taken = db.session.execute(
        db.select(Cohort.id).where(
            Cohort.course_id == course_id,
            Cohort.name == name.strip(),
            Cohort.id != (cohort_id or -1),
        )
    ).first()
    if taken:
        raise CohortError(_("This course already has a cohort named %(name)s.", name=name.strip()))


def create_cohort(
    course: Course, name: str, starts_on: date, ends_on: date | None = None, language: str = ""
) -> Cohort:
    """A new cohort of ``course``; CohortError when the dates are out of order or the name taken."""
    _check_dates(starts_on, ends_on)
    _name_free(course.id, name)
    cohort = Cohort(
        course_id=course.id,
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        language=language,
    )
    try:
        with db.session.begin_nested():
            db.session.add(cohort)
    except IntegrityError:  # the same name saved a moment ago (a double submit)
        raise CohortError(
            _("This course already has a cohort named %(name)s.", name=name.strip())
        ) from None
    return cohort


def update_cohort(
    cohort: Cohort, name: str, starts_on: date, ends_on: date | None, language: str
) -> None:
    """Change a cohort's name, dates or language; the members' enrolments follow the new name."""
    _check_dates(starts_on, ends_on)
    _name_free(cohort.course_id, name, cohort.id)
    if cohort.name != name.strip():
        db.session.execute(
            db.update(Enrolment)
            .where(
                Enrolment.course_id == cohort.course_id,
                Enrolment.user_id.in_(
                    db.select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)
                ),
            )
            .values(cohort=name.strip())
        )
    cohort.name, cohort.starts_on, cohort.ends_on, cohort.language = (
        name.strip(),
        starts_on,
        ends_on,
        language,
    )


def delete_cohort(cohort: Cohort) -> None:
    """Delete a cohort: its members stay enrolled, self-paced; its deadlines go."""
    db.session.execute(
        db.update(Enrolment)
        .where(
            Enrolment.course_id == cohort.course_id,
            Enrolment.user_id.in_(
                db.select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)
            ),
        )
        .values(cohort="")
    )
    db.session.delete(cohort)


def deletion_summary(cohort: Cohort) -> list[str]:
    """What deleting ``cohort`` changes, as sentences for the confirmation page: its members (who
    stay enrolled), its deadlines, the messages already sent, and what the plugins
    say they lose (``nttlearn_cohort_deletion``)."""
    from ..plugins import host

    members = member_counts([cohort.id]).get(cohort.id, 0)
    deadlines = (
        db.session.scalar(db.select(func.count(Deadline.id)).where(Deadline.cohort_id == cohort.id))
        or 0
    )
    summary = [
        ngettext(
            "%(num)d member leaves the cohort: they stay enrolled in the course and continue self-paced.",
            "%(num)d members leave the cohort: they stay enrolled in the course and continue self-paced.",
            members,
        ),
        ngettext(
            "%(num)d cohort deadline is removed.",
            "%(num)d cohort deadlines are removed.",
            deadlines,
        ),
    ]
    summary.append(_("Messages already sent to the cohort stay in the members' notifications."))
    for _plugin, sentences in host().call_each("nttlearn_cohort_deletion", cohort=cohort):
        summary.extend(str(sentence) for sentence in sentences)
    return summary


def cohorts_of_course(course_id: int) -> list[Cohort]:
    return list(
        db.session.execute(
            db.select(Cohort)
            .where(Cohort.course_id == course_id)
            .order_by(Cohort.starts_on, Cohort.name)
        ).scalars()
    )


def member_counts(cohort_ids: Iterable[int]) -> dict[int, int]:
    ids = list(cohort_ids)
    if not ids:
        return {}
    return dict(
        db.session.execute(
            db.select(CohortMember.cohort_id, func.count(CohortMember.id))
            .where(CohortMember.cohort_id.in_(ids))
            .group_by(CohortMember.cohort_id)
        ).all()
    )


# -- members -----------------------------------------------------------------------------------------
def cohort_of(user: User | int, course: Course | int) -> Cohort | None:
    """The learner's cohort in ``course``, or None when they follow it self-paced."""
    user_id = user if isinstance(user, int) else user.id
    course_id = course if isinstance(course, int) else course.id
    return db.session.execute(
        db.select(Cohort)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user_id, CohortMember.course_id == course_id)
    ).scalar()


def add_to_cohort(user: User, cohort: Cohort) -> CohortMember:
    """Put ``user`` in ``cohort`` (idempotent), enrolling them in its course if needed.

    A learner is in at most one cohort per course: one already in another cohort of the course
    is moved. The enrolment's ``cohort`` label (read by reports and certificates) follows.
    """
    course = db.session.get(Course, cohort.course_id)
    enrol(user.id, course, cohort=cohort.name, by_staff=True)
    member = db.session.execute(
        db.select(CohortMember).where(
            CohortMember.user_id == user.id, CohortMember.course_id == cohort.course_id
        )
    ).scalar()
    if member is not None and member.cohort_id == cohort.id:
        return member
    if member is not None:
        member.cohort_id = cohort.id
        member.added_at = utcnow()
    else:
        member = CohortMember(cohort_id=cohort.id, course_id=cohort.course_id, user_id=user.id)
        try:
            with db.session.begin_nested():
                db.session.add(member)
        except IntegrityError:  # added a moment ago by another request
            member = db.session.execute(
                db.select(CohortMember).where(
                    CohortMember.user_id == user.id, CohortMember.course_id == cohort.course_id
                )
            ).scalar_one()
            member.cohort_id = cohort.id
    db.session.execute(
        db.update(Enrolment)
        .where(Enrolment.user_id == user.id, Enrolment.course_id == cohort.course_id)
        .values(cohort=cohort.name)
    )
    emit(
        "cohort.joined",
        user_id=user.id,
        course_id=cohort.course_id,
        data={"cohort_id": cohort.id, "cohort": cohort.name},
    )
    return member


def remove_from_cohort(user_id: int, cohort: Cohort) -> bool:
    """Take a learner out of a cohort: they stay enrolled, self-paced. True when they were in it."""
    removed = db.session.execute(
        db.delete(CohortMember).where(
            CohortMember.user_id == user_id, CohortMember.cohort_id == cohort.id
        )
    ).rowcount
    if removed:
        db.session.execute(
            db.update(Enrolment)
            .where(Enrolment.user_id == user_id, Enrolment.course_id == cohort.course_id)
            .values(cohort="")
        )
    return bool(removed)


def members_of(cohort: Cohort) -> list[User]:
    return list(
        db.session.execute(
            db.select(User)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == cohort.id)
            .order_by(User.name)
        ).scalars()
    )


# -- cohort trainers -----------------------------------------------------------------------------------
def trainers_of(cohort: Cohort) -> list[User]:
    """The trainers assigned to this cohort only (the course's own trainers are not listed)."""
    return list(
        db.session.execute(
            db.select(User)
            .join(CohortStaff, CohortStaff.user_id == User.id)
            .where(CohortStaff.cohort_id == cohort.id)
            .order_by(User.name, User.id)
        ).scalars()
    )


def taught_cohort_ids(user_id: int, course_id: int) -> set[int]:
    """The cohorts of ``course_id`` that ``user_id`` is a cohort trainer of."""
    return set(
        db.session.execute(
            db.select(CohortStaff.cohort_id)
            .join(Cohort, Cohort.id == CohortStaff.cohort_id)
            .where(CohortStaff.user_id == user_id, Cohort.course_id == course_id)
        ).scalars()
    )


def add_cohort_trainer(cohort: Cohort, person: User, added_by: User | None = None) -> CohortStaff:
    """Make a trainer (site role trainer) a trainer of this cohort; refused for others and twice."""
    if person.deleted_at is not None or not person.is_trainer:
        raise CohortError(
            _("%(name)s is not a trainer: only trainers can be given a cohort.", name=person.name)
        )
    row = CohortStaff(
        cohort_id=cohort.id,
        user_id=person.id,
        added_at=utcnow(),
        added_by_id=added_by.id if added_by is not None else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise CohortError(
            _("%(name)s is already a trainer of this cohort.", name=person.name)
        ) from None
    return row


def remove_cohort_trainer(cohort: Cohort, user_id: int) -> bool:
    return bool(
        db.session.execute(
            db.delete(CohortStaff).where(
                CohortStaff.cohort_id == cohort.id, CohortStaff.user_id == user_id
            )
        ).rowcount
    )


# -- release rules -------------------------------------------------------------------------------------
def _course_items(course_id: int) -> tuple[dict[Item, str], dict[int, int]]:
    """Titles of the course's modules and activities (in the page's language), and each activity's module."""
    titles: dict[Item, str] = {}
    module_of: dict[int, int] = {}
    for module_id, title, translations in db.session.execute(
        db.select(Module.id, Module.title, Module.translations).where(Module.course_id == course_id)
    ):
        titles[("m", module_id)] = localized_text(title, translations)
    for activity_id, module_id, title, translations in db.session.execute(
        db.select(Activity.id, Activity.module_id, Activity.title, Activity.translations)
        .join(Module)
        .where(Module.course_id == course_id)
    ):
        titles[("a", activity_id)] = localized_text(title, translations)
        module_of[activity_id] = module_id
    return titles, module_of


def set_release_rule(
    course: Course,
    target: Item,
    *,
    opens_at: datetime | None = None,
    offset_days: int | None = None,
    relative_to: str = "start",
    requires: Iterable[Item] = (),
) -> ReleaseRule | None:
    """Set (or, with no date and no prerequisite, remove) the rule of a module or activity.

    CohortError when a prerequisite is not in the course, the offset is negative, or the
    prerequisites would make a cycle (then nothing is written).
    """
    titles, module_of = _course_items(course.id)
    requires = sorted(set(requires))
    if target not in titles:
        raise CohortError(_("This module or activity is not in the course."))
    for item in requires:
        if item not in titles:
            raise CohortError(_("A prerequisite is not in this course."))
    if offset_days is not None and offset_days < 0:
        raise CohortError(_("The number of days must be zero or more."))
    if relative_to not in ("start", "enrolment"):
        raise CohortError(_("Choose what the number of days counts from."))
    current = {
        rule_target: items
        for rule_target, items in _rules_as_items(course.id).items()
        if rule_target != target
    }
    if requires:
        current[target] = list(requires)
    cycle = find_cycle(waits_for(current, {("a", a): ("m", m) for a, m in module_of.items()}))
    if cycle is not None:
        raise CohortError(
            _(
                "These prerequisites make a cycle, so nothing would ever open: %(cycle)s.",
                cycle=" → ".join(titles[i] for i in cycle),
            )
        )
    column = ReleaseRule.module_id if target[0] == "m" else ReleaseRule.activity_id
    rule = db.session.execute(db.select(ReleaseRule).where(column == target[1])).scalar()
    if opens_at is None and offset_days is None and not requires:
        if rule is not None:
            db.session.delete(rule)
            db.session.flush()
            _bump(course)
        return None
    if rule is None:
        rule = ReleaseRule(
            course_id=course.id, **{"module_id" if target[0] == "m" else "activity_id": target[1]}
        )
        db.session.add(rule)
        db.session.flush()
    rule.opens_at, rule.offset_days, rule.relative_to = opens_at, offset_days, relative_to
    db.session.execute(db.delete(ReleasePrerequisite).where(ReleasePrerequisite.rule_id == rule.id))
    for kind, item_id in requires:
        db.session.add(
            ReleasePrerequisite(
                rule_id=rule.id, **{"module_id" if kind == "m" else "activity_id": item_id}
            )
        )
    db.session.flush()
    _bump(course)
    return rule


def replace_release_rules(
    course: Course, rules: dict[Item, tuple[datetime | None, int | None, list[Item]]]
) -> None:
    """Make ``rules`` (target -> opens_at, offset_days, prerequisites) the course's only rules,
    as a course package declares them (checked for cycles by the package's validation)."""
    db.session.execute(db.delete(ReleaseRule).where(ReleaseRule.course_id == course.id))
    for (kind, item_id), (opens_at, offset_days, requires) in rules.items():
        rule = ReleaseRule(
            course_id=course.id,
            opens_at=opens_at,
            offset_days=offset_days,
            relative_to="start",
            **{"module_id" if kind == "m" else "activity_id": item_id},
        )
        db.session.add(rule)
        db.session.flush()
        for pre_kind, pre_id in requires:
            db.session.add(
                ReleasePrerequisite(
                    rule_id=rule.id, **{"module_id" if pre_kind == "m" else "activity_id": pre_id}
                )
            )
    db.session.flush()
    _bump(course)


def _bump(course: Course) -> None:
    """Rules are part of the course's structure: every worker's copy is keyed by its version."""
    courses = Course.__table__
    db.session.execute(
        db.update(courses)
        .where(courses.c.id == course.id)
        .values(content_version=courses.c.content_version + 1)
    )
    db.session.expire(course, ["content_version"])


def _rules_as_items(course_id: int) -> dict[Item, list[Item]]:
    result: dict[Item, list[Item]] = {}
    for module_id, activity_id, pre_module, pre_activity in db.session.execute(
        db.select(
            ReleaseRule.module_id,
            ReleaseRule.activity_id,
            ReleasePrerequisite.module_id,
            ReleasePrerequisite.activity_id,
        )
        .outerjoin(ReleasePrerequisite, ReleasePrerequisite.rule_id == ReleaseRule.id)
        .where(ReleaseRule.course_id == course_id)
    ):
        target: Item = ("m", module_id) if module_id else ("a", activity_id)
        items = result.setdefault(target, [])
        if pre_module or pre_activity:
            items.append(("m", pre_module) if pre_module else ("a", pre_activity))
    return result


def rules_of_course(course_id: int) -> dict[Item, tuple[ReleaseRule, list[Item]]]:
    """Each rule of the course by its target, with its prerequisites (for the trainer's page)."""
    rules = {
        (("m", r.module_id) if r.module_id else ("a", r.activity_id)): r
        for r in db.session.execute(
            db.select(ReleaseRule).where(ReleaseRule.course_id == course_id)
        ).scalars()
    }
    items = _rules_as_items(course_id)
    return {target: (rule, items.get(target, [])) for target, rule in rules.items()}


# -- deadlines and extensions ------------------------------------------------------------------------
def _activity_in_course(activity_id: int, course_id: int) -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None or db.session.get(Module, activity.module_id).course_id != course_id:
        raise CohortError(_("This activity is not in the course."))
    return activity


def set_deadline(
    cohort: Cohort, activity_id: int, due_at: datetime | None, kind: str = "close"
) -> Deadline | None:
    """Set (or with ``due_at`` None remove) the cohort's deadline for an activity."""
    _activity_in_course(activity_id, cohort.course_id)
    if kind not in ("close", "review"):
        raise CohortError(_("Unknown kind of deadline."))
    if due_at is not None and due_at.date() < cohort.starts_on:
        raise CohortError(_("A deadline cannot be before the cohort starts."))
    deadline = db.session.execute(
        db.select(Deadline).where(
            Deadline.cohort_id == cohort.id,
            Deadline.activity_id == activity_id,
            Deadline.kind == kind,
        )
    ).scalar()
    if due_at is None:
        if deadline is not None:
            db.session.delete(deadline)
        return None
    if deadline is None:
        deadline = Deadline(cohort_id=cohort.id, activity_id=activity_id, kind=kind, due_at=due_at)
        db.session.add(deadline)
    else:
        deadline.due_at = due_at
    db.session.flush()
    return deadline


def grant_extension(
    user_id: int,
    activity_id: int,
    course: Course,
    due_at: datetime | None,
    granted_by: User | None = None,
    kind: str = "close",
) -> Extension | None:
    """Give one enrolled learner a later deadline for an activity (None removes the extension)."""
    _activity_in_course(activity_id, course.id)
    enrolled = db.session.execute(
        db.select(Enrolment.id).where(
            Enrolment.user_id == user_id, Enrolment.course_id == course.id
        )
    ).first()
    if enrolled is None:
        raise CohortError(_("This person is not enrolled in the course."))
    extension = db.session.execute(
        db.select(Extension).where(
            Extension.user_id == user_id,
            Extension.activity_id == activity_id,
            Extension.kind == kind,
        )
    ).scalar()
    if due_at is None:
        if extension is not None:
            db.session.delete(extension)
        return None
    granted_by_id = granted_by.id if granted_by is not None else None
    if extension is None:
        extension = Extension(user_id=user_id, activity_id=activity_id, kind=kind, due_at=due_at)
        db.session.add(extension)
    extension.due_at, extension.granted_by_id, extension.granted_at = (
        due_at,
        granted_by_id,
        utcnow(),
    )
    db.session.flush()
    return extension


def deadlines_of_cohort(cohort: Cohort) -> dict[tuple[int, str], datetime]:
    return {
        (d.activity_id, d.kind): d.due_at
        for d in db.session.execute(
            db.select(Deadline).where(Deadline.cohort_id == cohort.id)
        ).scalars()
    }


def extensions_of_cohort(cohort: Cohort) -> list[tuple[Extension, User, Activity]]:
    return list(
        db.session.execute(
            db.select(Extension, User, Activity)
            .join(User, Extension.user_id == User.id)
            .join(Activity, Extension.activity_id == Activity.id)
            .join(
                CohortMember,
                (CohortMember.user_id == Extension.user_id) & (CohortMember.cohort_id == cohort.id),
            )
            .order_by(User.name, Activity.title)
        ).all()
    )


# -- progress and messages ---------------------------------------------------------------------------
@dataclass
class MemberProgress:
    user: User
    done: int
    total: int
    overdue: int
    completed: bool

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


def cohort_progress(cohort: Cohort, now: datetime | None = None) -> list[MemberProgress]:
    """Each member's progress and number of overdue activities, in five queries."""
    now = now or utcnow()
    course = db.session.get(Course, cohort.course_id)
    lesson_ids, activity_ids = counted_ids(course)
    members = db.session.execute(
        db.select(User, Enrolment.completed_at)
        .join(CohortMember, CohortMember.user_id == User.id)
        .join(Enrolment, (Enrolment.user_id == User.id) & (Enrolment.course_id == cohort.course_id))
        .where(CohortMember.cohort_id == cohort.id)
        .order_by(User.name)
    ).all()
    ids = [user.id for user, _completed in members]
    done: dict[int, set[tuple[str, int]]] = {i: set() for i in ids}
    if ids:
        for kind, user_id, item_id in db.session.execute(
            db.select(db.literal("l"), LessonCompletion.user_id, LessonCompletion.lesson_id)
            .where(LessonCompletion.user_id.in_(ids))
            .union_all(
                db.select(
                    db.literal("a"), ActivityCompletion.user_id, ActivityCompletion.activity_id
                ).where(ActivityCompletion.user_id.in_(ids))
            )
        ):
            done[user_id].add((kind, item_id))
    deadlines = deadlines_of_cohort(cohort)
    extensions = {
        (e.user_id, e.activity_id, e.kind): e.due_at
        for e in db.session.execute(
            db.select(Extension).where(Extension.user_id.in_(ids or [-1]))
        ).scalars()
    }
    result = []
    for user, completed_at in members:
        mine = done[user.id]
        count = sum(1 for i in lesson_ids if ("l", i) in mine) + sum(
            1 for i in activity_ids if ("a", i) in mine
        )
        overdue = sum(
            1
            for (activity_id, kind), due in deadlines.items()
            if kind == "close"
            and extensions.get((user.id, activity_id, kind), due) <= now
            and ("a", activity_id) not in mine
        )
        result.append(
            MemberProgress(
                user, count, len(lesson_ids) + len(activity_ids), overdue, completed_at is not None
            )
        )
    return result


def message_cohort(cohort: Cohort, sender: User, subject: str, body: str) -> int:
    """Tell every member the trainer's ``subject`` and ``body`` as written, in a frame (greeting,
    who sent it, the course) in each member's own language: a notification in their in-app list,
    and an e-mail now, in the daily digest or not at all, as each member chose for messages from
    trainers (``course_message``). The same message sent twice on one day (a double submit) is
    delivered once. Returns how many members were newly told."""
    import hashlib

    from ..notifications.services import notify, site_url

    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise CohortError(_("Write a subject and a message."))
    course = db.session.get(Course, cohort.course_id)
    digest = hashlib.sha256(f"{sender.id}\n{subject}\n{body}".encode()).hexdigest()[:24]
    key = f"cohort-message:{cohort.id}:{utcnow().date().isoformat()}:{digest}"
    url = site_url("learn.course", slug=course.slug)
    sent = 0
    for member in members_of(cohort):
        locale = member.locale or "en"  # the language notify() writes in

        def frame(member: User = member, locale: str = locale) -> str:
            return _(
                'Hello %(name)s,\n\n%(sender)s, a trainer of the course "%(course)s", sent this '
                "message to the cohort %(cohort)s:\n\n%(body)s",
                name=member.name,
                sender=sender.name,
                course=course.localized("title", locale),
                cohort=cohort.name,
                body=body,
            )

        title = f"[{course.localized('title', locale)}] {subject}"
        if notify(member, "course_message", title, body=frame, url=url, key=key) is not None:
            sent += 1
    if sent:
        emit(
            "cohort.messaged",
            user_id=sender.id,
            course_id=cohort.course_id,
            data={"cohort_id": cohort.id, "recipients": sent},
        )
    return sent
