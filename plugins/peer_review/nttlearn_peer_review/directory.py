"""The partner directory: learners who opt in show their town, country, organisation, policy
interests, languages and what they look for, so that colleagues from other countries can find
them and invite them to a proposal team.

Who sees an entry (GDPR): only logged-in people of the same programme, which on this site means
people who share at least one course enrolment with the entry's owner, and whose own account is
active. Nobody else, not even a trainer of another course, finds it. An entry exists only while
its owner wants it: removing it deletes the row.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from nttlearn.api import Enrolment, Organisation, User, db, utcnow

from .models import DirectoryEntry
from .writing import POLICY_AREAS

#: Languages a partner may speak, each named in itself (the EU's official languages), so the list
#: reads the same in every interface language.
SPOKEN_LANGUAGES = {
    "bg": "български",
    "cs": "čeština",
    "da": "dansk",
    "de": "Deutsch",
    "el": "ελληνικά",
    "en": "English",
    "es": "español",
    "et": "eesti",
    "fi": "suomi",
    "fr": "français",
    "ga": "Gaeilge",
    "hr": "hrvatski",
    "hu": "magyar",
    "it": "italiano",
    "lt": "lietuvių",
    "lv": "latviešu",
    "mt": "Malti",
    "nl": "Nederlands",
    "pl": "polski",
    "pt": "português",
    "ro": "română",
    "sk": "slovenčina",
    "sl": "slovenščina",
    "sv": "svenska",
}
MAX_TOWN, MAX_ORGANISATION, MAX_LOOKING_FOR = 120, 200, 2000
SEARCH_LIMIT = 200  # entries on one page: a programme's directory is a few hundred people at most


class DirectoryError(ValueError):
    """An entry that cannot be saved; the message is for the person who tried."""


@dataclass(frozen=True)
class Partner:
    """One directory entry as a visitor sees it."""

    user_id: int
    name: str
    town: str
    country: str
    organisation: str
    policy_areas: tuple[str, ...]
    languages: tuple[str, ...]
    looking_for: str


def _keys(stored: str) -> tuple[str, ...]:
    return tuple(k for k in stored.split(",") if k)


def _stored(keys: list[str]) -> str:
    return "," + ",".join(dict.fromkeys(keys)) + ("," if keys else "")


def entry_of(user_id: int) -> DirectoryEntry | None:
    return db.session.execute(
        db.select(DirectoryEntry).where(DirectoryEntry.user_id == user_id)
    ).scalar()


def defaults_for(user: User) -> dict[str, str]:
    """What the opt-in form starts from: the organisation and country of the account."""
    organisation = user.organisation
    return {
        "organisation": organisation.name if organisation else "",
        "country": (organisation.country or "") if organisation else "",
    }


def save_entry(
    user_id: int,
    *,
    town: str,
    country: str,
    organisation: str,
    policy_areas: list[str],
    languages: list[str],
    looking_for: str,
) -> DirectoryEntry:
    """Opt in, or change one's entry. Each field is checked so the form can say what is wrong."""
    town, organisation = " ".join(town.split()), " ".join(organisation.split())
    country, looking_for = country.strip().upper(), looking_for.strip()
    if not town or len(town) > MAX_TOWN:
        raise DirectoryError(_("Give your town (at most %(n)d characters).", n=MAX_TOWN))
    if len(country) != 2 or not country.isalpha() or not country.isascii():
        raise DirectoryError(
            _("Give your country as its two-letter code, such as IT, SE, ES or FI.")
        )
    if not organisation or len(organisation) > MAX_ORGANISATION:
        raise DirectoryError(
            _("Give your organisation (at most %(n)d characters).", n=MAX_ORGANISATION)
        )
    if not policy_areas or any(a not in POLICY_AREAS for a in policy_areas):
        raise DirectoryError(_("Choose at least one policy area."))
    if not languages or any(code not in SPOKEN_LANGUAGES for code in languages):
        raise DirectoryError(_("Choose at least one language you speak."))
    if len(looking_for) > MAX_LOOKING_FOR:
        raise DirectoryError(
            _("Say what you look for in at most %(n)d characters.", n=MAX_LOOKING_FOR)
        )
    entry = entry_of(user_id)
    if entry is None:
        entry = DirectoryEntry(user_id=user_id, created_at=utcnow())
        db.session.add(entry)
    entry.town, entry.country, entry.organisation = town, country, organisation
    entry.policy_areas, entry.languages = _stored(policy_areas), _stored(languages)
    entry.looking_for, entry.updated_at = looking_for, utcnow()
    db.session.flush()
    return entry


