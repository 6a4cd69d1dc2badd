"""Reading a participants file (CSV or XLSX) into rows of text, each with its line number.

Line numbers are the ones a spreadsheet shows: the header is line 1. Nothing here knows what
the columns mean beyond their names (that is ``plan.py``); this module only turns bytes into
trimmed text, with every problem of the file itself reported as ``line N: …``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import gettext as _

# The columns a participants file may have, in the order the documentation lists them. One
# more column (``cohort``, once cohorts exist) is a name here and a rule in ``plan.COLUMN_RULES``.
COLUMNS = (
    "name",
    "email",
    "organisation",
    "town",
    "country",
    "language",
    "role",
    "course",
    "cohort",
)
REQUIRED = ("name", "email")
MAX_ROWS = 20_000


class FileProblem(ValueError):
    """The file cannot be read as a participants file at all (no row is looked at)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line

    def __str__(self) -> str:
        message = self.args[0]
        return (
            _("line %(line)d: %(message)s", line=self.line, message=message)
            if self.line
            else message
        )


@dataclass
class SourceRow:
    """One participant's line: its number, its cells by column name (trimmed text), and the
    columns whose cell a spreadsheet stored as a date (Excel turns "1-10" into 1 October)."""

    line: int
    cells: dict[str, str]
    dates: set[str] = field(default_factory=set)


def read_participants(filename: str, content: bytes) -> list[SourceRow]:
    """The rows of a ``.csv`` or ``.xlsx`` file, blank lines left out. Raises ``FileProblem``."""
    if not content.strip():
        raise FileProblem(_("The file is empty."))
    if filename.lower().endswith(".xlsx") or content.startswith(b"PK\x03\x04"):
        table = _xlsx_rows(content)
    else:
        table = _csv_rows(content)
    header_line, header = next(table, (1, []))
    columns = _columns(header, header_line)
    rows = []
    for line, cells in table:
        texts, dates = [], set()
        for index, value in enumerate(cells):
            if isinstance(value, datetime | date):
                if index < len(columns):
                    dates.add(columns[index])
                value = _date_text(value)
            texts.append(_text(value))
        if not any(texts):
            continue
        if any(texts[len(columns) :]):
            raise FileProblem(_("this line has more cells than the header has columns."), line)
        if len(rows) == MAX_ROWS:
            raise FileProblem(
                _(
                    "The file has more than %(n)d participants: split it into several files.",
                    n=MAX_ROWS,
                )
            )
        texts += [""] * (len(columns) - len(texts))
        rows.append(
            SourceRow(line=line, cells=dict(zip(columns, texts, strict=False)), dates=dates)
        )
    return rows


def _columns(header: list, line: int) -> list[str]:
    names = [_text(h).lower() for h in header]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise FileProblem(
            _("The first line must name the columns, e.g. name,email,organisation."), line
        )
    accepted = ", ".join(COLUMNS)
    for name in names:
        if name not in COLUMNS:
            raise FileProblem(
                _(
                    "unknown column “%(name)s”. The columns are: %(columns)s.",
                    name=name or "",
                    columns=accepted,
                ),
                line,
            )
        if names.count(name) > 1:
            raise FileProblem(_("the column “%(name)s” appears twice.", name=name), line)
    for name in REQUIRED:
        if name not in names:
            raise FileProblem(
                _(
                    "the column “%(name)s” is missing (required: %(required)s).",
                    name=name,
                    required=", ".join(REQUIRED),
                ),
                line,
            )
    return names


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed in a text column: 2025, not 2025.0
    return " ".join(
        str(value).split()
    )  # trimmed, inner runs of spaces and line breaks as one space


def _date_text(value: date) -> str:
    if isinstance(value, datetime) and value.time() == time(0):
        value = value.date()
    return value.isoformat()


def _csv_rows(content: bytes):
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    # Excel writes ";" where the decimal separator is a comma (Italy, Sweden, Spain, Finland).
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as exc:
        raise FileProblem(
            _("the file is not valid CSV (%(error)s).", error=str(exc)), reader.line_num
        ) from None


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for number, line in enumerate(content.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            raise FileProblem(
                _("this line is not UTF-8 text. Save the file as “CSV UTF-8” and upload it again."),
                number,
            ) from None
    raise FileProblem(_("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."))


def _xlsx_rows(content: bytes):
    from openpyxl import load_workbook

    try:
        # data_only: a formula cell gives the value Excel saved with it, never the formula text.
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileProblem(
            _("The file is not a readable XLSX workbook (%(error)s).", error=type(exc).__name__)
        ) from None
    try:
        sheet = workbook.worksheets[0]
        yield from enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
    finally:
        workbook.close()
