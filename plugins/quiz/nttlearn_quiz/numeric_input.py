"""Read the number a learner typed into a numerical question, the way officials in Italy,
Sweden, Spain and Finland write numbers as well as the English way.

The rule, in order:

1. The number is at the start of the answer (after white space); whatever follows it is a unit
   or a remark and is ignored ("1500 EUR" is 1500, "45 %" is 45), unless it starts with another
   digit ("2 3" is refused rather than read as 2). A leading "+", "-" or "−" is its sign; an
   exponent ("1.5e3") is allowed.
2. Digits may be grouped in threes by spaces, no-break spaces or apostrophes: "1 500", "1'500".
3. When both "." and "," appear, the last one is the decimal separator and the other groups
   thousands: "1,234.5" and "1.234,5" are both 1234.5.
4. A single "." is always the decimal point ("3.141" is 3.141); several dots group thousands
   ("1.234.567").
5. A single "," is the decimal comma ("1,5" is 1.5, "0,250" is 0.25) except when it could also be
   a thousands separator: one to three digits other than a lone 0 before it, exactly three after
   it and no other grouping ("1,500", "12,345"). Such an answer is refused as ambiguous, and the
   learner is asked to write it without grouping. Several commas group thousands ("1,234,567").
6. Grouping must be regular (three digits between separators, one to three before the first),
   otherwise the answer is refused.
"""

from __future__ import annotations

import math
import re

from flask_babel import gettext as _

_GROUP_SPACES = " \u00a0\u202f'\u2019"
_NUMBER_RE = re.compile(
    r"""\s*(?P<sign>[+\-\u2212])?\s*
    (?P<body>(?:\d|[.,](?=\d)|[ \u00a0\u202f'\u2019](?=\d{3}(?!\d)))+)
    (?P<exponent>[eE][+\-]?\d+)?
    (?P<rest>.*)""",
    re.VERBOSE | re.DOTALL,
)
_GROUPED_RE = re.compile(r"\d{1,3}(?:X\d{3})+")


class NumberFormatError(ValueError):
    """The answer is not a number this module can read; ``str()`` is a message for the learner."""


def parse_number(text: str) -> float:
    """The number at the start of ``text`` (see the module's rule); raises NumberFormatError."""
    match = _NUMBER_RE.match(text)
    if match is None or not any(c.isdigit() for c in match["body"]):
        raise NumberFormatError(_("Please enter a number."))
    if match["rest"].lstrip()[:1].isdigit():
        raise NumberFormatError(_("Please enter a single number."))
    body = match["body"]
    spaced = any(c in _GROUP_SPACES for c in body)
    if spaced:
        if not _grouped(body.split(".")[0].split(",")[0], _GROUP_SPACES):
            raise _irregular()
        body = "".join(c for c in body if c not in _GROUP_SPACES)

    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        decimal = "." if body.rfind(".") > body.rfind(",") else ","
        grouping = "," if decimal == "." else "."
        whole, _sep, fraction = body.rpartition(decimal)
        if decimal in whole or not _grouped(whole, grouping) or spaced:
            raise _irregular()
        number = whole.replace(grouping, "") + "." + fraction
    elif dots > 1 or commas > 1:
        separator = "." if dots else ","
        if not _grouped(body, separator) or spaced:
            raise _irregular()
        number = body.replace(separator, "")
    elif commas == 1:
        whole, _sep, fraction = body.partition(",")
        if not spaced and len(fraction) == 3 and 1 <= len(whole) <= 3 and whole != "0":
            raise NumberFormatError(
                _(
                    "%(answer)s is ambiguous: write %(grouped)s or %(decimal)s without grouping.",
                    answer=body,
                    grouped=whole + fraction,
                    decimal=whole + "." + fraction,
                )
            )
        number = whole + "." + fraction
    else:
        number = body
    sign = "-" if match["sign"] in ("-", "\u2212") else ""
    value = float(sign + number + (match["exponent"] or ""))
    if not math.isfinite(value):
        raise NumberFormatError(_("Please enter a number."))
    return value


def _grouped(digits: str, separator: str) -> bool:
    """Whether ``digits`` is regular thousands grouping with ``separator`` (or has none)."""
    if not any(c in separator for c in digits):
        return True
    normalized = "".join("X" if c in separator else c for c in digits)
    return _GROUPED_RE.fullmatch(normalized) is not None


def _irregular() -> NumberFormatError:
    return NumberFormatError(_("Please write the number without irregular digit grouping."))
