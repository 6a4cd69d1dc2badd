"""The certificates' events, declared for ``nttlearn_event_types``."""

from __future__ import annotations

from typing import Annotated, TypedDict

from nttlearn.api import EventType


class CertificateEvent(TypedDict):
    code: Annotated[str, "the certificate's code (as on its verification page)"]


EVENT_TYPES = [
    EventType(
        "certificates.issued",
        CertificateEvent,
        "a learner received a certificate (automatically, or issued or reissued by a trainer)",
    ),
    EventType("certificates.revoked", CertificateEvent, "a trainer revoked a certificate"),
]