def remove_entry(user_id: int) -> bool:
    """Opt out: the entry is deleted, not hidden. True when there was one."""
    result = db.session.execute(
        db.delete(DirectoryEntry)
        .where(DirectoryEntry.user_id == user_id)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def same_programme(viewer_id: int):
    """The users who share at least one course enrolment with ``viewer_id`` (a subquery)."""
    theirs, mine = aliased(Enrolment), aliased(Enrolment)
    return (
        db.select(theirs.user_id)
        .join(mine, mine.course_id == theirs.course_id)
        .where(mine.user_id == viewer_id)
    )


def search(
    viewer_id: int, *, text: str = "", policy_area: str = "", country: str = "", language: str = ""
) -> list[Partner]:
    """The entries ``viewer_id`` may see, filtered, in one query (their own included)."""
    stmt = (
        db.select(DirectoryEntry, User.name)
        .join(User, User.id == DirectoryEntry.user_id)
        .where(
            DirectoryEntry.user_id.in_(same_programme(viewer_id)),
            User.active.is_(True),
            User.deleted_at.is_(None),
        )
        .order_by(DirectoryEntry.country, User.name, DirectoryEntry.id)
        .limit(SEARCH_LIMIT)
    )
    if policy_area:
        stmt = stmt.where(DirectoryEntry.policy_areas.contains(f",{policy_area},", autoescape=True))
    if language:
        stmt = stmt.where(DirectoryEntry.languages.contains(f",{language},", autoescape=True))
    if country:
        stmt = stmt.where(DirectoryEntry.country == country.strip().upper())
    words = text.strip().lower()
    if words:
        stmt = stmt.where(
            db.or_(
                *(
                    db.func.lower(column).contains(words, autoescape=True)
                    for column in (
                        User.name,
                        DirectoryEntry.town,
                        DirectoryEntry.organisation,
                        DirectoryEntry.looking_for,
                    )
                )
            )
        )
    return [
        Partner(
            e.user_id,
            name,
            e.town,
            e.country,
            e.organisation,
            _keys(e.policy_areas),
            _keys(e.languages),
            e.looking_for,
        )
        for e, name in db.session.execute(stmt).all()
    ]


def visible_entry(viewer_id: int, user_id: int) -> bool:
    """Whether ``viewer_id`` may see (and so invite from) ``user_id``'s entry."""
    return (
        db.session.execute(
            db.select(DirectoryEntry.id)
            .join(User, User.id == DirectoryEntry.user_id)
            .where(
                DirectoryEntry.user_id == user_id,
                User.active.is_(True),
                User.deleted_at.is_(None),
                DirectoryEntry.user_id.in_(same_programme(viewer_id)),
            )
        ).first()
        is not None
    )


def viewer_profile(viewer_id: int) -> tuple[str, set[str], set[str]]:
    """The viewer's country, policy interests and languages: from their entry, or else from
    their organisation (interests and languages then unknown)."""
    entry = entry_of(viewer_id)
    if entry is not None:
        return entry.country, set(_keys(entry.policy_areas)), set(_keys(entry.languages))
    country = db.session.execute(
        db.select(Organisation.country)
        .join(User, User.organisation_id == Organisation.id)
        .where(User.id == viewer_id)
    ).scalar()
    return country or "", set(), set()


def suggested(viewer_id: int, partners: list[Partner], limit: int = 5) -> list[Partner]:
    """People from other countries who share the viewer's interests, most shared interests first,
    then most shared languages. Without interests of their own the viewer gets no suggestions."""
    country, interests, languages = viewer_profile(viewer_id)
    if not interests:
        return []
    scored = []
    for partner in partners:
        shared = len(interests & set(partner.policy_areas))
        if partner.user_id == viewer_id or partner.country == country or not shared:
            continue
        scored.append((-shared, -len(languages & set(partner.languages)), partner.name, partner))
    return [partner for *_rank, partner in sorted(scored, key=lambda s: s[:3])][:limit]
