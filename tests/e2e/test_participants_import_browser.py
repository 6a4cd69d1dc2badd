"""An admin onboards a programme: uploads a CSV of 20 officials with two bad lines, sees the
errors, fixes the file, uploads it again and imports it (on a phone-sized screen)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

COURSE = "designing-twinned-town-networks"
TOWNS = [
    ("Comune di Ferrara", "Ferrara", "IT", "it"),
    ("Umeå kommun", "Umeå", "SE", "sv"),
    ("Ayuntamiento de Huesca", "Huesca", "ES", "es"),
    ("Oulun kaupunki", "Oulu", "FI", "fi"),
]


def officials_csv(bad: bool) -> bytes:
    """20 officials, Excel style (BOM, semicolons); with ``bad``, lines 5 and 12 are wrong."""
    lines = ["name;email;organisation;town;country;language;course"]
    for i in range(20):
        org, town, country, language = TOWNS[i % 4]
        email = f"official{i}@onboarding.example.eu"
        if bad and i == 3:
            email = "official3-at-onboarding.example.eu"  # line 5: not an address
        if bad and i == 10:
            country = "Atlantis"  # line 12: no such country
        lines.append(f"Official {i};{email};{org};{town};{country};{language};{COURSE}")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def assert_accessible(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def upload(page, content: bytes) -> None:
    page.get_by_label("Participants file (CSV or XLSX)").set_input_files(
        {"name": "officials.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Check the file").click()


def test_admin_uploads_officials_fixes_two_bad_lines_and_imports(new_page, log_in):
    page = new_page(width=360, height=780)
    log_in(page, "admin@example.org")
    page.goto("/admin")
    page.get_by_role("link", name="Import participants").click()
    assert_accessible(page)

    upload(page, officials_csv(bad=True))

    errors = page.locator("#line-errors")
    expect(errors).to_contain_text(
        "line 5: email: “official3-at-onboarding.example.eu” is not a valid e-mail address."
    )
    expect(errors).to_contain_text("line 12: country: unknown country “Atlantis”")
    expect(errors.locator("li")).to_have_count(2)
    expect(page.get_by_text("Invalid lines: 2")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Import").click()  # not skipping: refused, nothing written
    expect(page.get_by_text("The file has invalid lines: nothing was imported.")).to_be_visible()

    page.get_by_role("link", name="Upload another file").click()
    upload(page, officials_csv(bad=False))

    expect(page.get_by_text("New accounts: 20")).to_be_visible()
    expect(page.get_by_text("Enrolments: 20")).to_be_visible()
    expect(page.locator("#line-errors")).to_have_count(0)
    page.get_by_role("button", name="Import").click()

    expect(
        page.get_by_text(
            "Imported: 20 accounts created, 0 updated, 20 enrolments, 20 invitations sent"
        )
    ).to_be_visible()
    page.goto("/admin/users?q=onboarding.example.eu")
    expect(page.get_by_role("link", name="Official 19")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
