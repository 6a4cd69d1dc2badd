"""Translating a course in the browser: an overview of every language, and the translation editors
(the course's and each module's title and summary, and learning outcomes; each lesson's title and
text; each activity's title).

A translation editor shows the English source beside the translation's fields. Two trainers
saving the same translation: the second gets a conflict page with both texts (nothing is
overwritten); a translation into another language saved at the same moment is no conflict.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..auth.permissions import require_course_staff
from ..config import LANGUAGE_NAMES
from ..confirm import confirmation_page, confirmed
from ..content.markdown import localized_media, render_markdown
from ..content.translations import LANGUAGES
from ..extensions import db
from ..models import Activity, Course, Lesson, Module
from .blueprint import bp, course_or_404, element_or_404
from .forms import (
    ActivityTranslationForm,
    DeleteTranslationForm,
    LessonTranslationForm,
    TitleTranslationForm,
    TranslationForm,
    outcomes_translation_form,
)
from .outline import normalize_body
from .services import AuthoringError
from .translations import (
    OUTCOMES,
    STATE_FILTERS,
    TRANSLATED_FIELDS,
    LanguageState,
    Translatable,
    TranslationConflict,
    commit_change,
    delete_translation,
    language_states,
    lesson_problems,
    opened_token,
    save_lesson_translation,
    save_translation,
    source_token,
    translatable_fields,
    translation_overview,
    translation_texts,
)

LOCALE = "<any({}):locale>".format(", ".join(LANGUAGES))


@bp.route("/courses/<int:course_id>/translations")
@require_course_staff
def translations(course_id: int):
    """Every translatable text of the course with its state per language, filtered by the
    query's ``state`` and ``language``; an unknown value is said on the page, and not applied."""
    course = course_or_404(course_id)
    state, language = request.args.get("state", ""), request.args.get("language", "")
    errors = []
    if state not in ("", *STATE_FILTERS):
        errors.append(_("Choose a state from the list."))
        state = ""
    if language not in ("", *LANGUAGES):
        errors.append(_("Choose a language from the list."))
        language = ""
    overview = translation_overview(course, state, language)
    return render_template(
        "author/translations.html",
        course=course,
        overview=overview,
        errors=errors,
        all_languages=LANGUAGES,
        language_names=LANGUAGE_NAMES,
    ), 400 if errors else 200


# -- the course's title and summary ------------------------------------------------------------------
@bp.route(f"/courses/<int:course_id>/translations/{LOCALE}", methods=["GET", "POST"])
@require_course_staff
def translate_course(course_id: int, locale: str):
    course = course_or_404(course_id)
    return _translate_title_and_summary(
        course,
        course,
        lambda: course_or_404(course_id),
        locale,
        url_for("author.translate_course", course_id=course.id, locale=locale),
    )


@bp.route(f"/courses/<int:course_id>/translations/{LOCALE}/delete", methods=["POST"])
@require_course_staff
def delete_course_translation(course_id: int, locale: str):
    course = course_or_404(course_id)
    return _delete(
        lambda: course_or_404(course_id),
        locale,
        editor=url_for("author.translate_course", course_id=course.id, locale=locale),
        done=url_for("author.edit_course", course_id=course.id),
    )


# -- modules' titles and summaries -------------------------------------------------------------------
@bp.route(
    f"/courses/<int:course_id>/modules/<int:module_id>/translations/{LOCALE}",
    methods=["GET", "POST"],
)
@require_course_staff
def translate_module(course_id: int, module_id: int, locale: str):
    course = course_or_404(course_id)
    module = element_or_404(Module, module_id, course)
    return _translate_title_and_summary(
        course,
        module,
        lambda: element_or_404(Module, module_id, course),
        locale,
        url_for("author.translate_module", course_id=course.id, module_id=module.id, locale=locale),
    )


@bp.route(
    f"/courses/<int:course_id>/modules/<int:module_id>/translations/{LOCALE}/delete",
    methods=["POST"],
)
@require_course_staff
def delete_module_translation(course_id: int, module_id: int, locale: str):
    course = course_or_404(course_id)
    module = element_or_404(Module, module_id, course)
    return _delete(
        lambda: element_or_404(Module, module_id, course),
        locale,
        editor=url_for(
            "author.translate_module", course_id=course.id, module_id=module.id, locale=locale
        ),
        done=url_for("author.edit_module", course_id=course.id, module_id=module.id),
    )


