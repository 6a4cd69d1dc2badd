"""The proposal template (sections with guidance and word limits) and the review rubric (criteria
with levels), their defaults for a Europe for Citizens network of twinned towns, and validation of
the editable dictionary form a trainer or a course package gives."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

__all__ = [
    "Criterion",
    "Level",
    "ProposalTemplate",
    "Rubric",
    "Section",
    "count_words",
    "default_rubric",
    "default_template",
    "validate_rubric",
    "validate_template",
]

Text = str | LazyString
# Bounds a trainer's or a package's numbers must keep: finite, and small enough to mean something
# (a word limit of 10**23 or points of .inf would be accepted by a type check alone).
MAX_WORD_LIMIT = 100_000
MAX_POINTS = 1000
MAX_WEIGHT = 1000
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def count_words(text: str) -> int:
    """Words in ``text`` as a funder's form counts them: hyphenated and elided words count once."""
    return len(_WORD.findall(text))


@dataclass(frozen=True)
class Section:
    """One section of a proposal: what to write, with guidance and a word limit."""

    key: str
    title: Text
    guidance: Text
    word_limit: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": str(self.title),
            "guidance": str(self.guidance),
            "word_limit": self.word_limit,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Section:
        return cls(
            key=data["key"],
            title=data["title"],
            guidance=data.get("guidance", ""),
            word_limit=data["word_limit"],
        )

    def is_over_limit(self, text: str) -> bool:
        return count_words(text) > self.word_limit


@dataclass(frozen=True)
class ProposalTemplate:
    """The sections a proposal is written in, in order."""

    sections: tuple[Section, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"sections": [section.to_dict() for section in self.sections]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProposalTemplate:
        """Build a template from its dictionary form; ValueError lists every problem found."""
        errors = validate_template(data)
        if errors:
            raise ValueError("\n".join(errors))
        return cls(sections=tuple(Section.from_dict(item) for item in data["sections"]))

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)


