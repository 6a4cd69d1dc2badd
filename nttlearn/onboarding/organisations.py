"""Merging two organisations that are the same body ("Comune di Bologna" and "Bologna
municipality"): reports count organisations, so a duplicate counts a town twice.

The core moves its own references (the people of the organisation) and deletes the spare entry;
plugins that keep figures per organisation hear ``organisation.merged`` ({"from_id", "to_id"})
before the spare entry goes, in the same transaction, and move their own rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func

from ..events import emit
from ..extensions import db
from ..models import Enrolment, Organisation, User

PREVIEW_NAMES = 50


class MergeProblem(ValueError):
    """The two organisations cannot be merged (the same one twice, one unknown)."""


@dataclass
class MergePreview:
    source: Organisation
    target: Organisation
    people: int  # accounts that move to the target
    enrolments: int  # their enrolments: reports count them under the target afterwards
    names: list[str]  # the first people, by name, to recognise them

    def as_dict(self) -> dict:
        return {
            "from": _organisation_dict(self.source),
            "to": _organisation_dict(self.target),
            "people": self.people,
            "enrolments": self.enrolments,
        }


def _organisation_dict(org: Organisation) -> dict:
    return {"id": org.id, "name": org.name, "town": org.town, "country": org.country}


def merge_preview(source_id: int, target_id: int) -> MergePreview:
    """What merging ``source_id`` into ``target_id`` would move. Raises ``MergeProblem``."""
    if source_id == target_id:
        raise MergeProblem(_("Choose two different organisations."))
    source, target = (
        db.session.get(Organisation, source_id),
        db.session.get(Organisation, target_id),
    )
    if source is None or target is None:
        raise MergeProblem(
            _(
                "There is no organisation with the number %(id)d.",
                id=source_id if source is None else target_id,
            )
        )
    members = User.organisation_id == source.id
    people = db.session.scalar(db.select(func.count(User.id)).where(members))
    enrolments = db.session.scalar(
        db.select(func.count(Enrolment.id)).join(User, User.id == Enrolment.user_id).where(members)
    )
    names = list(
        db.session.execute(
            db.select(User.name)
            .where(members, User.deleted_at.is_(None))
            .order_by(User.name)
            .limit(PREVIEW_NAMES)
        ).scalars()
    )
    return MergePreview(
        source=source, target=target, people=people or 0, enrolments=enrolments or 0, names=names
    )


def merge_organisations(source_id: int, target_id: int) -> MergePreview:
    """Move everything of ``source_id`` to ``target_id`` and delete it, in the caller's
    transaction (the caller commits). Returns what moved."""
    preview = merge_preview(source_id, target_id)
    db.session.execute(
        db.update(User)
        .where(User.organisation_id == source_id)
        .values(organisation_id=target_id)
        .execution_options(synchronize_session=False)
    )
    emit("organisation.merged", user_id=None, data={"from_id": source_id, "to_id": target_id})
    db.session.execute(db.delete(Organisation).where(Organisation.id == source_id))
    db.session.expire_all()  # loaded users still point at the deleted organisation
    return preview
