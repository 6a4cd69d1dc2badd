"""Accounts and permissions. Plugins use the ``require_*`` helpers and :func:`can_manage_course`."""

from .permissions import (
    can_manage_course,
    public,
    require_admin,
    require_coordinator,
    require_course_staff,
    require_login,
    require_role,
    require_trainer,
)

__all__ = [
    "can_manage_course",
    "public",
    "require_admin",
    "require_coordinator",
    "require_course_staff",
    "require_login",
    "require_role",
    "require_trainer",
]
