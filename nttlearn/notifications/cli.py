"""``nttlearn notifications send-reminders`` and ``send-digest``: safe to run as often as wished."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group("notifications")
def notifications_group() -> None:
    """Deadline reminders and the daily digest of notifications."""


@notifications_group.command("send-reminders")
@with_appcontext
def send_reminders_command() -> None:
    """Remind learners of deadlines due within the lead times (NTTLEARN_REMINDER_DAYS); each
    reminder is sent once, however often this runs."""
    from .services import send_reminders

    click.echo(f"{send_reminders()} reminders sent")


@notifications_group.command("send-digest")
@with_appcontext
def send_digest_command() -> None:
    """Mail each person who chose the daily digest what has waited for it; nothing twice."""
    from .services import send_digest

    click.echo(f"{send_digest()} digests sent")
