"""The fixed words printed on a certificate, in each of the platform's five languages.

A certificate is printed in the learner's language whatever language the web request that
triggers it happens to use (a trainer in Bologna issuing to an official in Luleå), so these
strings are looked up by the certificate's own locale instead of through Flask-Babel.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_LOCALE = "en"


@dataclass(frozen=True)
class PdfStrings:
    """Every fixed string a certificate PDF prints, in one language."""

    certificate: str
    awarded_to: str
    issued_on: str
    valid_until: str
    verify_at: str
    certificate_code: str
    learning_outcomes: str
    hours_unit: str
    issued_by: str
    revoked: str
    preview: str
    default_body: str


PDF_STRINGS: dict[str, PdfStrings] = {
    "en": PdfStrings(
        certificate="Certificate",
        awarded_to="Awarded to",
        issued_on="Issued on",
        valid_until="Valid until",
        verify_at="Verify at",
        certificate_code="Certificate code",
        learning_outcomes="Learning outcomes",
        hours_unit="hours",
        issued_by="Issued by",
        revoked="REVOKED",
        preview="PREVIEW",
        default_body=(
            "has successfully completed the course {course_title} "
            "({hours} hours) offered by {issuer}."
        ),
    ),
    "it": PdfStrings(
        certificate="Attestato",
        awarded_to="Conferito a",
        issued_on="Rilasciato il",
        valid_until="Valido fino al",
        verify_at="Verifica su",
        certificate_code="Codice dell'attestato",
        learning_outcomes="Risultati di apprendimento",
        hours_unit="ore",
        issued_by="Rilasciato da",
        revoked="REVOCATO",
        preview="ANTEPRIMA",
        default_body=(
            "ha completato con successo il corso {course_title} ({hours} ore) offerto da {issuer}."
        ),
    ),
    "sv": PdfStrings(
        certificate="Intyg",
        awarded_to="Utfärdat till",
        issued_on="Utfärdat",
        valid_until="Giltigt till",
        verify_at="Kontrollera på",
        certificate_code="Intygets kod",
        learning_outcomes="Lärandemål",
        hours_unit="timmar",
        issued_by="Utfärdat av",
        revoked="ÅTERKALLAT",
        preview="FÖRHANDSVISNING",
        default_body=(
            "har med godkänt resultat genomgått kursen {course_title} "
            "({hours} timmar), anordnad av {issuer}."
        ),
    ),
    "es": PdfStrings(
        certificate="Certificado",
        awarded_to="Otorgado a",
        issued_on="Expedido el",
        valid_until="Válido hasta",
        verify_at="Verificar en",
        certificate_code="Código del certificado",
        learning_outcomes="Resultados de aprendizaje",
        hours_unit="horas",
        issued_by="Expedido por",
        revoked="REVOCADO",
        preview="VISTA PREVIA",
        default_body=(
            "ha completado con éxito el curso {course_title} "
            "({hours} horas) impartido por {issuer}."
        ),
    ),
    "fi": PdfStrings(
        certificate="Todistus",
        awarded_to="Myönnetty",
        issued_on="Myöntämispäivä",
        valid_until="Voimassa saakka",
        verify_at="Tarkista osoitteessa",
        certificate_code="Todistuksen tunnus",
        learning_outcomes="Osaamistavoitteet",
        hours_unit="tuntia",
        issued_by="Myöntäjä",
        revoked="PERUUTETTU",
        preview="ESIKATSELU",
        default_body=(
            "on suorittanut hyväksytysti kurssin {course_title} "
            "({hours} tuntia), järjestäjä {issuer}."
        ),
    ),
}

SUPPORTED_LOCALES = tuple(PDF_STRINGS)


def language_of(locale: str | None) -> str:
    """Return the supported language for a locale such as ``sv_SE`` or ``fi-FI`` (else English)."""
    language = (locale or "").replace("-", "_").split("_", 1)[0].lower()
    return language if language in PDF_STRINGS else DEFAULT_LOCALE


def pdf_strings(locale: str | None) -> PdfStrings:
    """Return the fixed certificate strings for `locale`, falling back to English."""
    return PDF_STRINGS[language_of(locale)]
