"""Courses and their parts: modules, lessons and placed activities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .users import User

POLICY_AREAS = (
    "methodology",
    "youth",
    "social-enterprise",
    "renewable-energy",
    "family-gender",
    "integration-employment",
)
COMPLETION_RULES = ("all_required", "all")


class Translated:
    """A course, module or lesson: English in its own columns, other languages in ``translations``
    (``{"it": {"title": ..., "summary": ...}}``)."""

    def localized(self, field: str, locale: str | None) -> str:
        """``field`` in ``locale``, or the English text where there is no translation."""
        value = (self.translations or {}).get(locale or "en", {}).get(field)
        return value or getattr(self, field)

    def localized_outcomes(self, locale: str | None) -> list[str]:
        """The learning outcomes in ``locale``, each in English where it has no translation
        (kept as ``outcome.0``, ``outcome.1``… in ``translations``)."""
        entry = (self.translations or {}).get(locale or "en", {})
        return [
            entry.get(f"outcome.{n}") or text
            for n, text in enumerate(getattr(self, "outcomes", None) or [])
        ]


class Course(Translated, db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    # {"it": {"title": ..., "summary": ...}, ...}; English lives in title/summary.
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The catalogue card's picture: a file of the course's media ("media/cover.svg" in the package,
    # "cover.svg" here), and its English alternative text (other languages as "image_alt" in
    # translations). Empty: no picture.
    image: Mapped[str] = mapped_column(String(300), default="", server_default="")
    image_alt: Mapped[str] = mapped_column(Text, default="", server_default="")
    policy_area: Mapped[str] = mapped_column(String(40), default="methodology")
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["en"])
    hours: Mapped[float] = mapped_column(default=1)
    outcomes: Mapped[list[str]] = mapped_column(JSON, default=list)
    completion_rule: Mapped[str] = mapped_column(String(20), default="all_required")
    self_enrolment: Mapped[bool] = mapped_column(Boolean, default=True)
    # Deprecated, read and written by nothing since 1.x: whether a course issues certificates is
    # the certificates plugin's course setting (its certificates_0003 copied the values). The
    # column stays for one release so that the plugin's migration can copy it whenever it runs;
    # see docs/architecture.md for the release that drops it.
    certificate: Mapped[bool] = mapped_column(Boolean, default=True)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Bumped in the same transaction as any change to the course, its modules, lessons or
    # activities (see nttlearn/learn/structure.py): every worker's cached copy of the course
    # structure is keyed by it, so an edit shows on the next page in every process.
    content_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    modules: Mapped[list[Module]] = relationship(
        back_populates="course",
        order_by="Module.position",
        lazy="raise",
        cascade="all, delete-orphan",
    )
    staff: Mapped[list[CourseStaff]] = relationship(
        back_populates="course", lazy="raise", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class CourseStaff(db.Model):
    """A trainer of one course."""

    __tablename__ = "course_staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="trainer")

    course: Mapped[Course] = relationship(back_populates="staff")
    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("course_id", "user_id"),)


class Module(Translated, db.Model):
    __tablename__ = "modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))  # stable id, from the package path
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    # {"it": {"title": ..., "summary": ...}, ...}; English lives in title/summary.
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    outcomes: Mapped[list[str]] = mapped_column(JSON, default=list)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # As for courses and lessons: a save made from a stale row fails (StaleDataError) instead of
    # overwriting what someone else saved meanwhile, such as a translation into another language.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    course: Mapped[Course] = relationship(back_populates="modules")
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="module",
        order_by="Lesson.position",
        lazy="raise",
        cascade="all, delete-orphan",
    )
    activities: Mapped[list[Activity]] = relationship(
        back_populates="module",
        order_by="Activity.position",
        lazy="raise",
        cascade="all, delete-orphan",
    )

    __table_args__ = (UniqueConstraint("course_id", "key"),)
    __mapper_args__ = {"version_id_col": version}


class Lesson(Translated, db.Model):
    __tablename__ = "lessons"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown, English
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    minutes: Mapped[int] = mapped_column(Integer, default=10)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    kind: Mapped[str] = mapped_column(String(20), default="lesson")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    module: Mapped[Module] = relationship(back_populates="lessons")

    __table_args__ = (UniqueConstraint("module_id", "key"),)
    __mapper_args__ = {"version_id_col": version}


class Activity(Translated, db.Model):
    """A placed piece of plugin-owned work (a quiz, a proposal, a survey).

    The core knows its place, title, type and whether it counts for completion; the plugin that
    owns ``type_key`` stores everything else. ``spec`` keeps the package definition verbatim so a
    course whose plugin is not installed still imports and exports unchanged.
    """

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    type_key: Mapped[str] = mapped_column(String(50), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # {"it": {"title": ...}, ...}; English lives in title.
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    module: Mapped[Module] = relationship(back_populates="activities")

    __table_args__ = (UniqueConstraint("module_id", "key"),)
