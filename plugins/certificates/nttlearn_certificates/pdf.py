"""The printable certificate: an A4 landscape PDF drawn with fpdf2.

Everything a verifier needs is on the page: the learner's name, the course, dates, the code,
the signatories, and a QR code plus the printed URL of the public verification page. The fonts
(DejaVu, full Latin coverage) ship inside this package, so a fresh machine prints Luleå, La Coruña
and Jyväskylä correctly. User text is only ever written as plain text cells (never as markup),
so a template cannot inject anything into the PDF.
"""

from __future__ import annotations

import copy
import io
import os
import re
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import cast

import segno
from babel.dates import format_date
from flask_babel import gettext as _
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont
from PIL import Image, UnidentifiedImageError

from nttlearn_certificates.document import (
    STATUS_PREVIEW,
    STATUS_REVOKED,
    CertificateData,
    CertificateTemplate,
    TemplateError,
    format_hours,
    parse_colour,
    render_body,
    render_title,
)
from nttlearn_certificates.pdf_strings import PdfStrings, language_of, pdf_strings

FONTS_DIR = Path(__file__).parent / "fonts"
FONT_FILES = {
    ("DejaVuSans", ""): "DejaVuSans.ttf",
    ("DejaVuSans", "B"): "DejaVuSans-Bold.ttf",
    ("DejaVuSerif", "B"): "DejaVuSerif-Bold.ttf",
}
SANS = "DejaVuSans"
SERIF = "DejaVuSerif"

IMAGE_FORMATS = frozenset({"PNG", "JPEG", "GIF", "WEBP"})
MAX_IMAGE_PIXELS = 25_000_000
MAX_SIGNATORIES = 3

# Page geometry in millimetres (A4 landscape).
PAGE_W, PAGE_H = 297.0, 210.0
MARGIN = 22.0
FOOTER_TOP = 146.0
TEXT_BOTTOM = 141.0
QR_SIZE = 32.0

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class CertificateRenderError(Exception):
    """The certificate cannot be drawn (missing font, unreadable image, text that cannot fit)."""


@dataclass(frozen=True)
class _Palette:
    primary: tuple[int, int, int]
    accent: tuple[int, int, int]
    text: tuple[int, int, int]
    muted: tuple[int, int, int] = (95, 95, 95)


def render_pdf(
    data: CertificateData,
    template: CertificateTemplate,
    *,
    fonts_dir: Path | None = None,
) -> bytes:
    """Return the certificate as PDF bytes, in the learner's language (`data.locale`).

    Raises `CertificateRenderError` for a missing font, an unreadable image, a template that
    cannot be used, or text too long to fit on the page.
    """
    try:
        palette = _Palette(
            primary=parse_colour(template.primary_colour),
            accent=parse_colour(template.accent_colour),
            text=parse_colour(template.text_colour),
        )
        body = _clean(render_body(template, data), keep_newlines=True)
    except TemplateError as error:
        raise CertificateRenderError(str(error)) from error
    title = _clean(render_title(template, data))
    strings = pdf_strings(data.locale)
    language = language_of(data.locale)
    logo = _load_image(template.logo, _("logo")) if template.logo else None
    signatures = [
        _load_image(image, _("signature")) if image else None
        for image in template.signature_images[:MAX_SIGNATORIES]
    ]

    pdf = _new_document(fonts_dir or FONTS_DIR)
    pdf.set_title(f"{title} – {_clean(data.course_title)}")
    pdf.set_author(_clean(data.issuer_name))
    pdf.set_subject(f"{strings.certificate_code}: {data.code}")
    pdf.set_creator("nttlearn certificates")
    pdf.set_lang(language)
    pdf.set_creation_date(datetime.combine(data.issued_on, time(), tzinfo=UTC))
    pdf.add_page()

    _draw_frame(pdf, palette)
    top = 18.0
    if logo is not None:
        pdf.image(
            logo,
            x=(PAGE_W - 60) / 2,
            y=top,
            w=60,
            h=20,
            keep_aspect_ratio=True,
            alt_text=_clean(data.issuer_name),
        )
        top += 23
    else:
        top += 8
    y = _draw_heading(pdf, palette, title, _clean(data.learner_name), strings.awarded_to, top)
    outcomes = [] if "{outcomes}" in template.body else [_clean(o) for o in data.outcomes]
    _draw_body(pdf, palette, body, strings.learning_outcomes, outcomes, y)
    _draw_details(pdf, palette, data, strings, language)
    _draw_signatories(pdf, palette, data.signatories[:MAX_SIGNATORIES], signatures)
    _draw_verification(pdf, palette, data.verify_url, strings.verify_at)
    if data.status in (STATUS_REVOKED, STATUS_PREVIEW):
        label = strings.revoked if data.status == STATUS_REVOKED else strings.preview
        _draw_stamp(pdf, label, revoked=data.status == STATUS_REVOKED)
    return bytes(pdf.output())


