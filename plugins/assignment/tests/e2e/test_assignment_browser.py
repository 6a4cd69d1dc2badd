"""The main course's problem-tree exercise handed in and graded in a real browser: the learner
writes her answer and adds a PDF on a 360 px phone, the trainer grades it from the list with the
exercise's rubric (at 1280 px, one criterion with the keyboard, the mark shown as levels are
chosen; the grading page also fits a 360 px phone), and the learner reads her grade, the filled
rubric and the feedback (in Italian, her language). axe-core finds no accessibility violation on
the pages on the way."""

from __future__ import annotations

import sqlite3

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = 360
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _no_axe_violations(page) -> None:
    results = Axe().run(page, context="main")
    assert results.violations_count == 0, results.generate_report()


def test_learner_hands_in_on_a_phone_and_reads_the_trainers_grade(new_page, log_in, live_server):
    with sqlite3.connect(live_server.instance / "nttlearn.sqlite") as database:
        [(activity_id,)] = database.execute(
            "SELECT id FROM activities WHERE key = 'problem-tree-assignment'"
        ).fetchall()

    phone = new_page(width=PHONE, height=740)
    log_in(phone, "learner@example.org")  # Giulia Rossi reads nttlearn in Italian
    phone.goto(f"/assignment/{activity_id}")
    expect(
        phone.get_by_role("heading", name="Consegnate il vostro albero dei problemi")
    ).to_be_visible()
    assert (
        phone.evaluate("document.documentElement.scrollWidth") <= PHONE
    )  # nothing to scroll sideways
    _no_axe_violations(phone)
    phone.get_by_label("La Sua risposta (Markdown)").fill(
        "Problema centrale: *pochi autobus serali*."
    )
    phone.get_by_label("Aggiungi file").set_input_files(
        files=[{"name": "albero.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    phone.get_by_role("button", name="Consegna", exact=True).click()
    expect(phone.get_by_text("Il Suo lavoro è stato consegnato.")).to_be_visible()
    expect(phone.get_by_role("link", name="albero.pdf")).to_be_visible()

    trainer = new_page()
    log_in(trainer, "trainer@example.org")
    trainer.goto(f"/assignment/{activity_id}/submissions?show=to_grade")
    _no_axe_violations(trainer)
    trainer.get_by_role("link", name="Giulia Rossi").click()
    expect(trainer.get_by_text("pochi autobus serali")).to_be_visible()
    _no_axe_violations(trainer)
    grading_url = trainer.url

    small = new_page(
        width=PHONE, height=740
    )  # the grading page on a phone: usable, nothing sideways
    log_in(small, "trainer@example.org")
    small.goto(grading_url)
    expect(small.get_by_role("group", name="1. The focal problem")).to_be_visible()
    assert small.evaluate("document.documentElement.scrollWidth") <= PHONE
    _no_axe_violations(small)

    def level(criterion: str, points: int):
        return trainer.locator(f'input[name="criterion-{criterion}"][value="{points}"]')

    for criterion, points in (
        ("focal-problem", 2),
        ("stakeholders", 2),
        ("evidence", 1),
        ("objective-tree", 2),
    ):
        level(criterion, points).check()
    expect(trainer.locator("#rubric-mark")).to_have_text("choose a level for every criterion")
    level("causes", 0).focus()  # a radio group by keyboard: Space chooses, an arrow moves on
    trainer.keyboard.press("Space")
    trainer.keyboard.press("ArrowDown")
    expect(level("causes", 1)).to_be_checked()
    expect(trainer.locator("#rubric-mark")).to_have_text("8")
    trainer.get_by_label("Comment on this criterion (optional)").nth(3).fill(
        "Add a source for the second cause."
    )
    trainer.get_by_label("Overall feedback (Markdown)").fill(
        "Good focal problem; add a **source** for the second cause."
    )
    trainer.get_by_role("button", name="Save the grade").click()
    expect(trainer.get_by_text("The grade has been saved and the learner told.")).to_be_visible()

    phone.reload()
    expect(phone.get_by_text("Valutazione: 8 punti su 10")).to_be_visible()
    evidence = phone.get_by_role("region", name="Dati a sostegno delle cause principali")
    expect(evidence.locator(".chosen")).to_contain_text("Raggiunto in parte")
    expect(evidence.get_by_text("Add a source for the second cause.")).to_be_visible()
    expect(phone.locator(".prose strong", has_text="source")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE
    _no_axe_violations(phone)


def test_trainer_edits_and_translates_the_rubric_without_javascript(new_page, log_in, live_server):
    with sqlite3.connect(live_server.instance / "nttlearn.sqlite") as database:
        [(activity_id,)] = database.execute(
            "SELECT id FROM activities WHERE key = 'problem-tree-assignment'"
        ).fetchall()

    for width in (1280, PHONE):
        page = new_page(width=width, height=800)
        log_in(page, "trainer@example.org")
        page.goto(f"/assignment/{activity_id}/rubric")
        expect(page.get_by_label("Title").first).to_have_value("The focal problem")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        _no_axe_violations(page)
        page.get_by_role(
            "button", name="Add a criterion"
        ).click()  # a plain form post: the page comes back
        expect(page.get_by_role("group", name="Criterion 6", exact=True)).to_be_visible()
        page.goto(f"/assignment/{activity_id}/rubric/fi")
        expect(page.get_by_role("heading", name="Rubric in Suomi")).to_be_visible()
        expect(page.locator(".badge", has_text="missing")).to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        _no_axe_violations(page)
