"""Templates to download: Word documents and spreadsheets generated from a package's sources.

A package may hold ``templates/<name>.yaml`` (English) and its translations beside it
(``templates/<name>.it.yaml``, as ``quiz.it.gift`` sits beside ``quiz.gift``). Each source describes
a Word document (``format: docx``: headings, paragraphs, lists and tables to fill in) or a
spreadsheet (``format: xlsx``: sheets of columns, rows and formulas). Importing a package writes
``media/templates/<name>.docx`` (and ``<name>.it.docx``, …) into the site's media folder with
python-docx or openpyxl, so lessons link them as any media file (``../../media/templates/<name>.docx``),
and a learner reading a translated lesson downloads the file in their language. Exporting writes
the sources back, never the generated files. See docs/course-packages.md.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..config import LOCALES
from .yamlfile import LineDict, YamlError, load_yaml

SOURCE_FILE = re.compile(r"^([a-z0-9][a-z0-9-]*)(?:\.([a-z]{2}))?\.yaml$")
GENERATED = "templates"  # the folder of media/ that generated files go into (reserved)
FORMATS = ("docx", "xlsx")
BLOCK_KINDS = ("heading", "subheading", "text", "bullets", "numbered", "table")
CELL_FORMATS = {"euro": '#,##0 "€"', "percent": "0%", "integer": "0", "decimal": "0.00"}
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
# Fixed layout of a sheet: the title in A1, the note in A2, the column headings in row 3, the
# rows from row 4. Formulas in the sources refer to cells by this layout (=SUM(D4:D9)).
FIRST_ROW = 4
# Fixed document dates: the same source gives the same document properties.
DOCUMENT_DATE = datetime(2010, 1, 1)
DOCUMENT_LANGUAGES = {"en": "en-GB", "it": "it-IT", "sv": "sv-SE", "es": "es-ES", "fi": "fi-FI"}


class TemplateProblem(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


def source_files(folder: Path) -> Iterator[tuple[Path, str, str]]:
    """``(path, name, locale)`` for each source of ``templates/`` (``en`` for the English one)."""
    if not folder.is_dir() or folder.is_symlink():
        return
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.is_symlink() or not path.is_file():
            continue
        match = SOURCE_FILE.match(path.name)
        yield path, (match.group(1) if match else ""), ((match.group(2) or "en") if match else "")


def generated_name(name: str, locale: str, fmt: str) -> str:
    """The media-relative path of a generated file: ``templates/logframe.it.xlsx``."""
    return f"{GENERATED}/{name}{'' if locale == 'en' else '.' + locale}.{fmt}"


def read_source(path: Path) -> LineDict:
    """Parse a source; :class:`TemplateProblem` for YAML that is not a mapping."""
    return parse_source(path.read_bytes())


def parse_source(source: bytes) -> LineDict:
    try:
        data = load_yaml(source.decode("utf-8").removeprefix("\ufeff"))
    except YamlError as exc:
        raise TemplateProblem(exc.line, exc.message) from None
    except UnicodeDecodeError:
        raise TemplateProblem(1, "file is not UTF-8 text") from None
    if not isinstance(data, LineDict):
        raise TemplateProblem(1, "a template is a mapping with 'format' and its content")
    return data


# -- checking ----------------------------------------------------------------------------------


def check_source(data: LineDict) -> list[TemplateProblem]:
    """Every problem of one source (English or translation), each with its line."""
    problems: list[TemplateProblem] = []
    fmt = data.get("format")
    if fmt not in FORMATS:
        return [
            TemplateProblem(data.line_of("format"), f"'format' must be one of {', '.join(FORMATS)}")
        ]
    allowed = {"format", "title", "blocks"} if fmt == "docx" else {"format", "title", "sheets"}
    for key in data:
        if key not in allowed:
            problems.append(
                TemplateProblem(
                    data.line_of(str(key)),
                    f"unknown key '{key}' (allowed: {', '.join(sorted(allowed))})",
                )
            )
    if not _is_text(data.get("title")):
        problems.append(TemplateProblem(data.line_of("title"), "'title' is required (a text)"))
    if fmt == "docx":
        problems += _check_blocks(data)
    else:
        problems += _check_sheets(data)
    return problems


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _line(item: Any, fallback: int) -> int:
    return item.line if isinstance(item, LineDict) else fallback


def _check_blocks(data: LineDict) -> list[TemplateProblem]:
    blocks = data.get("blocks")
    if not isinstance(blocks, list) or not blocks:
        return [
            TemplateProblem(
                data.line_of("blocks"),
                "'blocks' must be a list of headings, texts, lists and tables",
            )
        ]
    problems = []
    for block in blocks:
        line = _line(block, data.line_of("blocks"))
        if (
            not isinstance(block, LineDict)
            or len(block) != 1
            or next(iter(block)) not in BLOCK_KINDS
        ):
            problems.append(TemplateProblem(line, f"each block is one of {', '.join(BLOCK_KINDS)}"))
            continue
        kind, value = next(iter(block.items()))
        if kind in ("heading", "subheading", "text") and not _is_text(value):
            problems.append(TemplateProblem(line, f"'{kind}' must be a text"))
        elif kind in ("bullets", "numbered") and (
            not isinstance(value, list) or not value or not all(_is_text(v) for v in value)
        ):
            problems.append(TemplateProblem(line, f"'{kind}' must be a list of texts"))
        elif kind == "table":
            problems += _check_table(value, line)
    return problems


def _check_table(table: Any, line: int) -> list[TemplateProblem]:
    if not isinstance(table, LineDict):
        return [
            TemplateProblem(
                line,
                "'table' needs 'columns' (a list of texts) and may have 'rows' and 'blank_rows'",
            )
        ]
    problems = []
    for key in table:
        if key not in ("columns", "rows", "blank_rows"):
            problems.append(
                TemplateProblem(
                    table.line_of(str(key)),
                    f"unknown key '{key}' (allowed: blank_rows, columns, rows)",
                )
            )
    columns = table.get("columns")
    if not isinstance(columns, list) or not columns or not all(_is_text(c) for c in columns):
        return problems + [
            TemplateProblem(table.line_of("columns"), "'columns' must be a list of texts")
        ]
    rows = table.get("rows") or []
    if not isinstance(rows, list) or not all(
        isinstance(r, list) and len(r) == len(columns) for r in rows
    ):
        problems.append(
            TemplateProblem(
                table.line_of("rows"),
                f"each row must be a list of {len(columns)} cells, one per column",
            )
        )
    elif not all(
        isinstance(c, str | int | float) and not isinstance(c, bool) for r in rows for c in r
    ):
        problems.append(TemplateProblem(table.line_of("rows"), "table cells are texts or numbers"))
    blank = table.get("blank_rows", 0)
    if not isinstance(blank, int) or isinstance(blank, bool) or not 0 <= blank <= 50:
        problems.append(
            TemplateProblem(
                table.line_of("blank_rows"), "'blank_rows' must be a whole number from 0 to 50"
            )
        )
    return problems


def _check_sheets(data: LineDict) -> list[TemplateProblem]:
    sheets = data.get("sheets")
    if not isinstance(sheets, list) or not sheets:
        return [TemplateProblem(data.line_of("sheets"), "'sheets' must be a list of sheets")]
    problems = []
    names: set[str] = set()
    for sheet in sheets:
        line = _line(sheet, data.line_of("sheets"))
        if not isinstance(sheet, LineDict):
            problems.append(
                TemplateProblem(line, "each sheet is a mapping with name, title, columns and rows")
            )
            continue
        for key in sheet:
            if key not in ("name", "title", "note", "columns", "rows"):
                problems.append(
                    TemplateProblem(
                        sheet.line_of(str(key)),
                        f"unknown key '{key}' (allowed: columns, name, note, rows, title)",
                    )
                )
        name = sheet.get("name")
        if not _is_text(name) or len(name) > 31 or SHEET_NAME_BAD.search(name):
            problems.append(
                TemplateProblem(
                    sheet.line_of("name"),
                    "a sheet's 'name' is a text of at most 31 characters without [ ] : * ? / \\",
                )
            )
        elif name.lower() in names:
            problems.append(
                TemplateProblem(sheet.line_of("name"), f"two sheets are named '{name}'")
            )
        else:
            names.add(name.lower())
        for key in ("title", "note"):
            if key in sheet and not _is_text(sheet[key]):
                problems.append(TemplateProblem(sheet.line_of(key), f"'{key}' must be a text"))
        columns = sheet.get("columns")
        if (
            not isinstance(columns, list)
            or not columns
            or not all(
                isinstance(c, LineDict)
                and _is_text(c.get("heading"))
                and isinstance(c.get("width", 15), int | float)
                for c in columns
            )
        ):
            problems.append(
                TemplateProblem(
                    sheet.line_of("columns"),
                    "'columns' must be a list of {heading: text, width: number}",
                )
            )
            continue
        rows = sheet.get("rows") or []
        if not isinstance(rows, list):
            problems.append(TemplateProblem(sheet.line_of("rows"), "'rows' must be a list of rows"))
            continue
        for number, row in enumerate(rows, start=FIRST_ROW):
            if not isinstance(row, list) or len(row) > len(columns):
                problems.append(
                    TemplateProblem(
                        sheet.line_of("rows"),
                        f"row {number} must be a list of at most {len(columns)} cells",
                    )
                )
                continue
            for cell in row:
                value, fmt, bold = _cell(cell)
                if (
                    fmt is not None
                    and fmt not in CELL_FORMATS
                    or not isinstance(bold, bool)
                    or not (value is None or isinstance(value, str | int | float))
                ):
                    problems.append(
                        TemplateProblem(
                            sheet.line_of("rows"),
                            f"row {number}: a cell is a text, a number, a formula "
                            f"(=…) or {{value: …, format: {'|'.join(CELL_FORMATS)}, bold: true}}",
                        )
                    )
                elif isinstance(value, str) and value.startswith("="):
                    found = _formula_problem(value)
                    if found:
                        problems.append(
                            TemplateProblem(sheet.line_of("rows"), f"row {number}: {found}")
                        )
    return problems


def _formula_problem(formula: str) -> str | None:
    """Why ``formula`` cannot be used, or None: it must parse, with balanced parentheses, and
    refer only to cells of its own sheet (sheet names are translated, formulas are not)."""
    from openpyxl.formula import Tokenizer
    from openpyxl.formula.tokenizer import Token

    try:
        tokens = Tokenizer(formula).items
    except Exception:  # noqa: BLE001 - openpyxl raises several error types
        return f"'{formula}' is not a valid formula"
    depth = 0
    for token in tokens:
        if token.type in (Token.FUNC, Token.PAREN):
            depth += 1 if token.subtype == Token.OPEN else -1
        if depth < 0:
            break
        if token.type == Token.OPERAND and token.subtype == Token.RANGE and "!" in token.value:
            return f"'{formula}' refers to another sheet: a formula may only use cells of its own sheet"
    if depth != 0:
        return f"'{formula}' is not a valid formula (its parentheses do not match)"
    return None


def _cell(cell: Any) -> tuple[Any, str | None, Any]:
    if isinstance(cell, dict):
        return cell.get("value"), cell.get("format"), cell.get("bold", False)
    return cell, None, False


def shape(data: Any) -> Any:
    """What a translation must keep from the English: the structure, numbers, formulas and
    formats; texts are only counted."""
    if isinstance(data, dict):
        return {
            str(k): (v if k in ("format", "blank_rows", "width", "bold") else shape(v))
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [shape(v) for v in data]
    if isinstance(data, str) and not data.startswith("="):
        return "" if not data.strip() else "text"
    return data


def first_difference(english: Any, translated: Any, path: str = "") -> str | None:
    """Where ``translated``'s shape differs from ``english``'s, as a readable path (or None)."""
    if isinstance(english, dict) and isinstance(translated, dict):
        if list(english) != list(translated):
            return f"{path or 'the file'} has the keys {', '.join(translated)} instead of {', '.join(english)}"
        for key in english:
            found = first_difference(
                english[key], translated[key], f"{path}.{key}" if path else key
            )
            if found:
                return found
        return None
    if isinstance(english, list) and isinstance(translated, list):
        if len(english) != len(translated):
            return f"{path} has {len(translated)} items instead of {len(english)}"
        for n, (a, b) in enumerate(zip(english, translated, strict=True), start=1):
            found = first_difference(a, b, f"{path}[{n}]")
            if found:
                return found
        return None
    return (
        None
        if english == translated
        else f"{path} is {translated!r} where the English has {english!r}"
    )


def check_translation(english: LineDict, translated: LineDict) -> TemplateProblem | None:
    difference = first_difference(shape(english), shape(translated))
    if difference is None:
        return None
    return TemplateProblem(
        1,
        f"the translation must keep the English template's structure, numbers and "
        f"formulas: {difference}",
    )


# -- generating --------------------------------------------------------------------------------


def build(data: dict[str, Any], locale: str = "en") -> bytes:
    """The document or spreadsheet a checked source describes, in ``locale``'s language."""
    return _build_docx(data, locale) if data["format"] == "docx" else _build_xlsx(data, locale)


