"""Trainer pages: a course's cohorts, their members, trainers, deadlines, extensions and messages,
and the course's release rules.

The course's trainers and admins manage every cohort (``require_course_staff``); a cohort's own
trainers (``require_cohort_staff``) see and manage only their cohorts' learners, deadlines,
extensions and messages. Each form goes through :func:`_submit`: validate, act, and either
commit and redirect or re-show the cohort page with the messages (400)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from ..auth.permissions import course_from_kwargs, require_course_staff
from ..auth.services import find_user
from ..confirm import confirmation_page, confirmed
from ..content.names import localized
from ..extensions import db
from ..models import Activity, Cohort, Course, Module, User
from . import services
from .forms import (
    AddMembersForm,
    CohortForm,
    CohortTrainerForm,
    ExtensionForm,
    MessageForm,
    MoveMemberForm,
    ReleaseRuleForm,
)
from .pacing import start_of
from .permissions import cohort_role, require_cohort_staff
from .services import CohortError

bp = Blueprint(
    "cohorts", __name__, url_prefix="/teach/courses/<int:course_id>", template_folder="templates"
)


def _load(course_id: int, cohort_id: int | None = None) -> tuple[Course, Cohort | None, str | None]:
    """The course, the cohort (404 when it is not the course's) and the visitor's role in it
    (``course`` or ``cohort``; the view's decorator has already refused everyone else)."""
    course = course_from_kwargs({"course_id": course_id})
    cohort = None
    if cohort_id is not None:
        cohort = db.session.get(Cohort, cohort_id)
        if cohort is None or cohort.course_id != course.id:
            abort(404)
    return course, cohort, cohort_role(current_user, course, cohort)


def _cohort_url(course: Course, cohort: Cohort, anchor: str = "") -> str:
    return url_for("cohorts.cohort", course_id=course.id, cohort_id=cohort.id) + anchor


def _activities(course: Course) -> list[Activity]:
    return list(
        db.session.execute(
            db.select(Activity)
            .join(Module)
            .where(
                Module.course_id == course.id,
                Module.archived.is_(False),
                Activity.archived.is_(False),
            )
            .order_by(Module.position, Activity.position)
        ).scalars()
    )


def _visible_cohorts(course: Course, role: str | None) -> list[Cohort]:
    """Every cohort of the course for its trainers; a cohort trainer's own cohorts for them."""
    cohorts = services.cohorts_of_course(course.id)
    if role == "course":
        return cohorts
    mine = services.taught_cohort_ids(current_user.id, course.id)
    return [c for c in cohorts if c.id in mine]


def _submit(
    course: Course,
    cohort: Cohort,
    form: FlaskForm,
    page_form: str,
    action: Callable[[], str | None],
    *,
    anchor: str = "",
    error_field: str | None = None,
):
    """The one way the cohort page's forms are handled: an invalid form re-shows the page with its
    errors (400); ``action`` runs in the request's transaction and returns the success message;
    a :class:`CohortError` it raises is rolled back and shown on ``error_field`` (else flashed)
    with the page re-shown (400); on success the change is committed and the page reloaded."""
    if form.validate_on_submit():
        try:
            message = action()
        except CohortError as exc:
            db.session.rollback()
            target = getattr(form, error_field, None) if error_field else None
            if target is not None:
                target.errors = [*target.errors, str(exc)]
            else:
                flash(str(exc), "error")
        else:
            db.session.commit()
            if message:
                flash(message, "success")
            return redirect(_cohort_url(course, cohort, anchor))
    db.session.rollback()
    cohort = db.session.get(Cohort, cohort.id)
    return _cohort_page(course, cohort, status=400, **{page_form: form})


@bp.route("/cohorts", methods=["GET", "POST"])
@require_cohort_staff
def index(course_id: int):
    course, _none, role = _load(course_id)
    form = CohortForm()
    if request.method == "POST":
        if role != "course":
            abort(403)
        if form.validate_on_submit():
            try:
                cohort = services.create_cohort(
                    course,
                    form.name.data,
                    form.starts_on.data,
                    form.ends_on.data,
                    form.language.data,
                )
            except CohortError as exc:
                db.session.rollback()
                form.name.errors = [*form.name.errors, str(exc)]
            else:
                db.session.commit()
                flash(_("Cohort %(name)s created.", name=cohort.name), "success")
                return redirect(_cohort_url(course, cohort))
    cohorts = _visible_cohorts(course, role)
    return render_template(
        "cohorts/index.html",
        course=course,
        cohorts=cohorts,
        form=form,
        role=role,
        counts=services.member_counts(c.id for c in cohorts),
    ), 400 if form.errors else 200


def _cohort_page(
    course: Course,
    cohort: Cohort,
    *,
    form=None,
    add_form=None,
    extension_form=None,
    message_form=None,
    trainer_form=None,
    status: int = 200,
):
    role = cohort_role(current_user, course, cohort)
    form = form or CohortForm(obj=cohort, formdata=None)
    activities = _activities(course)
    members = services.cohort_progress(cohort)
    extension_form = extension_form or ExtensionForm(formdata=None)
    extension_form.learner.choices = [(m.user.id, m.user.name) for m in members]
    extension_form.activity.choices = [(a.id, localized(a)) for a in activities]
    move_form = MoveMemberForm(formdata=None)
    move_form.cohort.choices = _move_choices(course, cohort, role)
    return render_template(
        "cohorts/cohort.html",
        course=course,
        cohort=cohort,
        form=form,
        members=members,
        role=role,
        add_form=add_form or AddMembersForm(formdata=None),
        extension_form=extension_form,
        message_form=message_form or MessageForm(formdata=None),
        move_form=move_form,
        activities=activities,
        deadlines=services.deadlines_of_cohort(cohort),
        extensions=services.extensions_of_cohort(cohort),
        trainers=services.trainers_of(cohort),
        trainer_form=trainer_form or CohortTrainerForm(formdata=None),
        csrf_form=FlaskForm(formdata=None),
    ), status


def _move_choices(course: Course, cohort: Cohort, role: str | None) -> list[tuple[int, str]]:
    """Where a learner may be moved: another cohort the visitor manages."""
    return [(c.id, c.name) for c in _visible_cohorts(course, role) if c.id != cohort.id]


@bp.route("/cohorts/<int:cohort_id>", methods=["GET", "POST"])
@require_cohort_staff
def cohort(course_id: int, cohort_id: int):
    course, cohort, role = _load(course_id, cohort_id)
    if request.method == "GET":
        return _cohort_page(course, cohort)
    if role != "course":  # a cohort's settings are the course's trainers' to change
        abort(403)
    form = CohortForm(obj=cohort)

    def save() -> str:
        services.update_cohort(
            cohort, form.name.data, form.starts_on.data, form.ends_on.data, form.language.data
        )
        return _("Cohort saved.")

    return _submit(course, cohort, form, "form", save, error_field="name")


@bp.route("/cohorts/<int:cohort_id>/delete", methods=["GET", "POST"])
@require_course_staff
def delete(course_id: int, cohort_id: int):
    """Delete a cohort after the confirmation page (GET, or a POST without ``confirmed``), which
    lists what goes: its members' membership, its deadlines, its seminar links."""
    course, cohort, _role = _load(course_id, cohort_id)
    name = cohort.name
    if request.method == "GET" or not confirmed():
        return confirmation_page(
            action=url_for("cohorts.delete", course_id=course.id, cohort_id=cohort.id),
            title=_("Delete the cohort %(name)s?", name=name),
            question=_(
                "The cohort %(name)s and its deadlines will be deleted. This cannot be undone.",
                name=name,
            ),
            consequences=services.deletion_summary(cohort),
            button=_("Delete the cohort"),
            cancel_url=url_for("cohorts.cohort", course_id=course.id, cohort_id=cohort.id),
        )
    services.delete_cohort(cohort)
    db.session.commit()
    flash(
        _("Cohort %(name)s deleted. Its members stay enrolled and continue self-paced.", name=name),
        "success",
    )
    return redirect(url_for("cohorts.index", course_id=course.id))


@bp.route("/cohorts/<int:cohort_id>/members", methods=["POST"])
@require_cohort_staff
def add_members(course_id: int, cohort_id: int):
    course, cohort, role = _load(course_id, cohort_id)
    form = AddMembersForm()

    def add() -> str:
        emails = list(dict.fromkeys(e.lower() for e in re.split(r"[\s,;]+", form.emails.data) if e))
        people = {email: find_user(email) for email in emails}
        unknown = [email for email, person in people.items() if person is None]
        if unknown:
            raise CohortError(
                _("No account for: %(emails)s. Nobody was added.", emails=", ".join(unknown))
            )
        if (
            role != "course"
        ):  # a cohort trainer does not take learners out of another trainer's cohort
            elsewhere = [
                p.email
                for p in people.values()
                if (found := services.cohort_of(p, course)) is not None and found.id != cohort.id
            ]
            if elsewhere:
                raise CohortError(
                    _(
                        "In another cohort of the course: %(emails)s. Ask a trainer of the course "
                        "to move them. Nobody was added.",
                        emails=", ".join(elsewhere),
                    )
                )
        for person in people.values():
            services.add_to_cohort(person, cohort)
        return ngettext(
            "%(num)d person added to the cohort.",
            "%(num)d people added to the cohort.",
            len(emails),
        )

    return _submit(course, cohort, form, "add_form", add, error_field="emails")


def _member_or_404(course: Course, cohort: Cohort, user_id: int) -> User:
    """A member of this cohort (404 for anyone else: not in the cohort, or in another one)."""
    user = db.session.get(User, user_id)
    found = services.cohort_of(user, course) if user is not None else None
    if found is None or found.id != cohort.id:
        abort(404)
    return user


@bp.route("/cohorts/<int:cohort_id>/members/<int:user_id>/move", methods=["POST"])
@require_cohort_staff
def move_member(course_id: int, cohort_id: int, user_id: int):
    course, cohort, role = _load(course_id, cohort_id)
    user = _member_or_404(course, cohort, user_id)
    form = MoveMemberForm()
    form.cohort.choices = _move_choices(course, cohort, role)
    if not form.validate_on_submit():
        flash(_("Choose the cohort to move the learner to."), "error")
        return redirect(_cohort_url(course, cohort))
    target = db.session.get(Cohort, form.cohort.data)
    services.add_to_cohort(user, target)
    db.session.commit()
    flash(_("%(name)s moved to %(cohort)s.", name=user.name, cohort=target.name), "success")
    return redirect(_cohort_url(course, cohort))


@bp.route("/cohorts/<int:cohort_id>/members/<int:user_id>/remove", methods=["POST"])
@require_cohort_staff
def remove_member(course_id: int, cohort_id: int, user_id: int):
    course, cohort, _role = _load(course_id, cohort_id)
    user = db.session.get(User, user_id) or abort(404)
    if not services.remove_from_cohort(user.id, cohort):
        abort(404)
    db.session.commit()
    flash(
        _("%(name)s is no longer in this cohort and continues self-paced.", name=user.name),
        "success",
    )
    return redirect(_cohort_url(course, cohort))


def _parse_due(value: str) -> datetime | None:
    """A ``datetime-local`` value (UTC), or None for an empty field; ValueError when malformed."""
    value = value.strip()
    return datetime.strptime(value, "%Y-%m-%dT%H:%M").replace(tzinfo=UTC) if value else None


@bp.route("/cohorts/<int:cohort_id>/deadlines", methods=["POST"])
@require_cohort_staff
def deadlines(course_id: int, cohort_id: int):
    """Every deadline of the cohort in one form; all saved or, on any bad field, none."""
    course, cohort, _role = _load(course_id, cohort_id)
    errors = []
    for activity in _activities(course):
        for kind in ("close", "review"):
            name = f"due-{kind}-{activity.id}"
            if name not in request.form:
                continue
            try:
                services.set_deadline(cohort, activity.id, _parse_due(request.form[name]), kind)
            except ValueError as exc:  # CohortError is a ValueError, and so is a malformed date
                errors.append(
                    f"{localized(activity)}: {exc if isinstance(exc, CohortError) else _('not a valid date and time.')}"
                )
    if errors:
        db.session.rollback()
        for error in errors:
            flash(error, "error")
        flash(_("No deadline was saved."), "error")
    else:
        db.session.commit()
        flash(_("Deadlines saved."), "success")
    return redirect(_cohort_url(course, cohort, "#deadlines"))


@bp.route("/cohorts/<int:cohort_id>/extensions", methods=["POST"])
@require_cohort_staff
def extension(course_id: int, cohort_id: int):
    course, cohort, _role = _load(course_id, cohort_id)
    form = ExtensionForm()
    form.learner.choices = [(u.id, u.name) for u in services.members_of(cohort)]
    form.activity.choices = [(a.id, localized(a)) for a in _activities(course)]

    def grant() -> str:
        services.grant_extension(
            form.learner.data,
            form.activity.data,
            course,
            form.due_at.data.replace(tzinfo=UTC),
            granted_by=current_user,
        )
        return _("Extension granted.")

    return _submit(
        course, cohort, form, "extension_form", grant, anchor="#extensions", error_field="due_at"
    )


@bp.route(
    "/cohorts/<int:cohort_id>/extensions/<int:user_id>/<int:activity_id>/remove", methods=["POST"]
)
@require_cohort_staff
def remove_extension(course_id: int, cohort_id: int, user_id: int, activity_id: int):
    course, cohort, _role = _load(course_id, cohort_id)
    _member_or_404(course, cohort, user_id)  # only the extensions of this cohort's learners
    try:
        services.grant_extension(user_id, activity_id, course, None)
    except CohortError:
        abort(404)
    db.session.commit()
    flash(_("Extension removed."), "success")
    return redirect(_cohort_url(course, cohort, "#extensions"))


@bp.route("/cohorts/<int:cohort_id>/message", methods=["POST"])
@require_cohort_staff
def message(course_id: int, cohort_id: int):
    course, cohort, _role = _load(course_id, cohort_id)
    form = MessageForm()

    def send() -> str:
        sent = services.message_cohort(cohort, current_user, form.subject.data, form.body.data)
        if not sent and services.members_of(cohort):
            return _("This message was already sent to the cohort today: nobody was told twice.")
        return ngettext("Message sent to %(num)d member.", "Message sent to %(num)d members.", sent)

    return _submit(course, cohort, form, "message_form", send, error_field="body")


@bp.route("/cohorts/<int:cohort_id>/trainers", methods=["POST"])
@require_course_staff
def add_trainer(course_id: int, cohort_id: int):
    """A trainer of the course (or an admin) gives a trainer this cohort to look after."""
    course, cohort, _role = _load(course_id, cohort_id)
    form = CohortTrainerForm()

    def add() -> str:
        person = find_user(form.email.data.strip().lower())
        if person is None:
            raise CohortError(_("No one has an account with this e-mail address."))
        services.add_cohort_trainer(cohort, person, added_by=current_user)
        _tell_new_trainer(person, course, cohort)
        return _("%(name)s is now a trainer of this cohort.", name=person.name)

    return _submit(
        course, cohort, form, "trainer_form", add, anchor="#trainers", error_field="email"
    )


def _tell_new_trainer(person: User, course: Course, cohort: Cohort) -> None:
    from ..notifications.services import notify, site_url

    notify(
        person,
        "course_message",
        lambda: _(
            "You are now a trainer of the cohort %(cohort)s of “%(course)s”",
            cohort=cohort.name,
            course=course.title,
        ),
        url=site_url("cohorts.cohort", course_id=course.id, cohort_id=cohort.id),
        key=f"cohort-trainer:{cohort.id}",
    )


@bp.route("/cohorts/<int:cohort_id>/trainers/<int:user_id>/remove", methods=["POST"])
@require_course_staff
def remove_trainer(course_id: int, cohort_id: int, user_id: int):
    course, cohort, _role = _load(course_id, cohort_id)
    if not services.remove_cohort_trainer(cohort, user_id):
        abort(404)
    db.session.commit()
    flash(_("No longer a trainer of this cohort."), "success")
    return redirect(_cohort_url(course, cohort, "#trainers"))


# -- release rules -------------------------------------------------------------------------------------
def _items(course: Course) -> list[tuple[tuple[str, int], str, int]]:
    """Every module and activity of the course in outline order: (item, title, depth)."""
    modules = (
        db.session.execute(
            db.select(Module)
            .where(Module.course_id == course.id, Module.archived.is_(False))
            .order_by(Module.position)
        )
        .scalars()
        .all()
    )
    by_module: dict[int, list[Activity]] = {}
    for activity in _activities(course):
        by_module.setdefault(activity.module_id, []).append(activity)
    items = []
    for module in modules:
        items.append((("m", module.id), localized(module), 0))
        items += [(("a", a.id), localized(a), 1) for a in by_module.get(module.id, [])]
    return items


@bp.route("/release")
@require_course_staff
def release(course_id: int):
    course, _cohort, _role = _load(course_id)
    items = _items(course)
    titles = {item: title for item, title, _depth in items}
    return render_template(
        "cohorts/release.html",
        course=course,
        items=items,
        titles=titles,
        rules=services.rules_of_course(course.id),
    )


def _item_key(item: tuple[str, int]) -> str:
    return f"{item[0]}{item[1]}"


@bp.route("/release/<item>", methods=["GET", "POST"])
@require_course_staff
def release_rule(course_id: int, item: str):
    course, _cohort, _role = _load(course_id)
    items = _items(course)
    by_key = {_item_key(i): (i, title) for i, title, _depth in items}
    if item not in by_key:
        abort(404)
    target, title = by_key[item]
    rule, requires = services.rules_of_course(course.id).get(target, (None, []))
    form = ReleaseRuleForm()
    form.requires.choices = [
        (_item_key(i), ("— " if depth else "") + t) for i, t, depth in items if i != target
    ]
    if request.method == "GET" and rule is not None:
        form.opens_on.data = rule.opens_at.date() if rule.opens_at else None
        form.offset_days.data = rule.offset_days
        form.relative_to.data = rule.relative_to
        form.requires.data = [_item_key(i) for i in requires]
    if form.validate_on_submit():
        try:
            services.set_release_rule(
                course,
                target,
                opens_at=start_of(form.opens_on.data) if form.opens_on.data else None,
                offset_days=form.offset_days.data,
                relative_to=form.relative_to.data,
                requires=[by_key[k][0] for k in form.requires.data or []],
            )
        except CohortError as exc:
            db.session.rollback()
            form.requires.errors = [*form.requires.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("Release rule of %(title)s saved.", title=title), "success")
            return redirect(url_for("cohorts.release", course_id=course.id))
    return render_template(
        "cohorts/release_rule.html", course=course, form=form, title=title, item=item
    ), 400 if form.errors else 200
