"""The core's tables. Plugins import models from here; they never touch another plugin's tables."""

from .api_tokens import API_SCOPES, ApiToken
from .base import UTCDateTime, utcnow
from .cohorts import (
    DEADLINE_KINDS,
    RELATIVE_TO,
    Cohort,
    CohortMember,
    CohortStaff,
    Deadline,
    Extension,
    ReleasePrerequisite,
    ReleaseRule,
)
from .courses import COMPLETION_RULES, POLICY_AREAS, Activity, Course, CourseStaff, Lesson, Module
from .events import EventRecord
from .files import StoredFile
from .identities import UserIdentity
from .jobs import FailedJob, IdempotencyKey, PeriodicJobRun, ScheduledJob
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
    for model in (
        Organisation,
        User,
        Course,
        CourseStaff,
        Module,
        Lesson,
        Activity,
        Enrolment,
        LessonCompletion,
        ActivityCompletion,
        ModuleCompletion,
        EventRecord,
        PluginState,
        UserSession,
        UserIdentity,
        ApiToken,
        Cohort,
        CohortMember,
        CohortStaff,
        ReleaseRule,
        ReleasePrerequisite,
        Deadline,
        Extension,
        IdempotencyKey,
        PeriodicJobRun,
        ScheduledJob,
        FailedJob,
        StoredFile,
        Notification,
        NotificationPreference,
    )
)

__all__ = [
    "API_SCOPES",
    "ApiToken",
    "CORE_TABLES",
    "COMPLETION_RULES",
    "DEADLINE_KINDS",
    "RELATIVE_TO",
    "Cohort",
    "CohortMember",
    "CohortStaff",
    "Deadline",
    "Extension",
    "ReleasePrerequisite",
    "ReleaseRule",
    "DELIVERIES",
    "POLICY_AREAS",
    "ROLES",
    "Activity",
    "ActivityCompletion",
    "Course",
    "CourseStaff",
    "Enrolment",
    "EventRecord",
    "FailedJob",
    "IdempotencyKey",
    "Lesson",
    "LessonCompletion",
    "Module",
    "Notification",
    "NotificationPreference",
    "ModuleCompletion",
    "Organisation",
    "PeriodicJobRun",
    "PluginState",
    "ScheduledJob",
    "StoredFile",
    "UTCDateTime",
    "User",
    "UserIdentity",
    "UserSession",
    "utcnow",
]
