"""Every message of the plugin in the NTT+ partners' languages, with the same placeholders."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from nttlearn_assignment.plugin import HERE

LOCALES = ("it", "sv", "es", "fi")


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated_with_the_same_placeholders(locale):
    with (HERE / "translations" / "assignment.pot").open("rb") as fh:
        template = {m.id if isinstance(m.id, str) else tuple(m.id) for m in read_po(fh) if m.id}
    with (HERE / "translations" / locale / "LC_MESSAGES" / "assignment.po").open("rb") as fh:
        catalog = read_po(fh)

    translated = {
        m.id if isinstance(m.id, str) else tuple(m.id)
        for m in catalog
        if m.id and all(m.string if isinstance(m.string, tuple) else [m.string]) and not m.fuzzy
    }
    assert template - translated == set()
    assert [(m.id, errors) for m, errors in catalog.check()] == []
