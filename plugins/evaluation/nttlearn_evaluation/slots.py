"""Links into the plugin's pages from the core's template slots."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from nttlearn.api import can_manage_course, render_fragment

SLOTS = ("navbar", "course_sidebar", "profile", "admin_menu")


def render_slot(slot: str, context: dict[str, Any]) -> Markup | None:
    user = context.get("user")
    if slot not in SLOTS or user is None or not getattr(user, "is_authenticated", False):
        return None
    if slot == "navbar" and not user.is_coordinator:
        return None
    course = context.get("course")
    if slot == "course_sidebar" and (course is None or not can_manage_course(user, course)):
        return None
    if slot == "admin_menu" and not user.is_coordinator:
        return None
    return render_fragment("evaluation/_slots.html", slot=slot, user=user, course=course)
