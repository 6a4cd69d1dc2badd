"""What a participants file would do, line by line, and doing it in one transaction.

``plan_import`` checks every line against the database (read in batches: a fixed number of
queries per 500 lines, whatever the file's size) and says per line: create the account, update
it, only enrol it, leave it unchanged, or why the line is invalid. ``apply_plan`` then writes the
valid lines in the caller's transaction; nothing is written when a line is invalid unless the
admin chose to skip such lines. Running the same file twice makes the second run "unchanged".

Each column is one entry in ``COLUMN_RULES`` (its check, turning the cell's text into a value
or a message) plus the lines of ``apply_plan`` that use the value: adding a column is that.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from babel import Locale
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func

from ..auth.forms import NOT_COUNTRIES
from ..auth.services import normalise_email
from ..cohorts.services import add_to_cohort
from ..config import LANGUAGE_NAMES, LOCALES
from ..events import emit_many
from ..extensions import db
from ..models import ROLES, Cohort, CohortMember, Course, Enrolment, Organisation, User
from .reading import SourceRow

BATCH = 500
CREATE, UPDATE, ENROL, UNCHANGED, INVALID = "create", "update", "enrol", "unchanged", "invalid"


class CellProblem(ValueError):
    """A cell's value cannot be used; the message names what is wrong and what would do."""


@dataclass
class Lookups:
    """What the file's lines refer to, read from the database in batches."""

    users: dict[str, User] = field(default_factory=dict)  # by e-mail
    organisations: dict[str, Organisation] = field(default_factory=dict)  # by lower-case name
    courses: dict[str, Course] = field(default_factory=dict)  # by slug
    enrolled: set[tuple[int, int]] = field(default_factory=set)  # (user id, course id)
    cohorts: dict[tuple[int, str], Cohort] = field(
        default_factory=dict
    )  # (course id, lower-case name)
    in_cohort: set[tuple[int, int]] = field(default_factory=set)  # (user id, cohort id)


@dataclass
class LinePlan:
    line: int
    email: str
    name: str
    status: str = UNCHANGED
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # the account's columns this line changes
    values: dict[str, Any] = field(default_factory=dict)  # each non-empty cell, checked
    enrol: list[Course] = field(default_factory=list)  # courses not yet enrolled in
    cohort: Cohort | None = None  # the cohort of the line's course to put the person in

    @property
    def messages(self) -> list[str]:
        return [_("line %(line)d: %(message)s", line=self.line, message=m) for m in self.errors]


@dataclass
class ImportPlan:
    lines: list[LinePlan]
    lookups: Lookups

    @property
    def errors(self) -> list[str]:
        return [message for line in self.lines for message in line.messages]

    @property
    def valid(self) -> bool:
        return not any(line.errors for line in self.lines)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((CREATE, UPDATE, ENROL, UNCHANGED, INVALID), 0)
        for line in self.lines:
            counts[line.status] += 1
        counts["enrolments"] = sum(len(line.enrol) for line in self.lines if line.status != INVALID)
        return counts


@dataclass
class ImportResult:
    created: list[User]
    updated: int
    enrolments: int
    skipped: list[int]  # line numbers of invalid lines left out


# -- one check per column ------------------------------------------------------------------------
def _name(text: str, lookups: Lookups) -> str:
    if len(text) > 200:
        raise CellProblem(_("the name is longer than 200 characters."))
    return text


def _email(text: str, lookups: Lookups) -> str:
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise CellProblem(_("“%(email)s” is not a valid e-mail address.", email=text)) from None
    if len(text) > 254:
        raise CellProblem(_("the e-mail address is longer than 254 characters."))
    return normalise_email(text)


def _organisation(text: str, lookups: Lookups) -> str:
    if len(text) > 200:
        raise CellProblem(_("the organisation's name is longer than 200 characters."))
    return text


def _town(text: str, lookups: Lookups) -> str:
    if len(text) > 120:
        raise CellProblem(_("the town's name is longer than 120 characters."))
    return text


