"""xAPI learning records: statements about what learners do, sent to a Learning Record Store
(``NTTLEARN_XAPI_ENDPOINT``) by background jobs. Off until that endpoint is set. Only hook
implementations live here: this file is the plugin's table of contents."""

from __future__ import annotations

from pathlib import Path

from nttlearn.api import Event, Setting, hookimpl

from . import delivery, settings

HERE = Path(__file__).resolve().parent


@hookimpl
def nttlearn_on_event(event: Event) -> None:
    """Queue a statement for the events that make one (lesson and course completed, quiz
    graded, proposal and assignment submitted, review given, assignment graded, certificate
    earned, meeting attended); the job runs after the transaction commits."""
    if event.id is not None:  # stored in the event log before the hook runs: always set
        delivery.queue_event(event.id, event.name)


@hookimpl
def nttlearn_settings() -> list[Setting]:
    return settings.SETTINGS


@hookimpl
def nttlearn_translation_dirs() -> list[str]:
    return [str(HERE / "translations")]