def _build_docx(data: dict[str, Any], locale: str) -> bytes:
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = Document()
    # The text's language: spelling checks and screen readers use it.
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), DOCUMENT_LANGUAGES.get(locale, locale))
    document.styles["Normal"].element.get_or_add_rPr().append(language)
    properties = document.core_properties
    properties.title, properties.author = data["title"].strip(), "nttlearn"
    properties.created = properties.modified = DOCUMENT_DATE
    properties.revision = 1

    def paragraph(text: str, style_id: str | None = None) -> None:
        # The style by its id: python-docx's lookup by name scans the styles on every paragraph.
        added = document.add_paragraph(text)
        if style_id:
            added._p.style = style_id

    paragraph(data["title"].strip(), "Title")
    for block in data["blocks"]:
        kind, value = next(iter(block.items()))
        if kind in ("heading", "subheading"):
            paragraph(value.strip(), "Heading1" if kind == "heading" else "Heading2")
        elif kind == "text":
            paragraph(value.strip())
        elif kind in ("bullets", "numbered"):
            for item in value:
                paragraph(item.strip(), "ListBullet" if kind == "bullets" else "ListNumber")
        else:
            columns, rows = value["columns"], value.get("rows") or []
            table = document.add_table(rows=1, cols=len(columns))
            table._tbl.tblPr.style = "TableGrid"
            for cell, heading in zip(table.rows[0].cells, columns, strict=True):
                cell.text = ""
                cell.paragraphs[0].add_run(heading.strip()).bold = True
            for row in rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = str(text).strip()
            for _ in range(value.get("blank_rows", 0)):
                table.add_row()
            _repeat_header(table)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _repeat_header(table: Any) -> None:
    """The heading row repeats on each page, and screen readers announce it as headings."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _build_xlsx(data: dict[str, Any], locale: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title, workbook.properties.creator = data["title"].strip(), "nttlearn"
    workbook.properties.created = DOCUMENT_DATE
    workbook.properties.language = DOCUMENT_LANGUAGES.get(locale, locale)
    heading_fill = PatternFill("solid", fgColor="DCE6F1")
    formula_fill = PatternFill("solid", fgColor="EDEDED")
    for sheet in data["sheets"]:
        ws = workbook.create_sheet(sheet["name"].strip())
        ws["A1"] = (sheet.get("title") or data["title"]).strip()
        ws["A1"].font = Font(bold=True, size=14)
        if sheet.get("note"):
            ws["A2"] = sheet["note"].strip()
            ws["A2"].alignment = Alignment(wrap_text=False)
        for n, column in enumerate(sheet["columns"], start=1):
            cell = ws.cell(row=FIRST_ROW - 1, column=n, value=column["heading"].strip())
            cell.font, cell.fill = Font(bold=True), heading_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[get_column_letter(n)].width = float(column.get("width", 15))
        for r, row in enumerate(sheet.get("rows") or [], start=FIRST_ROW):
            for c, raw in enumerate(row, start=1):
                value, fmt, bold = _cell(raw)
                if value is None or value == "":
                    continue
                cell = ws.cell(
                    row=r, column=c, value=value.strip() if isinstance(value, str) else value
                )
                if fmt:
                    cell.number_format = CELL_FORMATS[fmt]
                if bold:
                    cell.font = Font(bold=True)
                if isinstance(value, str) and value.startswith("="):
                    cell.fill = formula_fill  # calculated: the white cells are the ones to type in
                else:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = ws.cell(row=FIRST_ROW, column=1)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_generated(templates: Path, media: Path) -> list[str]:
    """Generate every source of the folder ``templates`` into ``media/templates/``; returns the
    media-relative paths written. The sources have been checked by the package loader."""
    written = []
    for path, name, locale in source_files(templates):
        if not name or locale not in LOCALES:
            continue
        fmt, document = _generated(path.read_bytes(), locale)
        relative = generated_name(name, locale, fmt)
        target = media / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(document)
        written.append(relative)
    return written


@lru_cache(maxsize=64)
def _generated(source: bytes, locale: str) -> tuple[str, bytes]:
    """The format and the document of a source. The same source gives the same document: a
    process that imports a course again (a duplicate, a test) does not build it again."""
    data = parse_source(source)
    return data["format"], build(data, locale)
