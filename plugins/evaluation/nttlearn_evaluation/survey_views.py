"""The survey activity: a learner answers once; a trainer previews it and finds the results."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from nttlearn.api import activity_access, db, deadline_for, format_datetime, require_login, utcnow

from .forms import answers_from, survey_form
from .surveys import has_responded, own_answers, questions_of, submit_response, survey_for

surveys = Blueprint("surveys", __name__, url_prefix="/evaluation/surveys")


@surveys.route("/<int:activity_id>", methods=["GET", "POST"])
@require_login
def answer(activity_id: int):
    access = activity_access(activity_id, "survey")
    survey = survey_for(access.activity)
    db.session.commit()  # a survey placed without a package import was just given its definition
    locale = str(get_locale() or "en")
    questions = questions_of(survey)
    responded = access.enrolment is not None and has_responded(survey, access.user_id)
    form = survey_form(questions, locale, request.form if request.method == "POST" else None)
    # A survey has no close date of its own; a cohort's deadline (or the learner's extension) closes it.
    due = deadline_for(access.user_id, access.activity) if access.enrolment is not None else None
    closed = due is not None and utcnow() >= due and not responded
    if request.method == "POST":
        if access.enrolment is None:  # a trainer previewing: nothing to store
            flash(_("Only enrolled learners can answer."), "error")
            return redirect(url_for(".answer", activity_id=activity_id))
        if closed and due is not None:
            flash(_("This survey closed on %(when)s.", when=format_datetime(due, "short")), "error")
            return redirect(url_for(".answer", activity_id=activity_id))
        if responded:
            flash(_("You have already answered this survey. Thank you!"), "info")
            return redirect(url_for(".answer", activity_id=activity_id))
        if form.validate():
            try:
                stored = submit_response(
                    survey, access.activity, access.user_id, answers_from(form, questions)
                )
            except ValueError:  # the form checks the same rules; this guards a tampered request
                db.session.rollback()
                abort(400)
            db.session.commit()
            flash(
                _("Thank you for your answers.")
                if stored
                else _("You have already answered this survey. Thank you!"),
                "success" if stored else "info",
            )
            return redirect(url_for(".answer", activity_id=activity_id))
    mine = own_answers(survey, access.user_id) if responded else {}
    translations = []
    if access.is_staff and survey.questions:
        from .translation_views import translation_links

        translations = translation_links(access.course.id, activity_id, survey)
    return render_template(
        "evaluation/survey.html",
        access=access,
        survey=survey,
        questions=questions,
        form=form,
        responded=responded,
        mine=mine,
        locale=locale,
        due=due,
        closed=closed,
        translations=translations,
    ), 200 if request.method == "GET" or not form.errors else 400