def _country(text: str, lookups: Lookups) -> str:
    code = country_codes().get(text.lower())
    if code is None:
        raise CellProblem(
            _(
                "unknown country “%(country)s”: use its two-letter code (IT, SE, ES, FI) or its name.",
                country=text,
            )
        )
    return code


def _language(text: str, lookups: Lookups) -> str:
    code = language_codes().get(text.lower())
    if code is None:
        raise CellProblem(
            _(
                "unknown language “%(language)s”: use one of %(languages)s.",
                language=text,
                languages=", ".join(LOCALES),
            )
        )
    return code


def _role(text: str, lookups: Lookups) -> str:
    role = text.lower()
    if role not in ROLES:
        raise CellProblem(
            _("unknown role “%(role)s”: use one of %(roles)s.", role=text, roles=", ".join(ROLES))
        )
    return role


def _course(text: str, lookups: Lookups) -> list[Course]:
    courses = []
    for slug in text.split():
        course = lookups.courses.get(slug)
        if course is None:
            raise CellProblem(
                _(
                    "there is no course “%(slug)s” (give the course's short name, its slug).",
                    slug=slug,
                )
            )
        courses.append(course)
    return courses


def _cohort(text: str, lookups: Lookups) -> str:
    """A cohort's name; which cohort it is depends on the line's course (see ``_plan_line``)."""
    return text.strip()


COLUMN_RULES: dict[str, Callable[[str, Lookups], Any]] = {
    "name": _name,
    "email": _email,
    "organisation": _organisation,
    "town": _town,
    "country": _country,
    "language": _language,
    "role": _role,
    "course": _course,
    "cohort": _cohort,
}


@lru_cache(maxsize=1)
def country_codes() -> dict[str, str]:
    """Every country by its code and by its name in each site language, lower-cased."""
    codes: dict[str, str] = {}
    for locale in LOCALES:
        for code, name in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES:
                codes[code.lower()] = code
                codes.setdefault(name.lower(), code)
    return codes


@lru_cache(maxsize=1)
def language_codes() -> dict[str, str]:
    """Each site language by its code and by its name in each site language, lower-cased."""
    codes = {code: code for code in LOCALES} | {
        name.lower(): code for code, name in LANGUAGE_NAMES.items()
    }
    for code in LOCALES:
        for language in LOCALES:
            codes.setdefault((Locale.parse(code).get_display_name(language) or "").lower(), code)
    return codes


# -- planning ------------------------------------------------------------------------------------
def load_lookups(rows: list[SourceRow]) -> Lookups:
    lookups = Lookups()
    emails = {normalise_email(r.cells.get("email", "")) for r in rows} - {""}
    names = {r.cells.get("organisation", "").lower() for r in rows} - {""}
    slugs = {slug for r in rows for slug in r.cells.get("course", "").split()}
    for batch in _batches(emails):
        lookups.users.update(
            (u.email, u)
            for u in db.session.execute(db.select(User).where(User.email.in_(batch))).scalars()
        )
    for batch in _batches(names):
        for org in db.session.execute(
            db.select(Organisation)
            .where(func.lower(Organisation.name).in_(batch))
            .order_by(Organisation.id)
        ).scalars():
            lookups.organisations.setdefault(org.name.lower(), org)
    for batch in _batches(slugs):
        lookups.courses.update(
            (c.slug, c)
            for c in db.session.execute(db.select(Course).where(Course.slug.in_(batch))).scalars()
        )
    if lookups.courses:
        course_ids = [c.id for c in lookups.courses.values()]
        for batch in _batches(u.id for u in lookups.users.values()):
            lookups.enrolled.update(
                tuple(row)
                for row in db.session.execute(
                    db.select(Enrolment.user_id, Enrolment.course_id).where(
                        Enrolment.user_id.in_(batch), Enrolment.course_id.in_(course_ids)
                    )
                ).all()
            )
        if any(r.cells.get("cohort") for r in rows):
            lookups.cohorts.update(
                ((c.course_id, c.name.lower()), c)
                for c in db.session.execute(
                    db.select(Cohort).where(Cohort.course_id.in_(course_ids))
                ).scalars()
            )
            cohort_ids = [c.id for c in lookups.cohorts.values()]
            for batch in _batches(u.id for u in lookups.users.values()):
                lookups.in_cohort.update(
                    tuple(row)
                    for row in db.session.execute(
                        db.select(CohortMember.user_id, CohortMember.cohort_id).where(
                            CohortMember.user_id.in_(batch), CohortMember.cohort_id.in_(cohort_ids)
                        )
                    ).all()
                )
    return lookups


