"""Sample certificates, templates and credentials shared by the certificates plugin's tests."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pypdf
from PIL import Image, ImageDraw
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from nttlearn_certificates.badges import AchievementDefinition, IssuerProfile, build_credential
from nttlearn_certificates.document import CertificateData, CertificateTemplate
from nttlearn_certificates.status_lists import status_entry

SITE = "https://learn.example.org"
VERIFY_URL = f"{SITE}/verify/NTT-7K4Q-M2XD"
KEYS_PREFIX = f"{SITE}/certificates/keys/"
ISSUER_ID = f"{SITE}/certificates/issuer"
STATUS_LIST_URL = f"{SITE}/certificates/status/1"


def certificate_data(**changes) -> CertificateData:
    """A certificate for Åsa Lindqvist whose text exercises the partners' place names."""
    values = dict(
        code="NTT-7K4Q-M2XD",
        learner_name="Åsa Lindqvist",
        course_title="Twinned-town networks: Luleå, La Coruña and Jyväskylä",
        issued_on=date(2010, 11, 30),
        valid_until=date(2012, 11, 30),
        hours=12.5,
        outcomes=[
            "Analyse local needs with partners in Luleå and La Coruña",
            "Draft a thematic network proposal with the Città di Bologna",
        ],
        issuer_name="SERN – Sweden–Emilia-Romagna Network",
        issuer_url=SITE,
        signatories=[
            ("Maria Rossi", "Coordinator, Città di Bologna"),
            ("Juha Virtanen", "Jyväskylä"),
        ],
        verify_url=VERIFY_URL,
        locale="en",
    )
    values.update(changes)
    return CertificateData(**values)


def png_image(width: int = 300, height: int = 100, colour=(31, 58, 95, 255)) -> bytes:
    """A small PNG with a drawing on a transparent background."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(image).line(
        [(5, height - 10), (width // 2, 10), (width - 5, height - 20)], fill=colour, width=5
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def template(**changes) -> CertificateTemplate:
    return CertificateTemplate(**changes)


def unsigned_credential(**changes) -> dict:
    """An OpenBadgeCredential for Åsa Lindqvist, valid from 30 November 2010 for two years."""
    values = dict(
        credential_id=f"{SITE}/certificates/NTT-7K4Q-M2XD/credential",
        issuer=IssuerProfile(id=ISSUER_ID, name="SERN – Sweden–Emilia-Romagna Network", url=SITE),
        achievement=AchievementDefinition(
            id=f"{SITE}/courses/twinned-town-networks/achievement",
            name="Twinned-town networks",
            description="Designing networks of twinned towns, from needs analysis to a proposal.",
            criteria_narrative="Complete every module of the course (12.5 hours).",
            image_url=f"{SITE}/certificates/badge/twinned-town-networks.png",
            outcomes=["Analyse local needs with partners in Luleå", "Draft a network proposal"],
        ),
        recipient_email="asa.lindqvist@lulea.example.se",
        valid_from=datetime(2010, 11, 30, tzinfo=UTC),
        valid_until=datetime(2012, 11, 30, tzinfo=UTC),
        status=status_entry(STATUS_LIST_URL, 94_567),
        salt="4f1c2e",
    )
    values.update(changes)
    return build_credential(**values)


def script_keys(content: bytes) -> set[str]:
    """Every way a PDF can run code, found by walking its objects (not by grepping the bytes,
    whose compressed streams may hold any sequence of letters)."""
    found, seen = set(), set()

    def walk(item) -> None:
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                return
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            for key, value in item.items():
                if key in ("/JS", "/JavaScript", "/AA", "/Launch", "/SubmitForm"):
                    found.add(key)
                if key == "/S" and value in (NameObject("/JavaScript"), NameObject("/Launch")):
                    found.add(str(value))
                walk(value)
        elif isinstance(item, ArrayObject):
            for value in item:
                walk(value)

    walk(pypdf.PdfReader(io.BytesIO(content)).trailer["/Root"])
    return found
