"""The /design page: every token and component of the design system, with its class names, for the
people who write templates (the core's and plugins'). Administrators only: it is a tool, not content."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..auth.permissions import require_admin
from .tokens import colour_tokens, measured_pairs, scale_tokens

bp = Blueprint("design", __name__, template_folder="templates")


@bp.route("/design")
@require_admin
def index():
    tokens = colour_tokens()
    return render_template(
        "design/index.html",
        light=tokens["light"],
        dark=tokens["dark"],
        pairs=measured_pairs(),
        scales=scale_tokens(),
    )
