"""The one CSV writer of nttlearn and of every plugin: files that spreadsheet programs open
correctly (UTF-8 with a byte-order mark, CRLF) and that cannot be turned against them.

Person-written text (a learner's name, an organisation, a quiz title, a comment) that a
spreadsheet would run as a formula (``=HYPERLINK(…)``, ``+1``, ``-2+3``, ``@SUM(…)``, or such text
behind a tab, a line break or spaces) gets a leading apostrophe, as OWASP advises ("CSV
injection"), so it is shown as text. Numbers stay numbers: pass them as ``int``, ``float`` or
``Decimal`` (a ``Decimal`` keeps a chosen number of places, ``Decimal("0.750")``), never as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Response

# The signs that start a formula, also in the full-width forms some spreadsheets accept.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def is_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (leading spaces are skipped)."""
    return text.lstrip(" ").startswith(FORMULA_STARTS)


def cell(value: Any) -> Any:
    """A value as a CSV cell: text defused, dates in ISO 8601, numbers as numbers, yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return "'" + text if is_formula(text) else text


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, bom: bool = True) -> str:
    """The CSV text of a header and rows, every cell through :func:`cell`.

    With ``bom`` (the default, for downloads) the text starts with a byte-order mark, so that
    Excel reads accented names correctly; a command printing to a terminal passes ``bom=False``.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([cell(h) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return ("\ufeff" if bom else "") + buffer.getvalue()


def csv_response(filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Response:
    """A CSV download (``attachment``, hence never stored by a cache: see the app's headers)."""
    return Response(
        csv_text(header, rows).encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Type": "text/csv; charset=utf-8",
        },
    )
