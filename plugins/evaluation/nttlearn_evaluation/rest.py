"""``/api/v1/evaluation/impact``: the NTT+ impact figures for a period, as ``nttlearn report
impact --json`` gives them (when the site's REST API is on). Coordinators and administrators."""

from __future__ import annotations

import marshmallow as ma
from flask import jsonify

from nttlearn.api import ApiBlueprint, api_abort, api_scope, api_user

from .filters import Period
from .impact import impact_report

api = ApiBlueprint(
    "evaluation_api",
    __name__,
    url_prefix="/api/v1/evaluation",
    description="Evaluation: the programme's impact figures",
)


class PeriodQuerySchema(ma.Schema):
    start = ma.fields.Date(
        data_key="from", metadata={"description": "First day counted (YYYY-MM-DD)"}
    )
    end = ma.fields.Date(data_key="to", metadata={"description": "Last day counted (YYYY-MM-DD)"})

    @ma.validates_schema
    def _in_order(self, data, **_kwargs):
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ma.ValidationError("'to' is before 'from'.", "to")


class ImpactSchema(ma.Schema):
    """The keys are those of ``nttlearn report impact --json`` (docs/evaluation.md); figures
    added in later versions appear beside them."""

    class Meta:
        unknown = ma.INCLUDE  # documented as open: a later version's new figures are not an error

    period = ma.fields.Dict(required=True)
    participants = ma.fields.Integer(required=True)
    organisations = ma.fields.Integer(required=True)
    countries = ma.fields.Integer(required=True)
    completions = ma.fields.Integer(required=True)
    certificates_issued = ma.fields.Integer(required=True)
    participants_completed = ma.fields.Integer(required=True)
    proposals_submitted = ma.fields.Integer(required=True)
    proposals_transnational = ma.fields.Integer(required=True)
    proposals_by_policy_area = ma.fields.Dict(required=True)
    meetings = ma.fields.Dict(required=True)
    by_country = ma.fields.List(ma.fields.Dict(), required=True)
    by_course = ma.fields.List(ma.fields.Dict(), required=True)
    summary = ma.fields.String(required=True)


@api.route("/impact")
@api_scope("read")
@api.arguments(PeriodQuerySchema, location="query")
@api.response(200, ImpactSchema)
def impact(args):
    """Participants, organisations, countries, completions, certificates, proposals and meetings
    in the period (every day when neither end is given)."""
    user = api_user()
    if not user.is_coordinator:
        api_abort(403, message="The impact report is for coordinators and administrators.")
    return jsonify(impact_report(Period(args.get("start"), args.get("end"))).as_json())