def _translate_title_and_summary(
    course: Course,
    element: Course | Module,
    load: Callable[[], Course | Module],
    locale: str,
    editor: str,
):
    """The editor of a course's or a module's title and summary translation."""
    form = TitleTranslationForm()
    _prepare(form, element, locale)
    if form.validate_on_submit():
        values = {"title": form.title.data, "summary": form.summary.data or ""}
        try:
            current = commit_change(
                load,
                locale,
                lambda x: save_translation(x, locale, values, form.opened.data, form.source.data),
            )
        except TranslationConflict as exc:
            return _conflict(form, course, element, exc)
        _saved(locale, current)
        return redirect(editor)
    return _render(form, course, element, locale)


# -- lessons ---------------------------------------------------------------------------------------
@bp.route(
    f"/courses/<int:course_id>/lessons/<int:lesson_id>/translations/{LOCALE}",
    methods=["GET", "POST"],
)
@require_course_staff
def translate_lesson(course_id: int, lesson_id: int, locale: str):
    course = course_or_404(course_id)
    lesson = element_or_404(Lesson, lesson_id, course)
    form = LessonTranslationForm(english_body=lesson.body or "")
    _prepare(form, lesson, locale)
    if form.preview.data and form.is_submitted():
        return _render(
            form,
            course,
            lesson,
            locale,
            problems=lesson_problems(course, lesson, form.body.data or ""),
            preview=_markdown(course, form.body.data, locale),
        )
    if form.validate_on_submit():
        values = {"title": form.title.data, "body": form.body.data or ""}
        try:
            current = commit_change(
                lambda: element_or_404(Lesson, lesson_id, course),
                locale,
                lambda x: save_lesson_translation(
                    course, x, locale, values, form.opened.data, form.source.data
                ),
            )
        except TranslationConflict as exc:
            return _conflict(form, course, lesson, exc)
        except AuthoringError as exc:
            return _render(
                form,
                course,
                lesson,
                locale,
                problems=lesson_problems(course, lesson, values["body"]),
                error=str(exc),
                status=422,
            )
        _saved(locale, current)
        return redirect(
            url_for(
                "author.translate_lesson", course_id=course.id, lesson_id=lesson.id, locale=locale
            )
        )
    return _render(form, course, lesson, locale)


@bp.route(
    f"/courses/<int:course_id>/lessons/<int:lesson_id>/translations/{LOCALE}/delete",
    methods=["POST"],
)
@require_course_staff
def delete_lesson_translation(course_id: int, lesson_id: int, locale: str):
    course = course_or_404(course_id)
    lesson = element_or_404(Lesson, lesson_id, course)
    return _delete(
        lambda: element_or_404(Lesson, lesson_id, course),
        locale,
        editor=url_for(
            "author.translate_lesson", course_id=course.id, lesson_id=lesson.id, locale=locale
        ),
        done=url_for("author.edit_lesson", course_id=course.id, lesson_id=lesson.id),
    )


# -- activities' titles ----------------------------------------------------------------------------
def _locked_activity(course: Course, activity_id: int) -> Activity:
    """The activity, its row locked until the commit: an activity has no version to compare, so
    two saves of its translations at the same moment take turns (the second sees the first's)."""
    activity = element_or_404(Activity, activity_id, course)
    db.session.refresh(activity, with_for_update=True)
    return activity


@bp.route(
    f"/courses/<int:course_id>/activities/<int:activity_id>/translations/{LOCALE}",
    methods=["GET", "POST"],
)
@require_course_staff
def translate_activity(course_id: int, activity_id: int, locale: str):
    course = course_or_404(course_id)
    activity = element_or_404(Activity, activity_id, course)
    form = ActivityTranslationForm()
    _prepare(form, activity, locale)
    if form.validate_on_submit():
        values = {"title": form.title.data}
        try:
            current = commit_change(
                lambda: _locked_activity(course, activity_id),
                locale,
                lambda x: save_translation(x, locale, values, form.opened.data, form.source.data),
            )
        except TranslationConflict as exc:
            return _conflict(form, course, activity, exc)
        _saved(locale, current)
        return redirect(
            url_for(
                "author.translate_activity",
                course_id=course.id,
                activity_id=activity.id,
                locale=locale,
            )
        )
    return _render(form, course, activity, locale)


