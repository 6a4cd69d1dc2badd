"""Trainer pages: a course's cohorts, their members, deadlines, extensions and messages, and the
course's release rules. Course trainers and admins only (``require_course_staff``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from ..auth.permissions import course_from_kwargs, require_course_staff
from ..auth.services import find_user
from ..content.names import localized
from ..extensions import db
from ..models import Activity, Cohort, Course, Module, User
from . import services
from .forms import (
    AddMembersForm,
    CohortForm,
    ExtensionForm,
    MessageForm,
    MoveMemberForm,
    ReleaseRuleForm,
)
from .pacing import start_of
from .services import CohortError

bp = Blueprint("cohorts", __name__, url_prefix="/teach/courses/<int:course_id>", template_folder="templates")


def _cohort(course: Course, cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or cohort.course_id != course.id:
        abort(404)
    return cohort


def _activities(course: Course) -> list[Activity]:
    return list(db.session.execute(
        db.select(Activity).join(Module).where(Module.course_id == course.id, Module.archived.is_(False),
                                               Activity.archived.is_(False))
        .order_by(Module.position, Activity.position)
    ).scalars())


@bp.route("/cohorts", methods=["GET", "POST"])
@require_course_staff
def index(course_id: int):
    course = course_from_kwargs({"course_id": course_id})
    form = CohortForm()
    if form.validate_on_submit():
        try:
            cohort = services.create_cohort(course, form.name.data, form.starts_on.data, form.ends_on.data,
                                            form.language.data)
        except CohortError as exc:
            db.session.rollback()
            form.name.errors = [*form.name.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("Cohort %(name)s created.", name=cohort.name), "success")
            return redirect(url_for("cohorts.cohort", course_id=course.id, cohort_id=cohort.id))
    cohorts = services.cohorts_of_course(course.id)
    return render_template("cohorts/index.html", course=course, cohorts=cohorts, form=form,
                           counts=services.member_counts(c.id for c in cohorts)), 400 if form.errors else 200


def _cohort_page(course: Course, cohort: Cohort, *, form=None, add_form=None, extension_form=None,
                 message_form=None, status: int = 200):
    form = form or CohortForm(obj=cohort, formdata=None)
    activities = _activities(course)
    members = services.cohort_progress(cohort)
    extension_form = extension_form or ExtensionForm(formdata=None)
    extension_form.learner.choices = [(m.user.id, m.user.name) for m in members]
    extension_form.activity.choices = [(a.id, localized(a)) for a in activities]
    others = [c for c in services.cohorts_of_course(course.id) if c.id != cohort.id]
    move_form = MoveMemberForm(formdata=None)
    move_form.cohort.choices = [(c.id, c.name) for c in others]
    return render_template(
        "cohorts/cohort.html", course=course, cohort=cohort, form=form, members=members,
        add_form=add_form or AddMembersForm(formdata=None), extension_form=extension_form,
        message_form=message_form or MessageForm(formdata=None), move_form=move_form, activities=activities,
        deadlines=services.deadlines_of_cohort(cohort), extensions=services.extensions_of_cohort(cohort),
        csrf_form=FlaskForm(formdata=None),
    ), status


@bp.route("/cohorts/<int:cohort_id>", methods=["GET", "POST"])
@require_course_staff
def cohort(course_id: int, cohort_id: int):
    course = course_from_kwargs({"course_id": course_id})
    cohort = _cohort(course, cohort_id)
    form = CohortForm(obj=cohort) if request.method == "POST" else None
    if form is not None:
        if form.validate_on_submit():
            try:
                services.update_cohort(cohort, form.name.data, form.starts_on.data, form.ends_on.data,
                                       form.language.data)
            except CohortError as exc:
                db.session.rollback()
                form.name.errors = [*form.name.errors, str(exc)]
            else:
                db.session.commit()
                flash(_("Cohort saved."), "success")
                return redirect(url_for("cohorts.cohort", course_id=course.id, cohort_id=cohort.id))
        db.session.rollback()
        cohort = _cohort(course, cohort_id)
        return _cohort_page(course, cohort, form=form, status=400)
    return _cohort_page(course, cohort)


@bp.route("/cohorts/<int:cohort_id>/delete", methods=["POST"])
@require_course_staff
def delete(course_id: int, cohort_id: int):
    course = course_from_kwargs({"course_id": course_id})
    cohort = _cohort(course, cohort_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    name = cohort.name
    services.delete_cohort(cohort)
    db.session.commit()
    flash(_("Cohort %(name)s deleted. Its members stay enrolled and continue self-paced.", name=name), "success")
    return redirect(url_for("cohorts.index", course_id=course.id))


@bp.route("/cohorts/<int:cohort_id>/members", methods=["POST"])
@require_course_staff
def add_members(course_id: int, cohort_id: int):
    course = course_from_kwargs({"course_id": course_id})
    cohort = _cohort(course, cohort_id)
    form = AddMembersForm()
    if not form.validate_on_submit():
        return _cohort_page(course, cohort, add_form=form, status=400)
    emails = list(dict.fromkeys(e.lower() for e in re.split(r"[\s,;]+", form.emails.data) if e))
    unknown = [e for e in emails if find_user(e) is None]
    if unknown:
        form.emails.errors = [_("No account for: %(emails)s. Nobody was added.", emails=", ".join(unknown))]
        return _cohort_page(course, cohort, add_form=form, status=400)
    for email in emails:
        services.add_to_cohort(find_user(email), cohort)
    db.session.commit()
    flash(ngettext("%(num)d person added to the cohort.", "%(num)d people added to the cohort.", len(emails)),
          "success")
    return redirect(url_for("cohorts.cohort", course_id=course.id, cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/members/<int:user_id>/move", methods=["POST"])
@require_course_staff
def move_member(course_id: int, cohort_id: int, user_id: int):
    course = course_from_kwargs({"course_id": course_id})
    cohort = _cohort(course, cohort_id)
    user = db.session.get(User, user_id) or abort(404)
    if services.cohort_of(user, course) is None or services.cohort_of(user, course).id != cohort.id:
        abort(404)
    form = MoveMemberForm()
    form.cohort.choices = [(c.id, c.name) for c in services.cohorts_of_course(course.id) if c.id != cohort.id]
    if not form.validate_on_submit():
        flash(_("Choose the cohort to move the learner to."), "error")
        return redirect(url_for("cohorts.cohort", course_id=course.id, cohort_id=cohort.id))
    target = _cohort(course, form.cohort.data)
    services.add_to_cohort(user, target)
    db.session.commit()
    flash(_("%(name)s moved to %(cohort)s.", name=user.name, cohort=target.name), "success")
    return redirect(url_for("cohorts.cohort", course_id=course.id, cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/members/<int:user_id>/remove", methods=["POST"])
@require_course_staff
def remove_member(course_id: int, cohort_id: int, user_id: int):
    course = course_from_kwargs({"course_id": course_id})
    cohort = _cohort(course, cohort_id)
    user = db.session.get(User, user_id) or abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if not services.remove_from_cohort(user.id, cohort):
        abort(404)
    db.session.commit()
    flash(_("%(name)s is no longer in this cohort and continues self-paced.", name=user.name), "success")
    return redirect(url_for("cohorts.cohort", course_id=course.id, cohort_id=cohort.id))


def _parse_due(value: str) -> datetime | None:
    """A ``datetime-local`` value (UTC), or None for an empty field; ValueError when malformed."""
    value = value.strip()
    return datetime.strptime(value, "%Y-%m-%dT%H:%M").replace(tzinfo=UTC) if value else None


@bp.route("/cohorts/<int:cohort_id>/deadlines", methods=["POST"])
@require_course_staff
def deadlines(course_id: int, cohort_id: int):
    """Every deadline of the cohort in one form; all saved or, on any bad field, none."""
    course = course_from_kwargs({"course_id": course_id})
    cohort = _cohort(course, cohort_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    errors = []
    for activity in _activities(course):
        for kind in ("close", "review"):
            name = f"due-{kind}-{activity.id}"
            if name not in request.form:
                continue
            try:
                services.set_deadline(cohort, activity.id, _parse_due(request.form[name]), kind)
            except ValueError as exc:  # CohortError is a ValueError, and so is a malformed date
                errors.append(f"{localized(activity)}: {exc if isinstance(exc, CohortError) else _('not a valid date and time.')}")
    if errors:
        db.session.rollback()
        for error in errors:
            flash(error, "error")
        flash(_("No deadline was saved."), "error")
    else:
        db.session.commit()
        flash(_("Deadlines saved."), "success")
    return redirect(url_for("cohorts.cohort", course_id=course.id, cohort_id=cohort.id) + "#deadlines")


@bp.route("/cohorts/<int:cohort_id>/extensions", methods=["POST"])
@require_course_staff
def extension(course_id: int, cohort_id: int):
    course = course_from_kwargs({"course_id": course_id})
    cohort = _cohort(course, cohort_id)
    form = ExtensionForm()
    form.learner.choices = [(u.id, u.name) for u in services.members_of(cohort)]
    form.activity.choices = [(a.id, localized(a)) for a in _activities(course)]
    if not form.validate_on_submit():
        return _cohort_page(course, cohort, extension_form=form, status=400)
    try:
        services.grant_extension(form.learner.data, form.activity.data, course,
                                 form.due_at.data.replace(tzinfo=UTC), granted_by=current_user)
    except CohortError as exc:
        db.session.rollback()
        form.due_at.errors = [str(exc)]
        return _cohort_page(course, cohort, extension_form=form, status=400)
    db.session.commit()
    flash(_("Extension granted."), "success")
    return redirect(url_for("cohorts.cohort", course_id=course.id, cohort_id=cohort.id) + "#extensions")


@bp.route("/cohorts/<int:cohort_id>/extensions/<int:user_id>/<int:activity_id>/remove", methods=["POST"])
@require_course_staff
def remove_extension(course_id: int, cohort_id: int, user_id: int, activity_id: int):
    course = course_from_kwargs({"course_id": course_id})
    cohort = _cohort(course, cohort_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        services.grant_extension(user_id, activity_id, course, None)
    except CohortError:
        abort(404)
    db.session.commit()
    flash(_("Extension removed."), "success")
    return redirect(url_for("cohorts.cohort", course_id=course.id, cohort_id=cohort.id) + "#extensions")


@bp.route("/cohorts/<int:cohort_id>/message", methods=["POST"])
@require_course_staff
def message(course_id: int, cohort_id: int):
    course = course_from_kwargs({"course_id": course_id})
    cohort = _cohort(course, cohort_id)
    form = MessageForm()
    if not form.validate_on_submit():
        return _cohort_page(course, cohort, message_form=form, status=400)
    sent = services.message_cohort(cohort, current_user, form.subject.data, form.body.data)
    db.session.commit()
    flash(ngettext("Message sent to %(num)d member.", "Message sent to %(num)d members.", sent), "success")
    return redirect(url_for("cohorts.cohort", course_id=course.id, cohort_id=cohort.id))


# -- release rules -------------------------------------------------------------------------------------
def _items(course: Course) -> list[tuple[tuple[str, int], str, int]]:
    """Every module and activity of the course in outline order: (item, title, depth)."""
    modules = db.session.execute(
        db.select(Module).where(Module.course_id == course.id, Module.archived.is_(False)).order_by(Module.position)
    ).scalars().all()
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
    course = course_from_kwargs({"course_id": course_id})
    items = _items(course)
    titles = {item: title for item, title, _depth in items}
    return render_template("cohorts/release.html", course=course, items=items, titles=titles,
                           rules=services.rules_of_course(course.id))


def _item_key(item: tuple[str, int]) -> str:
    return f"{item[0]}{item[1]}"


@bp.route("/release/<item>", methods=["GET", "POST"])
@require_course_staff
def release_rule(course_id: int, item: str):
    course = course_from_kwargs({"course_id": course_id})
    items = _items(course)
    by_key = {_item_key(i): (i, title) for i, title, _depth in items}
    if item not in by_key:
        abort(404)
    target, title = by_key[item]
    rule, requires = services.rules_of_course(course.id).get(target, (None, []))
    form = ReleaseRuleForm()
    form.requires.choices = [(_item_key(i), ("— " if depth else "") + t) for i, t, depth in items if i != target]
    if request.method == "GET" and rule is not None:
        form.opens_on.data = rule.opens_at.date() if rule.opens_at else None
        form.offset_days.data = rule.offset_days
        form.relative_to.data = rule.relative_to
        form.requires.data = [_item_key(i) for i in requires]
    if form.validate_on_submit():
        try:
            services.set_release_rule(
                course, target, opens_at=start_of(form.opens_on.data) if form.opens_on.data else None,
                offset_days=form.offset_days.data, relative_to=form.relative_to.data,
                requires=[by_key[k][0] for k in form.requires.data or []],
            )
        except CohortError as exc:
            db.session.rollback()
            form.requires.errors = [*form.requires.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("Release rule of %(title)s saved.", title=title), "success")
            return redirect(url_for("cohorts.release", course_id=course.id))
    return render_template("cohorts/release_rule.html", course=course, form=form, title=title,
                           item=item), 400 if form.errors else 200

