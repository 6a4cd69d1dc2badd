"""What the plugin adds to the core's pages: a navbar link, the dashboard card, the course sidebar
and the admin menu. Each is a template of its own, so every value is escaped by Jinja."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import url_for
from markupsafe import Markup

from nttlearn.api import can_manage_course, render_fragment

from . import services

NEW_FOR = timedelta(days=30)
DASHBOARD_LIMIT = 5


def render_slot(slot: str, context: dict[str, Any]) -> Markup | None:
    user = context.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if slot == "navbar":
        return _render("certificates/slots/navbar.html", url=url_for("certificates.mine"))
    if slot == "dashboard":
        return dashboard(user)
    if slot == "course_sidebar" and context.get("course") is not None:
        return course_sidebar(user, context["course"])
    if slot == "admin_menu" and user.is_admin:
        return _render("certificates/slots/admin_menu.html")
    return None


def dashboard(user: Any) -> Markup | None:
    """The learner's certificates, newest first; new ones (the last month) are marked."""
    certificates = [cert for cert in services.certificates_of(user.id) if not cert.is_revoked]
    if not certificates:
        return None
    recent = datetime.now(UTC) - NEW_FOR
    return _render(
        "certificates/slots/dashboard.html",
        certificates=certificates[:DASHBOARD_LIMIT],
        more=len(certificates) > DASHBOARD_LIMIT,
        recent=recent,
    )


def course_sidebar(user: Any, course: Any) -> Markup | None:
    staff = can_manage_course(user, course)
    code = services.live_certificate_code(user.id, course.id)
    if not staff and code is None:
        return None
    return _render("certificates/slots/course_sidebar.html", course=course, staff=staff, code=code)


def _render(template: str, **context: Any) -> Markup:
    return render_fragment(template, **context)