@bp.route(
    f"/courses/<int:course_id>/activities/<int:activity_id>/translations/{LOCALE}/delete",
    methods=["POST"],
)
@require_course_staff
def delete_activity_translation(course_id: int, activity_id: int, locale: str):
    course = course_or_404(course_id)
    activity = element_or_404(Activity, activity_id, course)
    return _delete(
        lambda: _locked_activity(course, activity_id),
        locale,
        editor=url_for(
            "author.translate_activity", course_id=course.id, activity_id=activity.id, locale=locale
        ),
        done=url_for("author.edit_activity", course_id=course.id, activity_id=activity.id),
    )


# -- learning outcomes of the course and of its modules -----------------------------------------------
@bp.route(f"/courses/<int:course_id>/outcomes/translations/{LOCALE}", methods=["GET", "POST"])
@require_course_staff
def translate_course_outcomes(course_id: int, locale: str):
    course = course_or_404(course_id)
    return _translate_outcomes(
        course,
        course,
        lambda: course_or_404(course_id),
        locale,
        url_for("author.translate_course_outcomes", course_id=course.id, locale=locale),
    )


@bp.route(
    f"/courses/<int:course_id>/modules/<int:module_id>/outcomes/translations/{LOCALE}",
    methods=["GET", "POST"],
)
@require_course_staff
def translate_module_outcomes(course_id: int, module_id: int, locale: str):
    course = course_or_404(course_id)
    module = element_or_404(Module, module_id, course)
    return _translate_outcomes(
        course,
        module,
        lambda: element_or_404(Module, module_id, course),
        locale,
        url_for(
            "author.translate_module_outcomes",
            course_id=course.id,
            module_id=module.id,
            locale=locale,
        ),
    )


def _translate_outcomes(
    course: Course,
    element: Course | Module,
    load: Callable[[], Course | Module],
    locale: str,
    editor: str,
):
    """One field per English outcome; an outcome left empty is not translated (learners read it in
    English), so emptying every field removes the outcomes' translation."""
    english = list(element.outcomes or [])
    form = outcomes_translation_form(len(english))
    if not form.is_submitted():
        form.opened.data = opened_token(element, locale, OUTCOMES)
        form.source.data = source_token(element, OUTCOMES)
        stored = translation_texts(element, locale, OUTCOMES)
        for n in range(len(english)):
            form[f"outcome_{n}"].data = stored.get(f"outcome.{n}", "")
    for field in form.outcome_fields():
        field.render_kw = {"lang": locale, "spellcheck": "true", "rows": 2}
    conflict, status = None, 200
    if english and form.validate_on_submit():
        values = {f"outcome.{n}": form[f"outcome_{n}"].data or "" for n in range(len(english))}
        try:
            current = commit_change(
                load,
                locale,
                lambda x: save_translation(
                    x, locale, values, form.opened.data, form.source.data, OUTCOMES
                ),
                OUTCOMES,
            )
        except TranslationConflict:
            db.session.rollback()
            db.session.refresh(element)
            form.opened.data = opened_token(element, locale, OUTCOMES)
            form.source.data = source_token(element, OUTCOMES)
            flash(
                _(
                    "Someone else saved this translation while you were editing it. Nothing was overwritten: compare the two texts below, bring your changes into the form and save again."
                ),
                "error",
            )
            conflict, status = translation_texts(element, locale, OUTCOMES), 409
        else:
            _saved(locale, current)
            return redirect(editor)
    module = element if isinstance(element, Module) else None
    rows = [
        (n, text, form[f"outcome_{n}"])
        for n, text in enumerate(english)
        if f"outcome.{n}" in translatable_fields(element, OUTCOMES)
    ]
    return render_template(
        "author/translate_outcomes.html",
        form=form,
        course=course,
        module=module,
        locale=locale,
        language=_state(element, locale, OUTCOMES),
        rows=rows,
        conflict=conflict,
    ), status


# -- shared ----------------------------------------------------------------------------------------
def _prepare(form: TranslationForm, element: Translatable, locale: str) -> None:
    """Fill a new form from the stored translation; mark its fields with their language."""
    if not form.is_submitted():
        form.opened.data = opened_token(element, locale)
        form.source.data = source_token(element)
        for name, text in translation_texts(element, locale).items():
            if name in form:
                form[name].data = text
    for name in TRANSLATED_FIELDS[type(element)]:
        form[name].render_kw = {
            **(form[name].render_kw or {}),
            "lang": locale,
            "spellcheck": "true",
        }


