"""The core's tables. Plugins import models from here; they never touch another plugin's tables."""

from .base import UTCDateTime, utcnow
from .courses import COMPLETION_RULES, POLICY_AREAS, Activity, Course, CourseStaff, Lesson, Module
from .events import EventRecord
from .notifications import DELIVERIES, Notification, NotificationPreference
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
                  UserSession, Notification, NotificationPreference)
)

__all__ = [
    "CORE_TABLES",
    "COMPLETION_RULES",
    "DELIVERIES",
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
    "Notification",
    "NotificationPreference",
    "ModuleCompletion",
    "Organisation",
    "PluginState",
    "UTCDateTime",
    "User",
    "UserSession",
    "utcnow",
]