def plan_import(rows: list[SourceRow], *, acting_user: User | None = None) -> ImportPlan:
    """Check every line and say what it would do; reads the database, writes nothing."""
    lookups = load_lookups(rows)
    lines = [_plan_line(row, lookups, acting_user) for row in rows]
    _mark_duplicate_emails(lines)
    for plan in lines:
        if plan.errors:
            plan.status = INVALID
    return ImportPlan(lines=lines, lookups=lookups)


def _plan_line(row: SourceRow, lookups: Lookups, acting_user: User | None) -> LinePlan:
    cells = row.cells
    plan = LinePlan(
        line=row.line, email=normalise_email(cells.get("email", "")), name=cells.get("name", "")
    )
    if not cells.get("name"):
        plan.errors.append(_("the name is missing."))
    if not cells.get("email"):
        plan.errors.append(_("the e-mail address is missing."))
    for column, text in cells.items():
        if not text:
            continue
        if column in row.dates:
            plan.errors.append(
                _(
                    "%(column)s: the spreadsheet stored this cell as a date (%(value)s). Format the "
                    "column as text and type the value again.",
                    column=column,
                    value=text,
                )
            )
            continue
        try:
            plan.values[column] = COLUMN_RULES[column](text, lookups)
        except CellProblem as problem:
            plan.errors.append(f"{column}: {problem}")
    values = plan.values
    organisation = values.get("organisation")
    if organisation is None and ("town" in values or "country" in values):
        plan.errors.append(
            _("town and country belong to an organisation: fill in the organisation too.")
        )
    elif (
        organisation
        and organisation.lower() not in lookups.organisations
        and not cells.get("country")
    ):
        plan.errors.append(
            _(
                "“%(organisation)s” is a new organisation: give its country.",
                organisation=organisation,
            )
        )
    if values.get("cohort") and "course" in values:
        courses = values["course"]
        if len(courses) != 1:
            plan.errors.append(
                _("cohort: a cohort belongs to one course: give exactly one course on this line.")
            )
        else:
            plan.cohort = lookups.cohorts.get((courses[0].id, values["cohort"].lower()))
            if plan.cohort is None:
                plan.errors.append(
                    _(
                        "cohort: the course “%(slug)s” has no cohort “%(cohort)s”.",
                        slug=courses[0].slug,
                        cohort=values["cohort"],
                    )
                )
    elif values.get("cohort"):
        plan.errors.append(_("cohort: a cohort belongs to a course: fill in the course too."))
    if plan.errors:
        return plan
    user = lookups.users.get(plan.email)
    if user is not None and user.deleted_at is not None:
        plan.errors.append(_("this e-mail address belonged to a deleted account."))
        return plan
    plan.enrol = [
        c
        for c in values.get("course", [])
        if user is None or (user.id, c.id) not in lookups.enrolled
    ]
    if user is None:
        plan.status = CREATE
        return plan
    plan.changes = _changes(user, values, lookups)
    if "role" in plan.changes and acting_user is not None and user.id == acting_user.id:
        plan.errors.append(_("you cannot change your own role."))
        return plan
    if plan.cohort is not None and (user.id, plan.cohort.id) not in lookups.in_cohort:
        plan.changes.append("cohort")
    plan.status = UPDATE if plan.changes else ENROL if plan.enrol else UNCHANGED
    return plan


