"""Per-course settings that plugins own (``nttlearn_course_settings``).

The core keeps no column for them: the course settings form shows one field per declared
setting and the course package carries one ``course.yaml`` key per setting, while each value
lives in the declaring plugin's table, read with ``load`` and written with ``save``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any

from flask import current_app
from wtforms import BooleanField, Field, IntegerField, StringField
from wtforms.validators import ValidationError

from .hooktypes import CourseSetting

log = logging.getLogger(__name__)
KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


def course_settings(include_disabled: bool = False) -> dict[str, CourseSetting]:
    """The declared settings by key, in the plugins' order (enabled plugins only unless
    ``include_disabled``: a package keeps the values of a plugin the admin switched off).

    A declaration whose key is malformed, is one of the core's ``course.yaml`` keys or a name of
    the course settings form (``completion_rule``, ``submit``), or was already declared by another
    plugin is logged and left out.
    """
    from .author.forms import CourseSettingsForm
    from .content.package import COURSE_KEYS
    from .plugins import host

    found: dict[str, CourseSetting] = {}
    for plugin, items in host(current_app).call_each(
        "nttlearn_course_settings", include_disabled=include_disabled
    ):
        for item in items or []:
            if (
                not KEY.match(item.key)
                or item.key in COURSE_KEYS
                or hasattr(CourseSettingsForm, item.key)
                or item.key in found
            ):
                log.error(
                    "plugin %s: course setting %r left out (malformed, a core key or declared twice)",
                    plugin,
                    item.key,
                )
                continue
            found[item.key] = replace(item, plugin=plugin)
    return found


def form_field(setting: CourseSetting) -> Field:
    """The unbound WTForms field for ``setting`` on the course settings form."""

    def plugin_check(form: Any, field: Field) -> None:
        problem = setting.check(field.data)
        if problem is not None:
            raise ValidationError(problem)

    if isinstance(setting.default, bool):
        return BooleanField(
            setting.label, description=setting.description, validators=[plugin_check]
        )
    if isinstance(setting.default, int):
        return IntegerField(
            setting.label, description=setting.description, validators=[plugin_check]
        )
    return StringField(setting.label, description=setting.description, validators=[plugin_check])


def save_values(
    course_id: int, settings: dict[str, CourseSetting], values: dict[str, Any]
) -> list[str]:
    """Save the values that differ from what the plugins hold; returns the keys saved."""
    saved = []
    for key, value in values.items():
        setting = settings.get(key)
        if setting is not None and setting.load(course_id) != value:
            setting.save(course_id, value)
            saved.append(key)
    return saved
