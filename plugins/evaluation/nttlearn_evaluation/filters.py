"""Report filters: a period of whole UTC days, and who to count (organisation, country, cohort).

A period ``from 2010-01-01 to 2010-11-30`` includes both days entirely: in SQL it is the
half-open interval ``[2010-01-01 00:00, 2010-12-01 00:00)`` UTC, so nothing falls between days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from sqlalchemy.sql.expression import ColumnElement
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from nttlearn.api import format_date, parse_int


@dataclass(frozen=True)
class Period:
    start: date | None = None  # first day included
    end: date | None = None  # last day included

    @property
    def lower(self) -> datetime | None:
        return datetime.combine(self.start, time(), UTC) if self.start else None

    @property
    def upper(self) -> datetime | None:
        """The first instant *after* the period."""
        return datetime.combine(self.end + timedelta(days=1), time(), UTC) if self.end else None

    def conditions(self, column: Any) -> list[ColumnElement[bool]]:
        result = []
        if self.lower is not None:
            result.append(column >= self.lower)
        if self.upper is not None:
            result.append(column < self.upper)
        return result

    def as_dict(self) -> dict[str, str | None]:
        return {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }

    def sentence(self) -> str:
        """The period in words, its days written the reader's way ("From 1 March 2026 to …")."""
        start, end = format_date(self.start, "long"), format_date(self.end, "long")
        if self.start and self.end:
            return _("From %(start)s to %(end)s (both days included)", start=start, end=end)
        if self.start:
            return _("From %(start)s", start=start)
        if self.end:
            return _("Until %(end)s (included)", end=end)
        return _("Since the beginning of the programme")

    @property
    def bounded(self) -> bool:
        return self.start is not None or self.end is not None


@dataclass(frozen=True)
class LearnerFilters:
    """Who a report counts: enrolments made in ``period`` by learners of an organisation,
    a country (of their organisation) or a cohort. Empty fields do not filter."""

    period: Period = field(default_factory=Period)
    organisation_id: int | None = None
    country: str | None = None
    cohort: str | None = None

    def query_args(self) -> dict[str, str]:
        """The filters as URL arguments, for CSV links that export what the page shows."""
        args = {
            "from": self.period.as_dict()["from"],
            "to": self.period.as_dict()["to"],
            "organisation": str(self.organisation_id) if self.organisation_id else None,
            "country": self.country,
            "cohort": self.cohort,
        }
        return {k: v for k, v in args.items() if v}


class FilterForm(FlaskForm):
    """The filter bar of the report pages (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    start = DateField(
        lazy_pgettext("start of a date range", "From"), validators=[Optional()], name="from"
    )
    end = DateField(lazy_pgettext("end of a date range", "To"), validators=[Optional()], name="to")
    organisation = SelectField(_l("Organisation"), choices=[], validate_choice=False, default="")
    country = SelectField(_l("Country"), choices=[], validate_choice=False, default="")
    cohort = SelectField(_l("Cohort"), choices=[], validate_choice=False, default="")

    def validate_end(self, field: DateField) -> None:
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end date is before the start date."))

    def filters(self) -> LearnerFilters:
        """The valid filters; a value that does not parse is ignored (the form shows why)."""
        self.validate()
        start = self.start.data if not self.start.errors else None
        end = self.end.data if not self.end.errors else None
        organisation = self.organisation.data or ""
        country = (self.country.data or "").upper()
        return LearnerFilters(
            period=Period(start, end),
            organisation_id=parse_int(organisation, min=1),
            country=country if len(country) == 2 and country.isalpha() else None,
            cohort=self.cohort.data or None,
        )


def parse_day(value: str | None) -> date | None:
    """A ``YYYY-MM-DD`` day, or None for empty; ValueError for anything else."""
    if not value:
        return None
    return date.fromisoformat(value)