def write_pdf_atomically(
    path: str | os.PathLike[str],
    data: CertificateData,
    template: CertificateTemplate,
    *,
    fonts_dir: Path | None = None,
) -> Path:
    """Render the certificate and write it to `path` through a temporary file and a rename.

    The PDF is rendered before anything is written, and the rename is atomic, so `path` is
    either the complete new PDF or left untouched (never a half-written file).
    """
    target = Path(path)
    content = render_pdf(data, template, fonts_dir=fonts_dir)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def qr_png(url: str, *, scale: int = 10) -> bytes:
    """Return a PNG QR code (error correction M, quiet zone of four modules) encoding `url`."""
    buffer = io.BytesIO()
    qr_image(url, scale=scale).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def qr_image(url: str, *, scale: int = 8, border: int = 4) -> Image.Image:
    """Return the QR code as a greyscale image, drawn from segno's module matrix with Pillow.

    segno's own PNG writer is pure Python and took a tenth of a certificate's time.
    """
    matrix = segno.make(url, error="m", micro=False).matrix
    modules = len(matrix)
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    side = modules + 2 * border
    image = Image.new("L", (side, side), 255)
    image.paste(Image.frombytes("L", (modules, modules), pixels), (border, border))
    return image.resize((side * scale, side * scale), Image.Resampling.NEAREST)


def _new_document(fonts_dir: Path) -> FPDF:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    for fontkey, parsed in _parsed_fonts(fonts_dir).items():
        pdf.fonts[fontkey] = _fresh_face(parsed)
    return pdf


@dataclass(frozen=True)
class _FontFile:
    path: Path
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class _ParsedFont:
    face: TTFFont
    content: bytes
    glyph_order: tuple[str, ...]


_FONT_CACHE: dict[tuple[_FontFile, ...], dict[str, _ParsedFont]] = {}
_FONT_CACHE_LOCK = threading.Lock()


def _parsed_fonts(fonts_dir: Path) -> dict[str, _ParsedFont]:
    """Return each font parsed once per process (fpdf2 takes ~20 ms a font to parse one).

    The cache is keyed by the files' paths, sizes and modification times, so a font that
    disappears or is replaced is noticed on the next certificate.
    """
    files = []
    for filename in FONT_FILES.values():
        font_path = fonts_dir / filename
        try:
            info = font_path.stat()
        except OSError:
            info = None
        if info is None or not font_path.is_file():
            raise CertificateRenderError(
                _(
                    "The certificate font %(path)s is missing; reinstall the certificates plugin.",
                    path=str(font_path),
                )
            )
        files.append(_FontFile(font_path, info.st_size, info.st_mtime_ns))
    key = tuple(files)
    with _FONT_CACHE_LOCK:
        cached = _FONT_CACHE.get(key)
    if cached is not None:
        return cached
    parser = FPDF()
    parsed: dict[str, _ParsedFont] = {}
    for (family, style), font_file in zip(FONT_FILES, files, strict=True):
        try:
            content = font_file.path.read_bytes()
            parser.add_font(family, style, str(font_file.path))
        except Exception as error:  # fontTools raises many types for a damaged file
            raise CertificateRenderError(
                _(
                    "The certificate font %(path)s cannot be read: %(error)s",
                    path=str(font_file.path),
                    error=str(error),
                )
            ) from error
        fontkey = f"{family.lower()}{style}"
        face = cast(
            TTFFont, parser.fonts[fontkey]
        )  # add_font read a TrueType file: never a core font
        parsed[fontkey] = _ParsedFont(face, content, tuple(face.ttfont.getGlyphOrder()))
    with _FONT_CACHE_LOCK:
        _FONT_CACHE.clear()  # one set of fonts is in use at a time; drop replaced files
        _FONT_CACHE[key] = parsed
    return parsed