def _saved(locale: str, current: bool) -> None:
    flash(_("Translation saved: %(language)s.", language=LANGUAGE_NAMES[locale]), "success")
    if not current:
        flash(
            _(
                "The English text changed while you were translating it: the translation is saved, but marked as outdated. Compare it with the English text now shown and update it."
            ),
            "error",
        )


def _state(element: Translatable, locale: str, part: str = "texts") -> LanguageState:
    return next(item for item in language_states(element, part) if item.locale == locale)


def _markdown(course: Course, body: str | None, locale: str) -> Any:
    """The translation as its readers will see it, with their language's figures and templates."""
    return render_markdown(
        normalize_body(body or ""),
        url_for("learn.media", slug=course.slug, filename=""),
        localize=localized_media(course.slug, locale),
    )


def _delete_url(course: Course, element: Translatable, locale: str) -> str:
    if isinstance(element, Lesson):
        return url_for(
            "author.delete_lesson_translation",
            course_id=course.id,
            lesson_id=element.id,
            locale=locale,
        )
    if isinstance(element, Module):
        return url_for(
            "author.delete_module_translation",
            course_id=course.id,
            module_id=element.id,
            locale=locale,
        )
    if isinstance(element, Activity):
        return url_for(
            "author.delete_activity_translation",
            course_id=course.id,
            activity_id=element.id,
            locale=locale,
        )
    return url_for("author.delete_course_translation", course_id=course.id, locale=locale)


def _render(
    form: TranslationForm,
    course: Course,
    element: Translatable,
    locale: str,
    *,
    problems=(),
    preview=None,
    error: str | None = None,
    conflict: dict[str, str] | None = None,
    status: int = 200,
):
    """The editor of ``element``'s translation into ``locale`` (the course, a module, a lesson or an
    activity)."""
    lesson = element if isinstance(element, Lesson) else None
    activity = element if isinstance(element, Activity) else None
    if isinstance(element, Module):
        module: Module | None = element
    else:
        placed = lesson or activity
        module = db.session.get(Module, placed.module_id) if placed is not None else None
    stored = translation_texts(element, locale)
    return render_template(
        "author/translate.html",
        form=form,
        course=course,
        lesson=lesson,
        module=module,
        activity=activity,
        kind=type(element).__name__.lower(),
        locale=locale,
        language=_state(element, locale),
        english=element,
        problems=problems,
        preview=preview,
        error=None if problems else error,
        conflict=conflict,
        stored_preview=_markdown(course, stored.get("body"), locale)
        if lesson is not None and stored.get("body")
        else None,
        delete_form=DeleteTranslationForm(formdata=None, opened=opened_token(element, locale)),
        delete_url=_delete_url(course, element, locale),
        media_base=url_for("learn.media", slug=course.slug, filename=""),
    ), status


def _conflict(
    form: TranslationForm, course: Course, element: Translatable, exc: TranslationConflict
):
    """Both texts side by side; the hidden token moves on, so saving again is a deliberate choice."""
    db.session.rollback()
    db.session.refresh(element)
    locale = exc.locale
    form.opened.data = opened_token(element, locale)
    form.source.data = source_token(element)
    flash(
        _(
            "Someone else saved this translation while you were editing it. Nothing was overwritten: compare the two texts below, bring your changes into the form and save again."
        ),
        "error",
    )
    return _render(
        form, course, element, locale, conflict=translation_texts(element, locale), status=409
    )


def _delete(load: Callable[[], Translatable], locale: str, *, editor: str, done: str):
    form = DeleteTranslationForm()
    name = LANGUAGE_NAMES[locale]
    if not form.validate_on_submit():
        return redirect(editor)
    if not confirmed() and translation_texts(load(), locale):  # none there: said below, not asked
        return confirmation_page(
            title=_("Delete the translation (%(language)s)?", language=name),
            question=_(
                "Learners who read this language will see the English text again. The English text is not affected."
            ),
            consequences=[],
            button=_("Delete the translation"),
            cancel_url=editor,
        )
    try:
        deleted = commit_change(
            load,
            locale,
            lambda element: delete_translation(element, locale, form.opened.data or ""),
        )
    except TranslationConflict:
        flash(
            _(
                "The translation (%(language)s) was changed after you opened it, so it was not deleted. Review it, then delete it again if you still want to.",
                language=name,
            ),
            "error",
        )
        return redirect(editor)
    if not deleted:
        flash(_("There is no translation (%(language)s) to delete.", language=name), "error")
        return redirect(done)
    flash(_("Translation deleted: %(language)s.", language=name), "success")
    return redirect(done)
