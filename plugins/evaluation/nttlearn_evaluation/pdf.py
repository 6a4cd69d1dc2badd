"""The impact report as a PDF for a funder's final report, drawn with fpdf2.

The plugin ships no fonts. Where Debian's ``fonts-dejavu`` is installed, DejaVu Sans prints every
name as written (Åsa, Xoán, Jyväskylä, Łódź); otherwise the PDF falls back to the core Helvetica
font, which knows only Latin-1, and characters beyond it are transliterated (Ł → L, – → -).
"""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from nttlearn.api import format_date

from .impact import (
    ImpactReport,
    applications_sentence,
    participants_note,
    proposals_sentence,
    shown_rows,
)

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
BEYOND_LATIN1 = {
    "–": "-",
    "—": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "…": "...",
    "•": "*",
    "€": "EUR",
    "Ł": "L",
    "ł": "l",
    "Œ": "OE",
    "œ": "oe",
    "ẞ": "SS",
    "→": "->",
}
BAR_COLOUR = (11, 79, 138)


def unicode_font_files(folder: Path = DEJAVU) -> tuple[Path, Path] | None:
    regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
    return (regular, bold) if regular.is_file() and bold.is_file() else None


def to_latin1(text: str) -> str:
    """Text the core fonts can print: Latin-1 kept, accents beyond it dropped, the rest mapped."""
    out = []
    for char in text:
        if ord(char) < 256:
            out.append(char)
        elif char in BEYOND_LATIN1:
            out.append(BEYOND_LATIN1[char])
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            out.append(base if base and all(ord(c) < 256 for c in base) else "?")
    return "".join(out)


class ImpactDocument(FPDF):
    def __init__(self, fonts: tuple[Path, Path] | None) -> None:
        super().__init__(format="A4")
        self.unicode = fonts is not None
        if fonts is not None:
            self.add_font("DejaVu", "", str(fonts[0]))
            self.add_font("DejaVu", "B", str(fonts[1]))
        self.family = "DejaVu" if self.unicode else "Helvetica"
        self.set_auto_page_break(auto=True, margin=15)

    def text_of(self, value: Any) -> str:
        text = "" if value is None else str(value)
        return text if self.unicode else to_latin1(text)

    def paragraph(self, text: str, size: float = 10, bold: bool = False, height: float = 6) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.multi_cell(
            0, height, self.text_of(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    def heading(self, text: str) -> None:
        self.ln(3)
        self.paragraph(text, size=13, bold=True, height=8)

    def data_table(self, header: list[str], rows: list[list[Any]], widths: tuple[int, ...]) -> None:
        """A table of one-line cells (first column left, numbers right); plain cells rather than
        fpdf's flowing tables, which lay out every cell as a paragraph and are ten times slower."""
        self.set_draw_color(208, 215, 222)
        self.set_font(self.family, "B", 9)
        self.set_fill_color(238, 242, 246)
        for i, (text, width) in enumerate(zip(header, widths, strict=True)):
            self.cell(
                width, 7, self._fit(text, width), border=1, align="L" if i == 0 else "R", fill=True
            )
        self.ln(7)
        self.set_font(self.family, "", 9)
        for values in rows:
            for i, (value, width) in enumerate(zip(values, widths, strict=True)):
                self.cell(width, 6, self._fit(value, width), border=1, align="L" if i == 0 else "R")
            self.ln(6)

    def _fit(self, value: Any, width: float) -> str:
        """The text, shortened with an ellipsis to fit its cell."""
        text = self.text_of(value)
        if self.get_string_width(text) <= width - 2:
            return text
        ellipsis = "…" if self.unicode else "..."
        while text and self.get_string_width(text + ellipsis) > width - 2:
            text = text[:-1]
        return text + ellipsis

    def bars(self, rows: list[tuple[str, int]]) -> None:
        """A horizontal bar chart from the same numbers as the table above it."""
        top = max([n for _, n in rows] or [1]) or 1
        self.set_font(self.family, "", 9)
        for label, value in rows:
            y = self.get_y()
            self.set_xy(self.l_margin, y)
            self.cell(40, 6, self.text_of(label))
            self.set_fill_color(*BAR_COLOUR)
            width = 110 * value / top
            if width > 0:
                self.rect(self.l_margin + 42, y + 1, width, 4, style="F")
            self.set_xy(self.l_margin + 44 + width, y)
            self.cell(20, 6, str(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def impact_pdf(
    report: ImpactReport, area_labels: dict[str, Any], *, fonts_folder: Path = DEJAVU
) -> bytes:
    """The printable impact report in the current language, as PDF bytes."""
    doc = ImpactDocument(unicode_font_files(fonts_folder))
    doc.set_title(_("Impact report"))
    doc.set_creator("nttlearn")
    doc.set_lang(str(get_locale() or "en"))
    doc.add_page()
    doc.paragraph(current_app.config.get("ORGANISATION_NAME", ""), size=9)
    doc.paragraph(_("Impact report"), size=18, bold=True, height=10)
    doc.paragraph(_period_text(report), size=10)
    doc.ln(2)
    doc.paragraph(report.summary() + ".", size=13, bold=True, height=7)
    if report.proposals_submitted:
        doc.paragraph(proposals_sentence(report.proposals_submitted), size=11)
    if report.applications_submitted:
        doc.paragraph(
            applications_sentence(report.applications_submitted, report.applications_funded),
            size=11,
        )
    doc.heading(_("Figures"))
    doc.data_table([_("Measure"), _("Value")], [list(row) for row in shown_rows(report)], (120, 50))
    if report.by_country:
        doc.heading(_("Participants by country"))
        doc.data_table(
            [_("Country"), _("Participants"), _("Organisations")],
            [[c.country, c.participants, c.organisations] for c in report.by_country],
            (70, 50, 50),
        )
        doc.ln(2)
        doc.bars([(c.country, c.participants) for c in report.by_country])
    if report.proposals_by_policy_area:
        doc.heading(_("Proposals by policy area"))
        doc.data_table(
            [_("Policy area"), _("Proposals")],
            [[str(area_labels.get(k, k)), v] for k, v in report.proposals_by_policy_area.items()],
            (120, 50),
        )
    if report.by_course:
        doc.heading(_("Participants and completions by course"))
        doc.data_table(
            [_("Course"), _("Participants"), _("Completions")],
            [[c.title, c.participants, c.completions] for c in report.by_course],
            (110, 30, 30),
        )
    doc.ln(4)
    doc.paragraph(participants_note(), size=8, height=4.5)
    doc.paragraph(
        _("Produced by nttlearn on %(date)s.", date=format_date(date.today(), "long")),
        size=8,
        height=4.5,
    )
    return bytes(doc.output())


def _period_text(report: ImpactReport) -> str:
    return report.period.sentence()