def _fresh_face(parsed: _ParsedFont) -> TTFFont:
    """A per-document copy of a parsed font: shared metrics, its own glyph table and subset.

    fpdf2 subsets the font's glyph table in place when it writes the PDF, so each document
    opens its own (lazily, from the bytes in memory). Bounding boxes are not recomputed on
    output: the shipped fonts' boxes are right already, and recomputing them meant decoding
    and re-encoding every glyph (half the time of a certificate); nor are the glyph names,
    which are known from the first parse. The copy shares what fpdf2's own ``__deepcopy__``
    shares and copies the per-document state shallowly (its values are numbers), which is
    ten times quicker than a deep copy.
    """
    prototype = parsed.face
    face = TTFFont.__new__(TTFFont)
    for name in TTFFont.__slots__:
        if hasattr(prototype, name):
            setattr(face, name, getattr(prototype, name))
    face.cw = copy.copy(prototype.cw)  # a defaultdict: its default width comes along
    face.glyph_ids = dict(prototype.glyph_ids)
    face.missing_glyphs = []
    face.biggest_size_pt = 0
    face.ttfont = TTFont(
        io.BytesIO(parsed.content), recalcTimestamp=False, recalcBBoxes=False, lazy=True
    )
    face.ttfont.setGlyphOrder(list(parsed.glyph_order))
    face.subset = SubsetMap(face)
    return face


def _load_image(content: bytes, what: str) -> Image.Image:
    try:
        image: Image.Image = Image.open(io.BytesIO(content))
        if image.format not in IMAGE_FORMATS:
            raise CertificateRenderError(
                _("The %(what)s must be a PNG, JPEG, GIF or WebP image.", what=what)
            )
        if image.width * image.height > MAX_IMAGE_PIXELS:
            raise CertificateRenderError(
                _(
                    "The %(what)s image is too large (%(width)d×%(height)d pixels).",
                    what=what,
                    width=image.width,
                    height=image.height,
                )
            )
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as error:
        raise CertificateRenderError(
            _("The %(what)s image cannot be read: %(error)s", what=what, error=str(error))
        ) from error
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    return image


def _clean(text: str, *, keep_newlines: bool = False) -> str:
    """NFC-normalise user text and drop control characters fpdf2 cannot print."""
    text = unicodedata.normalize("NFC", text or "")
    if not keep_newlines:
        text = " ".join(text.split())
    text = text.replace("\r\n", "\n").replace("\t", " ")
    return _CONTROL_CHARACTERS.sub("", text)


def _draw_frame(pdf: FPDF, palette: _Palette) -> None:
    pdf.set_draw_color(*palette.primary)
    pdf.set_line_width(2.2)
    pdf.rect(8, 8, PAGE_W - 16, PAGE_H - 16)
    pdf.set_draw_color(*palette.accent)
    pdf.set_line_width(0.5)
    pdf.rect(12, 12, PAGE_W - 24, PAGE_H - 24)
    pdf.set_fill_color(*palette.accent)
    for x, y in ((12, 12), (PAGE_W - 12, 12), (12, PAGE_H - 12), (PAGE_W - 12, PAGE_H - 12)):
        pdf.rect(x - 2, y - 2, 4, 4, style="F")


