"""Sending statements: one background job per event, never in the request that caused it.

A job that cannot deliver (the LRS down, refusing the credentials, answering an error) raises, so
the job system tries it again later and, after its last try, keeps it on the dead-letter list
(``nttlearn jobs list``, ``nttlearn jobs retry``)."""

from __future__ import annotations

import logging

import requests

from nttlearn.api import EventRecord, db, enqueue

from . import settings, statements

log = logging.getLogger(__name__)
RETRIES = 5


class DeliveryFailed(Exception):
    """The LRS did not store the statement; the job is tried again."""


def queue_event(event_id: int, name: str) -> None:
    """Queue the delivery of an event's statement when xAPI is configured and the event makes one."""
    if name in statements.EVENTS and settings.endpoint():
        enqueue(deliver_event, event_id, key=f"xapi:{event_id}", retries=RETRIES)


def deliver_event(event_id: int) -> None:
    """The job: build the event's statement and PUT it to the LRS under its own id."""
    if not settings.endpoint():
        return
    record = db.session.get(EventRecord, event_id)
    statement = statements.build(record) if record is not None else None
    if statement is not None:
        send(statement)


def send(statement: dict) -> None:
    """PUT one statement under its id: the LRS stores it once, however often it is sent (204 the
    first time and for the same statement again; 409 when it holds a different one under that id,
    which a retry cannot change, so it is logged and not retried)."""
    url = f"{settings.endpoint()}/statements"
    try:
        response = requests.put(
            url,
            params={"statementId": statement["id"]},
            json=statement,
            auth=settings.credentials(),
            headers={"X-Experience-API-Version": statements.XAPI_VERSION},
            timeout=settings.timeout(),
        )
    except requests.RequestException as exc:
        raise DeliveryFailed(f"LRS {url} not reachable: {exc}") from exc
    if response.status_code == 409:
        log.warning(
            "LRS %s holds another statement with id %s; not sent again", url, statement["id"]
        )
        return
    if response.status_code not in (200, 204):
        raise DeliveryFailed(f"LRS {url} answered {response.status_code}: {response.text[:500]}")
