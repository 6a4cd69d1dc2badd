"""Report panels: what ``nttlearn_report_panels`` returns."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from markupsafe import Markup


@dataclass(frozen=True)
class ReportPanel:
    """A titled block on a report page. ``body`` must be safe HTML (render it from a template);
    ``csv_url`` offers the same figures as a download."""

    title: str
    body: Markup
    csv_url: str | None = None
    plugin: str = ""


def report_panels(course: Any | None) -> list[ReportPanel]:
    """The panels the enabled plugins offer for ``course`` (None: the programme), in plugin
    order, each tagged with its plugin's name. A plugin that raises is logged and skipped.

    For any page that shows panels: the core's progress page and plugins' report pages alike.
    """
    from ..plugins import host

    return [
        replace(panel, plugin=plugin)
        for plugin, result in host().call_each("nttlearn_report_panels", course=course)
        for panel in result or []
        if isinstance(panel, ReportPanel)
    ]