def _draw_heading(
    pdf: FPDF, palette: _Palette, title: str, name: str, awarded_to: str, top: float
) -> float:
    width = PAGE_W - 2 * MARGIN
    pdf.set_text_color(*palette.primary)
    _fit_font(pdf, SERIF, "B", title, width, largest=34, smallest=18)
    pdf.set_xy(MARGIN, top)
    pdf.cell(width, 14, title, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(*palette.accent)
    pdf.set_line_width(0.6)
    pdf.line(PAGE_W / 2 - 30, pdf.get_y() + 1.5, PAGE_W / 2 + 30, pdf.get_y() + 1.5)
    pdf.ln(5)
    pdf.set_text_color(*palette.muted)
    pdf.set_font(SANS, "", 11)
    pdf.cell(width, 6, awarded_to, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    pdf.set_text_color(*palette.text)
    _fit_font(pdf, SERIF, "B", name, width - 20, largest=30, smallest=14)
    pdf.cell(width, 13, name, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return pdf.get_y() + 3


def _draw_body(
    pdf: FPDF,
    palette: _Palette,
    body: str,
    outcomes_heading: str,
    outcomes: list[str],
    top: float,
) -> None:
    body_width = 225.0
    list_width = 190.0
    available = TEXT_BOTTOM - top
    for size in (13, 12, 11, 10, 9, 8, 7):
        line = size * 0.5
        pdf.set_font(SANS, "", size)
        needed = _text_height(pdf, body, body_width, line)
        if outcomes:
            pdf.set_font(SANS, "", size - 1)
            needed += (
                line
                + 2
                + sum(
                    _text_height(pdf, f"• {outcome}", list_width, (size - 1) * 0.47)
                    for outcome in outcomes
                )
            )
        if needed <= available:
            break
    else:
        raise CertificateRenderError(
            _("The certificate text and learning outcomes do not fit on one page; shorten them.")
        )
    pdf.set_text_color(*palette.text)
    pdf.set_font(SANS, "", size)
    # Centre the block in the free space, a little above the middle.
    pdf.set_xy((PAGE_W - body_width) / 2, top + (available - needed) * 0.4)
    pdf.multi_cell(body_width, line, body, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if not outcomes:
        return
    pdf.ln(2)
    pdf.set_text_color(*palette.primary)
    pdf.set_font(SANS, "B", size - 1)
    pdf.set_x((PAGE_W - list_width) / 2)
    pdf.cell(list_width, line, outcomes_heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*palette.text)
    pdf.set_font(SANS, "", size - 1)
    for outcome in outcomes:
        pdf.set_x((PAGE_W - list_width) / 2)
        pdf.multi_cell(
            list_width,
            (size - 1) * 0.47,
            f"• {outcome}",
            align=Align.L,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )


def _draw_details(
    pdf: FPDF, palette: _Palette, data: CertificateData, strings: PdfStrings, language: str
) -> None:
    x, width = MARGIN, 82.0
    rows = [(strings.issued_on, format_date(data.issued_on, format="long", locale=language))]
    if data.valid_until:
        rows.append(
            (strings.valid_until, format_date(data.valid_until, format="long", locale=language))
        )
    if data.hours is not None:
        rows.append(("", f"{format_hours(data.hours, language)} {strings.hours_unit}"))
    issuer = _clean(data.issuer_name)
    if data.issuer_url:
        issuer = f"{issuer} · {_clean(data.issuer_url)}"
    pdf.set_xy(x, FOOTER_TOP + 2)
    for label, value in rows:
        pdf.set_x(x)
        pdf.set_text_color(*palette.muted)
        pdf.set_font(SANS, "", 8)
        if label:
            prefix = f"{label}: "
            pdf.cell(pdf.get_string_width(prefix), 4.5, prefix)
        pdf.set_text_color(*palette.text)
        pdf.set_font(SANS, "B", 8.5)
        pdf.cell(x + width - pdf.get_x(), 4.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_x(x)
    pdf.set_text_color(*palette.muted)
    pdf.set_font(SANS, "", 8)
    pdf.cell(width, 4, strings.certificate_code, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_x(x)
    pdf.set_text_color(*palette.primary)
    pdf.set_font(SANS, "B", 13)
    pdf.cell(width, 6.5, data.code, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    pdf.set_x(x)
    pdf.set_text_color(*palette.muted)
    pdf.set_font(SANS, "", 7.5)
    pdf.multi_cell(
        width,
        3.6,
        f"{strings.issued_by}: {issuer}",
        align=Align.L,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )


def _draw_signatories(
    pdf: FPDF,
    palette: _Palette,
    signatories: list[tuple[str, str]],
    signatures: list[Image.Image | None],
) -> None:
    if not signatories:
        return
    left, right = MARGIN + 86, PAGE_W - MARGIN - 66
    column = (right - left) / len(signatories)
    line_y = FOOTER_TOP + 24
    for index, (name, role) in enumerate(signatories):
        x = left + index * column
        signature = signatures[index] if index < len(signatures) else None
        if signature is not None:
            pdf.image(
                signature,
                x=x + 4,
                y=line_y - 17,
                w=column - 8,
                h=16,
                keep_aspect_ratio=True,
                alt_text=_clean(name),
            )
        pdf.set_draw_color(*palette.muted)
        pdf.set_line_width(0.3)
        pdf.line(x + 4, line_y, x + column - 4, line_y)
        pdf.set_xy(x, line_y + 1.5)
        pdf.set_text_color(*palette.text)
        _fit_font(pdf, SANS, "B", _clean(name), column - 4, largest=9, smallest=6)
        pdf.cell(column, 4.5, _clean(name), align=Align.C)
        pdf.set_xy(x + 2, line_y + 6.5)
        pdf.set_text_color(*palette.muted)
        pdf.set_font(SANS, "", 7.5)
        pdf.multi_cell(column - 4, 3.4, _clean(role), align=Align.C)


def _draw_verification(pdf: FPDF, palette: _Palette, url: str, verify_at: str) -> None:
    width = 64.0
    x = PAGE_W - MARGIN - width
    pdf.image(
        qr_image(url),
        x=x + (width - QR_SIZE) / 2,
        y=FOOTER_TOP - 4,
        w=QR_SIZE,
        h=QR_SIZE,
        alt_text=url,
    )
    pdf.set_xy(x, FOOTER_TOP + QR_SIZE - 3)
    pdf.set_text_color(*palette.muted)
    pdf.set_font(SANS, "", 7)
    pdf.cell(width, 3.5, verify_at, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_x(x)
    pdf.set_text_color(*palette.primary)
    # multi_cell keeps a cell margin on each side: fit the URL within what is left, so that it is
    # never broken across two lines (a reader types it from paper).
    _fit_font(pdf, SANS, "", url, width - 2 * pdf.c_margin, largest=7.5, smallest=5)
    pdf.multi_cell(width, 3.2, url, align=Align.C, link=url)


def _draw_stamp(pdf: FPDF, label: str, *, revoked: bool) -> None:
    colour = (200, 30, 30) if revoked else (120, 120, 120)
    with pdf.local_context(fill_opacity=0.25, text_color=colour):
        pdf.set_font(SANS, "B", 72)
        with pdf.rotation(25, x=PAGE_W / 2, y=PAGE_H / 2):
            pdf.set_xy(0, PAGE_H / 2 - 15)
            pdf.cell(PAGE_W, 30, label, align=Align.C)


def _fit_font(
    pdf: FPDF, family: str, style: str, text: str, width: float, *, largest: float, smallest: float
) -> None:
    """Set the largest font size (down to `smallest`) at which `text` fits in `width`."""
    size = largest
    pdf.set_font(family, style, size)
    while size > smallest and pdf.get_string_width(text) > width:
        size = max(smallest, size - 0.5)
        pdf.set_font(family, style, size)


def _text_height(pdf: FPDF, text: str, width: float, line: float) -> float:
    return cast(
        float,
        pdf.multi_cell(  # output=HEIGHT: the height alone
            width, line, text, dry_run=True, output=MethodReturnValue.HEIGHT, padding=0
        ),
    )
