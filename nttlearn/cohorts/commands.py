"""``nttlearn cohorts …``: create cohorts, add people to them and list them from the shell."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from ..cli import echo_json, fail
from ..extensions import db
from ..models import Cohort, Course


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r} is not a date (YYYY-MM-DD)")


def _as_dict(cohort: Cohort, members: int) -> dict:
    return {
        "id": cohort.id,
        "course": cohort.course.slug,
        "name": cohort.name,
        "start": cohort.starts_on.isoformat(),
        "end": cohort.ends_on.isoformat() if cohort.ends_on else None,
        "language": cohort.language or None,
        "members": members,
    }


@click.group("cohorts")
def cohorts_group() -> None:
    """Cohorts: runs of a course with their own dates, members and deadlines."""


@cohorts_group.command("create")
@click.argument("course_slug")
@click.argument("name")
@click.option("--start", required=True, help="First day, YYYY-MM-DD.")
@click.option("--end", default=None, help="Last day, YYYY-MM-DD (optional).")
@click.option(
    "--language",
    default="",
    help="The cohort's language (en, it, sv, es, fi); default: each learner's own.",
)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def cohorts_create(
    course_slug: str, name: str, start: str, end: str | None, language: str, as_json: bool
) -> None:
    """Create a cohort of the course COURSE_SLUG named NAME."""
    from ..config import LOCALES
    from .services import CohortError, create_cohort

    course = db.session.execute(db.select(Course).filter_by(slug=course_slug)).scalar()
    if course is None:
        fail(f"no course with slug {course_slug!r}")
    if language and language not in LOCALES:
        fail(f"--language must be one of {', '.join(LOCALES)}")
    try:
        cohort = create_cohort(course, name, _date(start, "--start"), _date(end, "--end"), language)
    except CohortError as exc:
        db.session.rollback()
        fail(str(exc))
    db.session.commit()
    if as_json:
        echo_json(_as_dict(cohort, 0))
        return
    click.echo(f"cohort {cohort.id} {cohort.name!r} of {course.slug} created")


@cohorts_group.command("add")
@click.argument("email")
@click.argument("cohort_id", type=int)
@with_appcontext
def cohorts_add(email: str, cohort_id: int) -> None:
    """Put the person with EMAIL in cohort COHORT_ID (enrolling them; moving them from another
    cohort of the same course)."""
    from ..auth.services import find_user
    from .services import add_to_cohort

    user = find_user(email)
    if user is None:
        fail(f"no user with e-mail {email!r}")
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        fail(f"no cohort with id {cohort_id}")
    add_to_cohort(user, cohort)
    db.session.commit()
    click.echo(f"{user.email} is in cohort {cohort.id} {cohort.name!r} of {cohort.course.slug}")


@cohorts_group.command("list")
@click.argument("course_slug", required=False)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def cohorts_list(course_slug: str | None, as_json: bool) -> None:
    """List the cohorts of every course, or of COURSE_SLUG."""
    from .services import member_counts

    query = (
        db.select(Cohort)
        .join(Course, Cohort.course_id == Course.id)
        .order_by(Course.slug, Cohort.starts_on, Cohort.name)
    )
    if course_slug is not None:
        course = db.session.execute(db.select(Course).filter_by(slug=course_slug)).scalar()
        if course is None:
            fail(f"no course with slug {course_slug!r}")
        query = query.where(Cohort.course_id == course.id)
    cohorts = db.session.execute(query).scalars().all()
    counts = member_counts(c.id for c in cohorts)
    rows = [_as_dict(c, counts.get(c.id, 0)) for c in cohorts]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(
            f"{row['id']:>5} {row['course']:<30} {row['start']} {row['end'] or '':<10} {row['members']:>4}  {row['name']}"
        )