@dataclass(frozen=True)
class Level:
    """One level of a rubric criterion: the points it is worth and what work at that level shows."""

    points: float
    label: Text
    descriptor: Text

    def to_dict(self) -> dict[str, Any]:
        return {"points": self.points, "label": str(self.label), "descriptor": str(self.descriptor)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Level:
        return cls(points=data["points"], label=data["label"], descriptor=data["descriptor"])


@dataclass(frozen=True)
class Criterion:
    """An award criterion: its levels from lowest to highest and its weight in the total."""

    key: str
    title: Text
    weight: float
    levels: tuple[Level, ...]

    @property
    def min_points(self) -> float:
        return min(level.points for level in self.levels)

    @property
    def max_points(self) -> float:
        return max(level.points for level in self.levels)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": str(self.title),
            "weight": self.weight,
            "levels": [level.to_dict() for level in self.levels],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Criterion:
        levels = sorted((Level.from_dict(item) for item in data["levels"]), key=lambda x: x.points)
        return cls(
            key=data["key"], title=data["title"], weight=data["weight"], levels=tuple(levels)
        )


@dataclass(frozen=True)
class Rubric:
    """The criteria a reviewer scores a proposal on."""

    criteria: tuple[Criterion, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"criteria": [criterion.to_dict() for criterion in self.criteria]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rubric:
        """Build a rubric from its dictionary form; ValueError lists every problem found."""
        errors = validate_rubric(data)
        if errors:
            raise ValueError("\n".join(errors))
        return cls(criteria=tuple(Criterion.from_dict(item) for item in data["criteria"]))

    def criterion(self, key: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.key == key:
                return criterion
        raise KeyError(key)


# --- validation ---------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    """A real, finite number: not a bool, not NaN, not ±infinity (YAML's ``.nan``, ``.inf``)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_key(value: Any, where: str, seen: set[str], errors: list[str]) -> None:
    if not isinstance(value, str) or not KEY_PATTERN.match(value):
        errors.append(
            _(
                "%(where)s: the key must start with a lowercase letter and use only lowercase "
                "letters, digits, '-' and '_' (at most 64 characters).",
                where=where,
            )
        )
    elif value in seen:
        errors.append(_("%(where)s: the key “%(key)s” is used twice.", where=where, key=value))
    else:
        seen.add(value)


def validate_template(data: Any) -> list[str]:
    """Problems with a proposal template in dictionary form, as sentences for the trainer."""
    if not isinstance(data, Mapping):
        return [_("The proposal template must be a mapping with a list of sections.")]
    sections = data.get("sections")
    if not isinstance(sections, list) or not sections:
        return [_("The proposal template needs at least one section.")]
    errors: list[str] = []
    seen: set[str] = set()
    for number, section in enumerate(sections, start=1):
        where = _("Section %(number)d", number=number)
        if not isinstance(section, Mapping):
            errors.append(_("%(where)s must be a mapping.", where=where))
            continue
        _check_key(section.get("key"), where, seen, errors)
        if not _is_text(section.get("title")):
            errors.append(_("%(where)s needs a title.", where=where))
        if not isinstance(section.get("guidance", ""), str):
            errors.append(_("%(where)s: the guidance must be text.", where=where))
        limit = section.get("word_limit")
        if (
            not isinstance(limit, int)
            or isinstance(limit, bool)
            or not 1 <= limit <= MAX_WORD_LIMIT
        ):
            errors.append(
                _(
                    "%(where)s: the word limit must be a whole number from 1 to %(most)d.",
                    where=where,
                    most=MAX_WORD_LIMIT,
                )
            )
    return errors


def validate_rubric(data: Any) -> list[str]:
    """Problems with a rubric in dictionary form, as sentences for the trainer."""
    if not isinstance(data, Mapping):
        return [_("The rubric must be a mapping with a list of criteria.")]
    criteria = data.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        return [_("The rubric needs at least one criterion.")]
    errors: list[str] = []
    seen: set[str] = set()
    for number, criterion in enumerate(criteria, start=1):
        where = _("Criterion %(number)d", number=number)
        if not isinstance(criterion, Mapping):
            errors.append(_("%(where)s must be a mapping.", where=where))
            continue
        _check_key(criterion.get("key"), where, seen, errors)
        if not _is_text(criterion.get("title")):
            errors.append(_("%(where)s needs a title.", where=where))
        weight = criterion.get("weight")
        if not _is_number(weight) or not 0 < weight <= MAX_WEIGHT:
            errors.append(
                _(
                    "%(where)s: the weight must be a number above 0 and at most %(most)d.",
                    where=where,
                    most=MAX_WEIGHT,
                )
            )
        errors.extend(_level_errors(criterion.get("levels"), where))
    return errors


def _level_errors(levels: Any, where: str) -> list[str]:
    if not isinstance(levels, list) or len(levels) < 2:
        return [_("%(where)s needs at least two levels.", where=where)]
    errors: list[str] = []
    points: list[float] = []
    for number, level in enumerate(levels, start=1):
        if not isinstance(level, Mapping):
            errors.append(
                _("%(where)s, level %(number)d must be a mapping.", where=where, number=number)
            )
            continue
        value = level.get("points")
        if not _is_number(value) or not 0 <= value <= MAX_POINTS:
            errors.append(
                _(
                    "%(where)s, level %(number)d: the points must be a number from 0 to %(most)d.",
                    where=where,
                    number=number,
                    most=MAX_POINTS,
                )
            )
        else:
            points.append(value)
        if not _is_text(level.get("label")):
            errors.append(
                _("%(where)s, level %(number)d needs a label.", where=where, number=number)
            )
        if not _is_text(level.get("descriptor")):
            errors.append(
                _("%(where)s, level %(number)d needs a descriptor.", where=where, number=number)
            )
    if len(set(points)) != len(points):
        errors.append(_("%(where)s: two levels have the same points.", where=where))
    return errors


# --- defaults -----------------------------------------------------------------------------------


def default_template() -> ProposalTemplate:
    """The sections a Europe for Citizens application for a network of twinned towns asks for."""
    return ProposalTemplate(
        sections=(
            Section(
                key="title_policy_area",
                title=_l("Title and policy area"),
                guidance=_l(
                    "Give the network a short, memorable title that says what the towns will do "
                    "together. Name the policy area it addresses (for example youth and "
                    "development, or integration and immigration from an employment "
                    "perspective) and the programme priority it answers."
                ),
                word_limit=100,
            ),
            Section(
                key="context_needs",
                title=_l("Context and needs"),
                guidance=_l(
                    "Describe the shared problem the partner towns face and why acting together "
                    "helps. Back each need with evidence: local statistics, surveys, reports or "
                    "consultations with citizens, with their sources. Show that the needs come "
                    "from all partner towns, not only from the lead town."
                ),
                word_limit=600,
            ),
            Section(
                key="objectives",
                title=_l("Objectives"),
                guidance=_l(
                    "State one general objective: the change the network contributes to. Then "
                    "list a few specific objectives that are SMART: specific, measurable, "
                    "achievable, relevant and time-bound. Each specific objective should answer "
                    "one of the needs described above."
                ),
                word_limit=400,
            ),
            Section(
                key="partners",
                title=_l("Partner towns and their roles"),
                guidance=_l(
                    "For each partner give the town, country, organisation and a contact person, "
                    "and say what it contributes: experience, staff, venues, co-funding or "
                    "access to citizens. Explain why this partnership, and not another, can "
                    "reach the objectives, and how tasks are shared fairly."
                ),
                word_limit=600,
            ),
            Section(
                key="work_plan",
                title=_l("Activities and work plan"),
                guidance=_l(
                    "List the events and activities with their place, dates, target groups and "
                    "expected number of participants from each country. Add a timeline covering "
                    "preparation, the events and the follow-up. Make clear who is responsible "
                    "for each activity."
                ),
                word_limit=900,
            ),
            Section(
                key="budget",
                title=_l("Budget summary"),
                guidance=_l(
                    "Summarise the main cost items (travel, accommodation, venues, "
                    "interpretation, communication) with their amounts. Show the grant "
                    "requested and the co-financing each partner brings. The figures should "
                    "follow from the work plan."
                ),
                word_limit=400,
            ),
            Section(
                key="impact",
                title=_l("Expected impact and multiplier effect"),
                guidance=_l(
                    "Describe what will change for citizens, the municipalities and the network "
                    "once the project ends. Explain the multiplier effect: who else will use the "
                    "results, and how the cooperation will continue beyond the funding."
                ),
                word_limit=500,
            ),
            Section(
                key="dissemination",
                title=_l("Dissemination"),
                guidance=_l(
                    "Say how the results will be shared, with whom and when: local media, "
                    "municipal websites, partner networks and events. Name the audiences "
                    "beyond the partner towns and the languages you will use."
                ),
                word_limit=400,
            ),
            Section(
                key="monitoring_evaluation",
                title=_l("Monitoring and evaluation plan"),
                guidance=_l(
                    "For each specific objective, give indicators, where the data will come "
                    "from (sources) and when it will be collected (timing). Say who collects "
                    "it and how the partners will use the findings to adjust the project."
                ),
                word_limit=500,
            ),
        )
    )


def _four_levels(poor: Text, fair: Text, good: Text, excellent: Text) -> tuple[Level, ...]:
    return (
        Level(points=0, label=_l("Insufficient"), descriptor=poor),
        Level(points=1, label=_l("Fair"), descriptor=fair),
        Level(points=2, label=_l("Good"), descriptor=good),
        Level(points=3, label=_l("Excellent"), descriptor=excellent),
    )


def default_rubric() -> Rubric:
    """A rubric built from the programme's award criteria; the weights add up to 100."""
    return Rubric(
        criteria=(
            Criterion(
                key="relevance",
                title=_l("Relevance to the programme and policy area"),
                weight=30,
                levels=_four_levels(
                    _l("The link to the programme and to the policy area is missing or unclear."),
                    _l("The topic fits the programme, but the needs are general or not shown."),
                    _l("The proposal answers programme priorities with needs backed by evidence."),
                    _l(
                        "Needs are well evidenced in every partner town and the objectives "
                        "answer them and the programme's priorities directly."
                    ),
                ),
            ),
            Criterion(
                key="design",
                title=_l("Quality of the design and work plan"),
                weight=25,
                levels=_four_levels(
                    _l("Activities do not follow from the objectives, or the plan is missing."),
                    _l("Activities are listed, but dates, roles or the budget are vague."),
                    _l("A coherent plan with a timeline, responsibilities and a matching budget."),
                    _l(
                        "Every activity serves a SMART objective; the timeline, budget and "
                        "monitoring indicators are realistic and consistent."
                    ),
                ),
            ),
            Criterion(
                key="partnership",
                title=_l("Partnership and European dimension"),
                weight=20,
                levels=_four_levels(
                    _l("The partners' roles are unclear or one town does everything."),
                    _l("Partners are named, but their contributions are uneven or unexplained."),
                    _l("Each partner has a clear role and the towns learn from each other."),
                    _l(
                        "A balanced partnership across countries whose mix of experience is "
                        "essential to the project and to European exchange."
                    ),
                ),
            ),
            Criterion(
                key="impact",
                title=_l("Impact, dissemination and sustainability"),
                weight=25,
                levels=_four_levels(
                    _l("Results and how they will be shared are not described."),
                    _l("Some results are expected, but dissemination and follow-up are vague."),
                    _l("Clear results, a dissemination plan and steps to continue after funding."),
                    _l(
                        "Measurable impact for citizens, a multiplier effect beyond the "
                        "partners and a credible plan to keep the network going."
                    ),
                ),
            ),
        )
    )
