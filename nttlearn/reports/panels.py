"""Report panels: what ``nttlearn_report_panels`` returns."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..hooktypes import ReportPanel
from ..plugins import host

__all__ = ["ReportPanel", "report_panels"]


def report_panels(course: Any | None) -> list[ReportPanel]:
    """The panels the enabled plugins offer for ``course`` (None: the programme), in plugin
    order, each tagged with its plugin's name. A plugin that raises is logged and skipped.

    For any page that shows panels: the core's progress page and plugins' report pages alike.
    """
    return [
        replace(panel, plugin=plugin)
        for plugin, result in host().call_each("nttlearn_report_panels", course=course)
        for panel in result or []
        if isinstance(panel, ReportPanel)
    ]
