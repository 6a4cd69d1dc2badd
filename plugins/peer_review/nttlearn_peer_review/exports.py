"""A proposal, or the feedback on it, as Markdown text (to paste into a funder's form or convert
to DOCX) and as an A4 PDF.

The caller decides what the reader may see: a document carries only the names it was given,
and the PDF's metadata (title, author, subject) is filled from the same fields, so an
anonymous export stays anonymous inside the file too. Learners' text is written as plain text
cells with the DejaVu fonts shipped in ``fonts/`` (Luleå, A Coruña, Jyväskylä print as written).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class DocumentSection:
    title: str
    text: str
    heading_level: int = 2


@dataclass
class Document:
    """What an export shows: a title, one line of facts, the sections. ``author`` is the only
    name written into the PDF's metadata; leave it empty where names must not travel."""

    title: str
    facts: list[str] = field(default_factory=list)
    sections: list[DocumentSection] = field(default_factory=list)
    author: str = ""
    subject: str = ""


def to_markdown(document: Document) -> str:
    parts = [f"# {_one_line(document.title)}", ""]
    if document.facts:
        parts += [" · ".join(_one_line(f) for f in document.facts), ""]
    for section in document.sections:
        parts += [f"{'#' * section.heading_level} {_one_line(section.title)}", ""]
        if section.text.strip():
            parts += [section.text.strip(), ""]
    return "\n".join(parts).rstrip() + "\n"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _plain(text: str) -> str:
    return _CONTROL.sub("", str(text).replace("\r\n", "\n").replace("\t", "    "))


class _ProposalPDF(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_text = footer_text
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(True, margin=20)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 6, _plain(f"{self.footer_text} · {self.page_no()}/{{nb}}"), align="C")


def to_pdf(document: Document) -> bytes:
    pdf = _ProposalPDF(_one_line(document.title)[:90])
    pdf.alias_nb_pages()
    pdf.set_title(_plain(_one_line(document.title)))
    pdf.set_author(_plain(document.author))
    pdf.set_subject(_plain(document.subject))
    pdf.set_creator("nttlearn")
    pdf.set_producer("nttlearn")
    pdf.add_page()
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(
        0, 9, _plain(_one_line(document.title)), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    if document.facts:
        pdf.set_font(FONT, "", 9)
        pdf.set_text_color(90, 90, 90)
        pdf.multi_cell(
            0,
            5,
            _plain(" · ".join(_one_line(f) for f in document.facts)),
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.set_text_color(0, 0, 0)
    for section in document.sections:
        pdf.ln(4)
        pdf.set_font(FONT, "B", 13 if section.heading_level <= 2 else 11)
        pdf.multi_cell(
            0, 7, _plain(_one_line(section.title)), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.set_font(FONT, "", 10.5)
        for paragraph in re.split(r"\n\s*\n", _plain(section.text).strip()):
            if paragraph.strip():
                pdf.multi_cell(
                    0, 5.5, paragraph.strip(), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
                )
                pdf.ln(1.5)
    return bytes(pdf.output())


def safe_filename(title: str, fallback: str) -> str:
    """A file name from a title: letters, digits and dashes only."""
    name = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:60]
    return name or fallback
