"""Every string of the plugin is in its catalogue template, and translated into every language of the site."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import nttlearn_example_partner

PACKAGE = Path(nttlearn_example_partner.__file__).resolve().parent
TRANSLATIONS = PACKAGE / "translations"
LOCALES = ("it", "sv", "es", "fi")


def _msgids(path) -> set[tuple[str | None, str]]:
    with path.open("rb") as fh:
        return {
            (message.context, message.id if isinstance(message.id, str) else message.id[0])
            for message in read_po(fh)
            if message.id
        }


def test_catalogue_template_is_up_to_date_with_the_code(tmp_path):
    fresh = tmp_path / "example_partner.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(PACKAGE.parent / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "--sort-output",
            "-o",
            str(fresh),
            str(PACKAGE),
        ],
        check=True,
        capture_output=True,
    )

    assert _msgids(fresh) == _msgids(TRANSLATIONS / "example_partner.pot")


@pytest.mark.parametrize("locale", LOCALES)
def test_every_string_is_translated(locale):
    po = TRANSLATIONS / locale / "LC_MESSAGES" / "example_partner.po"
    with po.open("rb") as fh:
        catalog = read_po(fh)

    untranslated = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]

    assert untranslated == []
    assert [(m.id, errors) for m, errors in catalog.check()] == []
    assert _msgids(po) == _msgids(TRANSLATIONS / "example_partner.pot")