def _changes(user: User, values: dict[str, Any], lookups: Lookups) -> list[str]:
    changes = []
    if values["name"] != user.name:
        changes.append("name")
    if "role" in values and values["role"] != user.role:
        changes.append("role")
    if "language" in values and values["language"] != user.locale:
        changes.append("language")
    if "organisation" in values:
        org = lookups.organisations.get(values["organisation"].lower())
        if org is None or org.id != user.organisation_id:
            changes.append("organisation")
    return changes


def _mark_duplicate_emails(lines: list[LinePlan]) -> None:
    by_email: dict[str, list[LinePlan]] = defaultdict(list)
    for plan in lines:
        if plan.email:
            by_email[plan.email].append(plan)
    for email, plans in by_email.items():
        if len(plans) < 2:
            continue
        for plan in plans:
            others = ", ".join(str(p.line) for p in plans if p is not plan)
            plan.errors.append(
                _(
                    "the e-mail address %(email)s is also on line %(lines)s.",
                    email=email,
                    lines=others,
                )
            )


# -- applying ------------------------------------------------------------------------------------
class PlanHasErrors(ValueError):
    """The plan has invalid lines and the admin did not choose to skip them."""


def apply_plan(plan: ImportPlan, *, skip_invalid: bool = False) -> ImportResult:
    """Write the plan's valid lines in the caller's transaction (the caller commits).

    The rows of each table are added together and flushed once, the events stored with
    ``emit_many``: on PostgreSQL, SQLAlchemy sends the INSERTs 1,000 rows a statement.
    """
    invalid = [line.line for line in plan.lines if line.errors]
    if invalid and not skip_invalid:
        raise PlanHasErrors(_("The file has invalid lines: nothing was imported."))
    lines = [line for line in plan.lines if not line.errors]
    organisations = _new_organisations(lines, plan.lookups)
    created: list[User] = []
    updated = 0
    for line in lines:
        values = line.values
        org = (
            organisations.get(values["organisation"].lower()) if "organisation" in values else None
        )
        if line.status == CREATE:
            user = User(
                email=line.email,
                name=values["name"],
                password_hash="",
                role=values.get("role", "learner"),
                locale=values.get("language"),
                organisation=org,
            )
            created.append(user)
            plan.lookups.users[line.email] = user
        elif line.changes:
            user = plan.lookups.users[line.email]
            user.name = values["name"]
            user.role = values.get("role", user.role)
            user.locale = values.get("language", user.locale)
            if org is not None:
                user.organisation = org
            updated += 1
    db.session.add_all(created)
    db.session.flush()
    enrolments = [
        Enrolment(user_id=plan.lookups.users[line.email].id, course_id=course.id)
        for line in lines
        for course in line.enrol
    ]
    db.session.add_all(enrolments)
    db.session.flush()
    for (
        line
    ) in lines:  # one cohort per learner and course: add_to_cohort moves those in another one
        if line.cohort is not None and (line.status == CREATE or "cohort" in line.changes):
            add_to_cohort(plan.lookups.users[line.email], line.cohort)
    emit_many(
        [{"name": "user.registered", "user_id": u.id, "data": {"role": u.role}} for u in created]
        + [
            {
                "name": "course.enrolled",
                "user_id": e.user_id,
                "course_id": e.course_id,
                "data": {"cohort": ""},
            }
            for e in enrolments
        ]
    )
    return ImportResult(
        created=created, updated=updated, enrolments=len(enrolments), skipped=invalid
    )


def _new_organisations(lines: list[LinePlan], lookups: Lookups) -> dict[str, Organisation]:
    """The organisations the lines name, the new ones made (the first line naming one gives its
    town and country)."""
    for line in lines:
        name = line.values.get("organisation")
        if name and name.lower() not in lookups.organisations:
            org = Organisation(
                name=name, town=line.values.get("town", ""), country=line.values["country"]
            )
            db.session.add(org)
            lookups.organisations[name.lower()] = org
    return lookups.organisations


def _batches(values: Iterable[Any]) -> Iterable[list[Any]]:
    values = sorted(values)
    for start in range(0, len(values), BATCH):
        yield values[start : start + BATCH]
