"""The organiser's forms (meeting, agenda item, registering someone, a document) and the
learner's (their time zone). Times are typed on the meeting's own clock."""

from __future__ import annotations

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, Email, Length, NumberRange, Optional

from nttlearn.api import LANGUAGE_NAMES, localized

from .timezones import zone_names

KIND_LABELS = {
    "seminar": _l("National training seminar"),
    "partnering": _l("Transnational partnering meeting"),
}
FORMAT_LABELS = {
    "in_person": _l("In person"),
    "online": _l("Online"),
    "hybrid": _l("Hybrid (in person and online)"),
}
STATUS_LABELS = {
    "draft": _l("Draft (only organisers see it)"),
    "published": _l("Published"),
    "cancelled": _l("Cancelled"),
}
POLICY_AREAS = {
    "youth": _l("Youth and development"),
    "social-enterprise": _l("Social-sector enterprises"),
    "renewable-energy": _l("Renewable energy sources"),
    "family-gender": _l("Family support from a gender-equality perspective"),
    "integration-employment": _l("Integration and immigration from an employment perspective"),
}
AGENDA_LABELS = {
    "session": _l("Session"),
    "working_session": _l("Working session of a proposal team"),
    "break": _l("Break"),
}
DOCUMENT_LABELS = {
    "minutes": _l("Minutes"),
    "document": _l("Document"),
    "team_output": _l("What a proposal team produced"),
}
TIME_FORMAT = "%Y-%m-%dT%H:%M"


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(key, label) for key, label in labels.items()]


def country_choices() -> list[SelectChoice]:
    territories = Locale.parse(str(get_locale() or "en")).territories
    countries = [
        SelectChoice(code, name)
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha()
    ]
    return [
        SelectChoice("", _l("Choose a country")),
        *sorted(countries, key=lambda choice: choice.label),
    ]


def zone_choices() -> list[SelectChoice]:
    return [SelectChoice(name, name.replace("_", " ")) for name in zone_names()]


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(
        _l("Kind of meeting"), choices=_choices(KIND_LABELS), validators=[DataRequired()]
    )
    format = SelectField(_l("Format"), choices=_choices(FORMAT_LABELS), validators=[DataRequired()])
    status = SelectField(
        _l("Visibility"),
        choices=_choices({k: v for k, v in STATUS_LABELS.items() if k != "cancelled"}),
        default="published",
    )
    host_organisation = StringField(
        _l("Host organisation"), validators=[Optional(), Length(max=200)]
    )
    town = StringField(_l("Town"), validators=[DataRequired(), Length(max=120)])
    country = SelectField(_l("Country"), validators=[DataRequired()])
    venue = StringField(_l("Venue (building, address)"), validators=[Optional(), Length(max=300)])
    online_url = StringField(
        _l("Link to join online"),
        validators=[Optional(), URL(), Length(max=500)],
        description=_l("Needed for an online or hybrid meeting."),
    )
    time_zone = SelectField(
        _l("Time zone of the meeting"),
        validators=[DataRequired()],
        default="Europe/Rome",
        description=_l("Start, end and agenda times are on this clock."),
    )
    starts_at = DateTimeLocalField(_l("Starts"), format=TIME_FORMAT, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format=TIME_FORMAT, validators=[DataRequired()])
    registration_deadline = DateTimeLocalField(
        _l("Registration deadline"),
        format=TIME_FORMAT,
        validators=[Optional()],
        description=_l("Leave empty to accept registrations until the end."),
    )
    capacity = IntegerField(
        _l("Capacity (seats)"),
        validators=[Optional(), NumberRange(min=1)],
        description=_l("Leave empty for no limit. When it is full, people join a waiting list."),
    )
    languages = SelectMultipleField(_l("Languages spoken"), choices=_choices(LANGUAGE_NAMES))
    policy_areas = SelectMultipleField(_l("Policy areas"), choices=_choices(POLICY_AREAS))
    course_ids = SelectMultipleField(_l("Linked courses"), coerce=int, choices=[])
    cohort_ids = SelectMultipleField(
        _l("Seminar of the cohorts"),
        coerce=int,
        choices=[],
        description=_l(
            "Cohorts (runs) of the linked courses that you are a trainer of. Their members are asked "
            "to register and see the meeting on their calendar."
        ),
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Who should come, what to prepare. Markdown is allowed."),
    )
    submit = SubmitField(_l("Save the meeting"))

    def __init__(self, *args, courses=(), cohorts=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()
        self.time_zone.choices = zone_choices()
        self.course_ids.choices = [SelectChoice(course.id, localized(course)) for course in courses]
        self.cohort_ids.choices = [
            SelectChoice(cohort.id, f"{localized(course)}: {cohort.name}")
            for cohort, course in cohorts
        ]


class AgendaItemForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=_choices(AGENDA_LABELS), default="session")
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    starts_at = DateTimeLocalField(_l("Starts"), format=TIME_FORMAT, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format=TIME_FORMAT, validators=[DataRequired()])
    room = StringField(_l("Room"), validators=[Optional(), Length(max=120)])
    speakers = StringField(_l("Speakers"), validators=[Optional(), Length(max=300)])
    team_name = StringField(
        _l("Proposal team"),
        validators=[Optional(), Length(max=200)],
        description=_l("For a working session: the team that works in this slot."),
    )
    proposal_url = StringField(
        _l("Link to the team's proposal"),
        validators=[Optional(), URL(), Length(max=500)],
        description=_l("Copy the address of the proposal's page."),
    )
    submit = SubmitField(_l("Add to the agenda"))


class RegisterPersonForm(FlaskForm):
    email = EmailField(
        _l("E-mail address of the person"), validators=[DataRequired(), Email(), Length(max=254)]
    )
    submit = SubmitField(_l("Register this person"))


class DocumentForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=_choices(DOCUMENT_LABELS), default="document")
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    file = FileField(_l("File: a PDF, an office document or an image"), validators=[FileRequired()])
    team_name = StringField(_l("Proposal team"), validators=[Optional(), Length(max=200)])
    proposal_url = StringField(
        _l("Link to the team's proposal"), validators=[Optional(), URL(), Length(max=500)]
    )
    submit = SubmitField(_l("Attach"))


class CoOrganiserForm(FlaskForm):
    email = EmailField(
        _l("E-mail address of the trainer"), validators=[DataRequired(), Email(), Length(max=254)]
    )
    submit = SubmitField(_l("Add as co-organiser"))


class CancelMeetingForm(FlaskForm):
    reason = TextAreaField(
        _l("A note for the people registered (optional)"), validators=[Optional(), Length(max=1000)]
    )
    submit = SubmitField(_l("Cancel the meeting and tell everyone registered"))
