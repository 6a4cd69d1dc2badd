"""The PDF certificate, read back as a verifier would: its text, its QR code, its metadata."""

import io
import os

import pypdf
import pytest
import zxingcpp
from certificate_samples import VERIFY_URL, certificate_data, png_image, script_keys, template

from nttlearn_certificates.pdf import (
    FONTS_DIR,
    CertificateRenderError,
    render_pdf,
    write_pdf_atomically,
)
from nttlearn_certificates.pdf_strings import PDF_STRINGS


def read_pdf(content: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(content))


def page_text(content: bytes) -> str:
    """The first page's text with whitespace collapsed (line breaks fall where fpdf2 wraps)."""
    return " ".join(read_pdf(content).pages[0].extract_text().split())


def decoded_qr_codes(content: bytes) -> list[str]:
    texts = []
    for image in read_pdf(content).pages[0].images:
        texts.extend(result.text for result in zxingcpp.read_barcodes(image.image))
    return texts


@pytest.fixture(scope="module")
def english_pdf() -> bytes:
    return render_pdf(
        certificate_data(), template(signature_images=[png_image()], logo=png_image(400, 120))
    )


def test_pdf_is_one_a4_landscape_page(english_pdf):
    page = read_pdf(english_pdf).pages[0]
    assert len(read_pdf(english_pdf).pages) == 1
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)


def test_pdf_text_reads_back_name_course_date_code_and_place_names(english_pdf):
    text = page_text(english_pdf)
    for expected in (
        "Åsa Lindqvist",
        "Twinned-town networks: Luleå, La Coruña and Jyväskylä",
        "November 30, 2010",
        "NTT-7K4Q-M2XD",
        "Città di Bologna",
        "SERN – Sweden–Emilia-Romagna Network",
        "Maria Rossi",
        "12.5 hours",
    ):
        assert expected in text


def test_pdf_lists_the_learning_outcomes_under_their_heading(english_pdf):
    text = page_text(english_pdf)
    assert "Learning outcomes • Analyse local needs with partners in Luleå and La Coruña" in text


def test_qr_code_decodes_to_the_verification_url_which_is_also_printed(english_pdf):
    assert VERIFY_URL in decoded_qr_codes(english_pdf)
    assert f"Verify at {VERIFY_URL}" in page_text(english_pdf)


def test_logo_and_signature_are_drawn_as_images(english_pdf):
    assert len(read_pdf(english_pdf).pages[0].images) == 3  # logo, signature, QR code


@pytest.mark.parametrize("locale", sorted(PDF_STRINGS))
def test_fixed_strings_are_printed_in_the_learners_language(locale):
    strings = PDF_STRINGS[locale]
    text = page_text(render_pdf(certificate_data(locale=locale), template()))
    for fixed in (
        strings.certificate,
        strings.awarded_to,
        strings.issued_on,
        strings.valid_until,
        strings.certificate_code,
        strings.verify_at,
        strings.learning_outcomes,
    ):
        assert fixed in text


def test_swedish_certificate_writes_dates_and_hours_in_swedish():
    text = page_text(render_pdf(certificate_data(locale="sv"), template()))
    assert "Utfärdat: 30 november 2010" in text
    assert "12,5 timmar" in text


def test_metadata_names_the_certificate_and_issuer_but_not_the_learner(english_pdf):
    metadata = read_pdf(english_pdf).metadata
    assert metadata.title == "Certificate – Twinned-town networks: Luleå, La Coruña and Jyväskylä"
    assert metadata.author == "SERN – Sweden–Emilia-Romagna Network"
    assert "Åsa" not in " ".join(str(value) for value in metadata.values())


def test_template_text_is_printed_literally_and_the_pdf_carries_no_script():
    content = render_pdf(
        certificate_data(learner_name="<script>alert(1)</script>"),
        template(body="**{learner_name}** <b>done</b> /JavaScript (app.alert)"),
    )
    assert "**<script>alert(1)</script>** <b>done</b> /JavaScript (app.alert)" in page_text(content)
    catalog = read_pdf(content).trailer["/Root"]
    assert "/Names" not in catalog and "/AA" not in catalog
    assert isinstance(catalog.get("/OpenAction", []), list)  # a view destination, not an action
    assert script_keys(content) == set()


def test_a_revoked_certificate_says_so_across_the_page():
    text = page_text(render_pdf(certificate_data(status="revoked", locale="es"), template()))
    assert "REVOCADO" in text


def test_outcomes_placeholder_in_the_body_replaces_the_separate_list():
    content = render_pdf(certificate_data(), template(body="You can now:\n{outcomes}"))
    text = page_text(content)
    assert "You can now: • Analyse local needs" in text
    assert "Learning outcomes" not in text


def test_a_missing_font_is_a_clear_error(tmp_path):
    with pytest.raises(CertificateRenderError, match="DejaVuSans.ttf is missing"):
        render_pdf(certificate_data(), template(), fonts_dir=tmp_path)


def test_an_unreadable_logo_is_a_clear_error():
    with pytest.raises(CertificateRenderError, match="logo"):
        render_pdf(certificate_data(), template(logo=b"not an image"))


def test_a_bad_colour_or_placeholder_is_a_clear_error():
    with pytest.raises(CertificateRenderError, match="colour"):
        render_pdf(certificate_data(), template(accent_colour="gold"))
    with pytest.raises(CertificateRenderError, match="{birthday}"):
        render_pdf(certificate_data(), template(body="{birthday}"))


def test_text_too_long_for_the_page_is_a_clear_error():
    data = certificate_data(outcomes=[f"Outcome {n} " + "word " * 40 for n in range(40)])
    with pytest.raises(CertificateRenderError, match="do not fit"):
        render_pdf(data, template())


def test_write_pdf_atomically_writes_the_complete_pdf(tmp_path):
    target = write_pdf_atomically(tmp_path / "NTT-7K4Q-M2XD.pdf", certificate_data(), template())
    assert "Åsa Lindqvist" in page_text(target.read_bytes())
    assert [path.name for path in tmp_path.iterdir()] == ["NTT-7K4Q-M2XD.pdf"]


def test_a_failed_render_leaves_the_previous_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "NTT-7K4Q-M2XD.pdf"
    target.write_bytes(b"previous")
    with pytest.raises(CertificateRenderError):
        write_pdf_atomically(target, certificate_data(), template(), fonts_dir=tmp_path / "none")
    assert target.read_bytes() == b"previous"
    assert os.listdir(tmp_path) == ["NTT-7K4Q-M2XD.pdf"]


def test_shipped_fonts_cover_the_partners_letters():
    from fontTools.ttLib import TTFont

    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif-Bold.ttf"):
        cmap = TTFont(FONTS_DIR / name).getBestCmap()
        assert all(ord(letter) in cmap for letter in "ÅåÄäÖöÑñàèéìòùÇçŠšŽžŁłŐőĞğİıȘșȚțẞ€–“”")
    assert (FONTS_DIR / "LICENSE").is_file()
