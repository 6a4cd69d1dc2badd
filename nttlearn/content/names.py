"""Names of courses, modules, lessons and activities in the reader's language, in one place.

Templates print a name with the ``localized`` filter (``{{ course|localized }}``,
``{{ module|localized("summary") }}``): the text in the language of the page, or the English one
where it has no translation. Code that reads a name without its model (a report's query of
``Course.title, Course.translations``) uses :func:`localized_text`; an export or a mail written
for another person passes that person's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import get_locale


def current_locale() -> str:
    """The language of the page being made (or of ``force_locale``); English outside a request."""
    try:
        return str(get_locale() or "en")
    except (RuntimeError, AttributeError):  # no app or request context
        return "en"


def localized_text(
    english: str | None,
    translations: Mapping[str, Any] | None,
    locale: str | None = None,
    field: str = "title",
) -> str:
    """``field`` of a ``translations`` column in ``locale`` (the current one by default), or
    ``english`` where that language has no text."""
    entry = (translations or {}).get(locale or current_locale())
    value = entry.get(field) if isinstance(entry, Mapping) else None
    return value if isinstance(value, str) and value.strip() else (english or "")


def localized(element: Any, field: str = "title", locale: str | None = None) -> str:
    """The ``localized`` template filter: ``element``'s ``field`` in the page's language. An
    element without translations (a meeting, a plain row) gives its ``field`` as it is."""
    if element is None:
        return ""
    if hasattr(element, "localized"):
        return element.localized(field, locale or current_locale())
    return str(getattr(element, field, "") or "")
