"""Report panels: what ``nttlearn_report_panels`` returns."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup


@dataclass(frozen=True)
class ReportPanel:
    """A titled block on a report page. ``body`` must be safe HTML (render it from a template);
    ``csv_url`` offers the same figures as a download."""

    title: str
    body: Markup
    csv_url: str | None = None
    plugin: str = ""
