"""Reading values out of a request: integers in the URL, the query string and forms, and the
``next`` target of a redirect.

Everything here is typed by a stranger. ``int()`` crashes on ``²`` (which ``str.isdigit()``
accepts), a number past the database's integer range crashes the query (SQLite's
``OverflowError``, PostgreSQL's out-of-range error), and a redirect target like ``/\\t/evil.com``
sends the visitor to another site once the browser drops the tab. So every view reads such
values through these functions: a malformed value is the visitor's error (400, or 404 for a URL
part), never the server's (500), and a redirect stays on this site.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

from flask import Flask, abort, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter, Map

# The range of SQL INTEGER (PostgreSQL's int4, the type of every id column): a number outside it
# can match no row, and PostgreSQL refuses to compare an int4 column with it at all.
SQL_INT_MIN, SQL_INT_MAX = -(2**31), 2**31 - 1
_INTEGER = re.compile(r"-?[0-9]{1,20}")


def parse_int(text: str | None, *, min: int = SQL_INT_MIN, max: int = SQL_INT_MAX) -> int | None:
    """``text`` as an integer when it is ASCII digits (with an optional minus) within
    ``[min, max]`` (by default the range of an SQL INTEGER), else None. Unlike ``int()`` it
    refuses ``²`` (which ``str.isdigit()`` accepts), ``١٢``, ``1_000`` and spaces."""
    if not isinstance(text, str) or not _INTEGER.fullmatch(text):
        return None
    value = int(text)
    return value if min <= value <= max else None


def arg_int(
    name: str,
    default: int | None = None,
    *,
    min: int = SQL_INT_MIN,
    max: int = SQL_INT_MAX,
    source: MultiDict | None = None,
) -> int | None:
    """The query argument ``name`` (or the field of ``source``, e.g. ``request.form``) as an
    integer in ``[min, max]``; ``default`` when it is absent or empty. Anything else is a bad
    request: the visitor gets the 400 page."""
    values = request.args if source is None else source
    text = values.get(name)
    if text is None or text == "":
        return default
    value = parse_int(text, min=min, max=max)
    if value is None:
        abort(400)
    return value


def form_int(
    name: str, default: int | None = None, *, min: int = SQL_INT_MIN, max: int = SQL_INT_MAX
) -> int | None:
    """:func:`arg_int` for a field of the posted form."""
    return arg_int(name, default, min=min, max=max, source=request.form)


def arg_ints(
    name: str, *, min: int = SQL_INT_MIN, max: int = SQL_INT_MAX, source: MultiDict | None = None
) -> list[int]:
    """Every value of the repeated argument ``name`` (``?id=1&id=2``; ``source`` as in
    :func:`arg_int`) as integers; a malformed one is a bad request (400)."""
    values = request.args if source is None else source
    numbers = [parse_int(text, min=min, max=max) for text in values.getlist(name)]
    if any(number is None for number in numbers):
        abort(400)
    return [number for number in numbers if number is not None]


def safe_redirect_target(target: str | None) -> str | None:
    """``target`` as a path on this site (``/path?query#fragment``) when it is safe to redirect
    to, else None.

    Safe means: no control or whitespace character anywhere (browsers drop tabs and line
    breaks, so ``/\\t/evil.com`` becomes ``//evil.com``; a line break would split the header), no
    control character behind percent-encoding either, no backslash (browsers read it as ``/``),
    the same origin as this request when a scheme or host is given, and a path that starts with
    exactly one ``/``.
    """
    if not target or len(target) > 2048 or "\\" in target:
        return None
    if any(ch.isspace() or _is_control(ch) for ch in target) or any(
        _is_control(ch) for ch in unquote(target)
    ):
        return None
    try:
        parts = urlsplit(target)
    except ValueError:  # an unbalanced IPv6 bracket in the host
        return None
    if parts.scheme or parts.netloc:
        here = urlsplit(request.host_url)
        if (parts.scheme, parts.netloc) != (here.scheme, here.netloc):
            return None
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return (
        parts.path
        + (f"?{parts.query}" if parts.query else "")
        + (f"#{parts.fragment}" if parts.fragment else "")
    )


def _is_control(ch: str) -> bool:
    """Control, format (bidi overrides, zero-width) and unassigned characters."""
    return unicodedata.category(ch).startswith("C")


def next_url(target: str | None, default_endpoint: str = "learn.dashboard") -> str:
    """Where to send the visitor after an action that took a ``next`` target: the target when
    :func:`safe_redirect_target` accepts it, else ``default_endpoint``. Every redirect that takes
    a target from the request goes through here."""
    return safe_redirect_target(target) or url_for(default_endpoint)


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` in every rule, the core's and each plugin's: ASCII digits only, within the
    range of an SQL INTEGER; anything else does not match the rule, so the visitor gets the 404 page
    instead of a query that crashes on a number too large for the database."""

    regex = r"[0-9]+"

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int = SQL_INT_MIN,
        max: int = SQL_INT_MAX,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _contains_nul(values: MultiDict) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def install_request_checks(app: Flask) -> None:
    """Make ``<int:…>`` bounded for every blueprint registered after this call, and refuse
    requests carrying a NUL character (400): no text field may hold one, PostgreSQL refuses
    to store or even compare it, and file paths end at it."""
    app.url_map.converters["int"] = BoundedIntegerConverter

    @app.before_request
    def _refuse_nul_characters() -> None:
        if "\x00" in request.path or _contains_nul(request.args):
            abort(400)
        if request.method not in ("GET", "HEAD", "OPTIONS") and _contains_nul(request.form):
            abort(400)
