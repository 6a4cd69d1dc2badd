"""LTI 1.3 Advantage tool: platforms (Moodle, Canvas, Open edX) launch nttlearn courses and
activities. Only hook implementations live here: this file is the plugin's table of contents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from markupsafe import Markup

from nttlearn.api import Event, hookimpl

from . import models  # noqa: F401 - tables for Alembic

HERE = Path(__file__).resolve().parent


@hookimpl
def nttlearn_register_blueprints(app: Flask) -> None:
    from . import admin_views  # noqa: F401 - adds its routes to the blueprint
    from .views import bp

    app.register_blueprint(bp)


@hookimpl
def nttlearn_on_event(event: Event) -> None:
    """A completed activity or course launched from a platform: its score goes back (AGS)."""
    from .grades import on_event

    on_event(event)


@hookimpl
def nttlearn_template_slot(slot: str, context: dict[str, Any]) -> Markup | None:
    """Admins: a card to the LTI platforms. A course's trainers: its platform links, once a
    platform has launched it."""
    from flask_login import current_user

    from nttlearn.api import can_manage_course, db, render_fragment

    from .models import Link

    if slot == "admin_menu" and getattr(current_user, "is_admin", False):
        return render_fragment("lti/slots/admin_menu.html")
    if slot == "course_sidebar" and context.get("course") is not None:
        course = context["course"]
        if (
            can_manage_course(current_user, course)
            and db.session.execute(
                db.select(Link.id).where(Link.course_id == course.id).limit(1)
            ).first()
        ):
            return render_fragment("lti/slots/course_sidebar.html", course=course)
    return None


@hookimpl
def nttlearn_migration_dirs() -> list[str]:
    return [str(HERE / "migrations" / "versions")]


@hookimpl
def nttlearn_translation_dirs() -> list[str]:
    return [str(HERE / "translations")]


@hookimpl
def nttlearn_user_data(user_id: int) -> dict[str, Any] | None:
    """A person's platform identities (the ``sub`` of each platform) and launches."""
    from nttlearn.api import db

    from .models import Account, Launch, Platform

    accounts = db.session.execute(
        db.select(Platform.issuer, Account.sub)
        .join(Account, Account.platform_id == Platform.id)
        .where(Account.user_id == user_id)
    ).all()
    launches = db.session.execute(
        db.select(Launch.link_id, Launch.launched_at).where(Launch.user_id == user_id)
    ).all()
    if not accounts and not launches:
        return None
    return {
        "accounts": [{"issuer": i, "sub": s} for i, s in accounts],
        "launches": [{"link_id": link, "launched_at": at.isoformat()} for link, at in launches],
    }


@hookimpl
def nttlearn_delete_user_data(user_id: int) -> None:
    """Forget the person's platform identities and launches (no more grades go back for them)."""
    from nttlearn.api import db

    from .models import Account, Launch

    db.session.execute(db.delete(Launch).where(Launch.user_id == user_id))
    db.session.execute(db.delete(Account).where(Account.user_id == user_id))
