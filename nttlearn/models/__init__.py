"""The core's tables. Plugins import models from here; they never touch another plugin's tables."""

from .base import UTCDateTime, utcnow
from .courses import COMPLETION_RULES, POLICY_AREAS, Activity, Course, CourseStaff, Lesson, Module
from .events import EventRecord
from .files import StoredFile
from .plugins import PluginState
from .progress import (
    ActivityCompletion,
    Enrolment,
    LessonCompletion,
    ModuleCompletion,
)
from .sessions import UserSession
from .users import ROLES, Organisation, User

CORE_TABLES = frozenset(
    model.__tablename__
    for model in (Organisation, User, Course, CourseStaff, Module, Lesson, Activity, Enrolment,
                  LessonCompletion, ActivityCompletion, ModuleCompletion, EventRecord, PluginState,
                  UserSession, StoredFile)
)

__all__ = [
    "CORE_TABLES",
    "COMPLETION_RULES",
    "POLICY_AREAS",
    "ROLES",
    "Activity",
    "ActivityCompletion",
    "Course",
    "CourseStaff",
    "Enrolment",
    "EventRecord",
    "Lesson",
    "LessonCompletion",
    "Module",
    "ModuleCompletion",
    "Organisation",
    "PluginState",
    "StoredFile",
    "UTCDateTime",
    "User",
    "UserSession",
    "utcnow",
]
