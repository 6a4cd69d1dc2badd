"""Names and Role Provisioning: the platform context's members become the course's learners and
trainers."""

from __future__ import annotations

from dataclasses import dataclass

from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from nttlearn.api import Course, db

from .accounts import account_for, place_in_course, teaches
from .config import registration_for
from .models import Link, Platform


class SyncError(Exception):
    """The member list answered with something we cannot use."""


@dataclass
class SyncResult:
    learners: int = 0
    trainers: int = 0


def sync(link: Link) -> SyncResult:
    """Read every page of the member list and place each active member in the course (the
    caller commits)."""
    platform = db.session.get(Platform, link.platform_id)
    course = db.session.get(Course, link.course_id)
    connector = ServiceConnector(registration_for(platform))
    service = NamesRolesProvisioningService(
        connector, {"context_memberships_url": link.memberships_url, "service_versions": ["2.0"]}
    )
    result = SyncResult()
    for member in service.get_members():
        if not isinstance(member, dict) or not member.get("user_id"):
            raise SyncError("a member without user_id")
        if member.get("status", "Active") != "Active":
            continue
        trainer = teaches(member.get("roles") or [])
        user = account_for(platform, str(member["user_id"]), member, trainer=trainer)
        place_in_course(user, course, trainer=trainer)
        if trainer:
            result.trainers += 1
        else:
            result.learners += 1
    return result
