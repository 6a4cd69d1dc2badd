"""Figures and templates of a course package: every image has a text alternative; the sources in
``templates/`` are checked, generated as Word documents and spreadsheets on import (read back here
with python-docx and openpyxl), exported as sources; a reader gets the figure and the template in
their language."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import openpyxl
import pytest
from media_samples import svg
from test_content_fakes import LESSON, ExercisePlugin, sample_files, write_package

from nttlearn.content.doctemplates import build, read_source
from nttlearn.content.exporter import export_course
from nttlearn.content.importer import commit_import, import_package
from nttlearn.content.package import load_package
from nttlearn.extensions import db
from nttlearn.learn.services import enrol
from nttlearn.models import Course, Lesson
from nttlearn.testing import login, repo_root

MAIN_COURSE = repo_root() / "courses" / "designing-twinned-town-networks"

WORKSHEET = """\
format: docx
title: Problem tree worksheet
blocks:
  - heading: The focal problem
  - text: Write it as one negative sentence.
  - bullets: [No solution inside it, Shared by all partners]
  - table:
      columns: [Level, Statement]
      rows:
        - [Focal problem, ""]
      blank_rows: 2
"""
WORKSHEET_IT = """\
format: docx
title: Scheda di lavoro sull'albero dei problemi
blocks:
  - heading: Il problema centrale
  - text: Scrivetelo come una frase negativa.
  - bullets: [Nessuna soluzione al suo interno, Condiviso da tutti i partner]
  - table:
      columns: [Livello, Enunciato]
      rows:
        - [Problema centrale, ""]
      blank_rows: 2
"""
BUDGET = """\
format: xlsx
title: Budget
sheets:
  - name: Budget
    title: Event budget
    note: Type in the white cells.
    columns:
      - {heading: Item, width: 30}
      - {heading: Units, width: 10}
      - {heading: Price, width: 10}
      - {heading: Cost, width: 12}
    rows:
      - [Hotel nights, 60, 110, "=B4*C4"]
      - [Interpreters, 2, 900, "=B5*C5"]
      - [Total, "", "", "=SUM(D4:D5)"]
      - [EU grant, "", "", 6000]
      - [Own contribution, "", "", "=D6-D7"]
      - [Co-financing rate, "", "", {value: "=IF(D6=0,0,D7/D6)", format: percent}]
"""


@pytest.fixture
def app_plugins():
    return [ExercisePlugin()]


def problems_of(app, tmp_path, **overrides):
    root = write_package(tmp_path / "pkg", sample_files(**overrides))
    result = load_package(root, app.extensions["nttlearn"].all_activity_types(), display="pkg")
    return [str(p) for p in result.problems]


def with_body(text: str) -> str:
    return LESSON.format(title="Phases") + text


# -- a formula evaluator for the subset the templates use, to check what the formulas refer to ---
def value_of(sheet, ref: str) -> float:
    value = sheet[ref].value
    if not (isinstance(value, str) and value.startswith("=")):
        return value if isinstance(value, int | float) else 0
    expression = re.sub(
        r"SUM\(([A-Z]+)(\d+):\1(\d+)\)",
        lambda m: "(" + "+".join(f"{m[1]}{row}" for row in range(int(m[2]), int(m[3]) + 1)) + ")",
        value[1:],
    )
    expression = re.sub(
        r"IF\(([^,=]+)=([^,]+),([^,]+),([^)]+)\)", r"((\3) if (\1)==(\2) else (\4))", expression
    )
    expression = expression.replace("ROUND(", "round(")
    expression = re.sub(r"\b([A-Z]{1,2}\d+)\b", lambda m: repr(value_of(sheet, m[1])), expression)
    assert re.fullmatch(r"[\d.+\-*/() =<>ifelsround,]*", expression), expression
    return eval(expression, {"__builtins__": {}, "round": round})  # noqa: S307 - digits and operators only


# -- figures: text alternatives ------------------------------------------------------------------
def test_an_image_without_a_text_alternative_is_reported_on_its_line(app, tmp_path):
    lesson = with_body(
        "\nA diagram:\n\n![](../../media/cycle.png)\n\n![The project cycle](../../media/cycle.png)\n"
    )
    translated = "---\ntitle: Fasi\n---\n![ ](../../media/cycle.png)\n"

    problems = problems_of(
        app,
        tmp_path,
        **{"modules/01-cycle/02-phases.md": lesson, "modules/01-cycle/02-phases.it.md": translated},
    )

    assert problems == [
        "pkg/modules/01-cycle/02-phases.it.md:4: image '../../media/cycle.png' has no text alternative: describe "
        "what it shows between the brackets, ![The project cycle: six phases in a circle](../../media/cycle.png)",
        "pkg/modules/01-cycle/02-phases.md:11: image '../../media/cycle.png' has no text alternative: describe "
        "what it shows between the brackets, ![The project cycle: six phases in a circle](../../media/cycle.png)",
    ]


def test_a_document_shown_as_an_image_is_reported(app, tmp_path):
    lesson = with_body("\n![The budget](../../media/templates/budget.xlsx)\n")

    problems = problems_of(
        app, tmp_path, **{"modules/01-cycle/02-phases.md": lesson, "templates/budget.yaml": BUDGET}
    )

    assert problems == [
        "pkg/modules/01-cycle/02-phases.md:9: '../../media/templates/budget.xlsx' is shown as an "
        "image but is not one (PNG, JPEG, GIF, WebP or SVG): link it as a download instead, "
        "[text](…), without the '!'"
    ]


def test_a_figure_must_exist_and_pass_the_svg_checks(app, tmp_path):
    lesson = with_body(
        "\n![The cycle](../../media/cycle.svg)\n\n![Missing](../../media/tree.svg)\n"
    )
    scripted = svg("<title>Cycle</title><script>alert(1)</script>", 'viewBox="0 0 10 10"')

    problems = problems_of(
        app, tmp_path, **{"modules/01-cycle/02-phases.md": lesson, "media/cycle.svg": scripted}
    )

    assert problems == [
        "pkg/media/cycle.svg:1: the SVG drawing contains a <script> element, which could run a script or load "
        "something from elsewhere: remove it (or export the drawing as PNG)",
        "pkg/modules/01-cycle/02-phases.md:11: broken link: '../../media/tree.svg' does not exist",
    ]


# -- templates: the sources are checked ----------------------------------------------------------
def test_a_lesson_may_link_the_documents_its_templates_generate(app, tmp_path):
    lesson = with_body(
        "\n[The worksheet](../../media/templates/worksheet.docx), "
        "[in Italian](../../media/templates/worksheet.it.docx) and "
        "[the budget](../../media/templates/budget.xlsx).\n\n[Not a template](../../media/templates/plan.docx)\n"
    )

    problems = problems_of(
        app,
        tmp_path,
        **{
            "modules/01-cycle/02-phases.md": lesson,
            "templates/worksheet.yaml": WORKSHEET,
            "templates/worksheet.it.yaml": WORKSHEET_IT,
            "templates/budget.yaml": BUDGET,
        },
    )

    assert problems == [
        "pkg/modules/01-cycle/02-phases.md:11: broken link: '../../media/templates/plan.docx' does not exist"
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "format: pdf\ntitle: X\n",
            "pkg/templates/plan.yaml:1: 'format' must be one of docx, xlsx",
        ),
        (
            "format: docx\ntitle: X\nblocks:\n  - heading: Fine\n  - picture: cycle.png\n",
            "pkg/templates/plan.yaml:5: each block is one of heading, subheading, text, bullets, numbered, table",
        ),
        (
            "format: docx\ntitle: X\nblocks:\n  - table:\n      columns: [A, B]\n      rows:\n        - [only one]\n",
            "pkg/templates/plan.yaml:6: each row must be a list of 2 cells, one per column",
        ),
        (
            "format: docx\nblocks:\n  - text: Hello\nsumary: typo\n",
            "pkg/templates/plan.yaml:1: 'title' is required (a text)",
        ),
        (
            "format: xlsx\ntitle: X\nsheets:\n  - name: 'A/B'\n    columns: [{heading: A}]\n",
            "pkg/templates/plan.yaml:4: a sheet's 'name' is a text of at most 31 characters without [ ] : * ? / \\",
        ),
        (
            "format: xlsx\ntitle: X\nsheets:\n  - name: Budget\n    columns: [{heading: A}]\n    rows:\n      - ['=SUM(A1:A2']\n",
            "pkg/templates/plan.yaml:6: row 4: '=SUM(A1:A2' is not a valid formula (its parentheses do not match)",
        ),
        (
            "format: xlsx\ntitle: X\nsheets:\n  - name: Budget\n    columns: [{heading: A}]\n    rows:\n      - ['=Plan!A1*2']\n",
            "pkg/templates/plan.yaml:6: row 4: '=Plan!A1*2' refers to another sheet: a formula may only use cells of its own sheet",
        ),
        (
            "format: xlsx\ntitle: X\nsheets:\n  - name: Budget\n    columns: [{heading: A}]\n    rows:\n      - [{value: 1, format: roman}]\n",
            "pkg/templates/plan.yaml:6: row 4: a cell is a text, a number, a formula (=…) or {value: …, format: "
            "euro|percent|integer|decimal, bold: true}",
        ),
        ("format: [docx\n", "pkg/templates/plan.yaml:2: invalid YAML"),
    ],
)
def test_a_template_source_with_a_problem_is_reported_on_its_line(app, tmp_path, source, expected):
    problems = problems_of(app, tmp_path, **{"templates/plan.yaml": source})

    assert problems and problems[0].startswith(expected)


def test_a_translated_template_keeps_the_english_structure_numbers_and_formulas(app, tmp_path):
    changed_formula = BUDGET.replace('"=D6-D7"', '"=D6+D7"').replace(
        "Hotel nights", "Pernottamenti"
    )
    fewer_blocks = WORKSHEET_IT.replace("  - text: Scrivetelo come una frase negativa.\n", "")

    problems = problems_of(
        app,
        tmp_path,
        **{
            "templates/budget.yaml": BUDGET,
            "templates/budget.it.yaml": changed_formula,
            "templates/worksheet.yaml": WORKSHEET,
            "templates/worksheet.sv.yaml": fewer_blocks,
            "templates/agenda.fi.yaml": WORKSHEET,
            "templates/Budget 2.yaml": BUDGET,
            "templates/budget.de.yaml": BUDGET,
        },
    )

    assert problems == [
        "pkg/templates/Budget 2.yaml:1: template sources are named <name>.yaml (translations <name>.sv.yaml), "
        "with lower-case letters, digits and dashes",
        "pkg/templates/agenda.fi.yaml:1: translation of a template that does not exist or has problems (agenda.yaml)",
        "pkg/templates/budget.de.yaml:1: unknown translation language 'de' (use one of it, sv, es, fi)",
        "pkg/templates/budget.it.yaml:1: the translation must keep the English template's structure, numbers and "
        "formulas: sheets[1].rows[5][4] is '=D6+D7' where the English has '=D6-D7'",
        "pkg/templates/worksheet.sv.yaml:1: the translation must keep the English template's structure, numbers "
        "and formulas: blocks has 3 items instead of 4",
    ]


def test_media_templates_is_kept_for_the_generated_documents(app, tmp_path):
    problems = problems_of(app, tmp_path, **{"media/templates/old.pdf": b"%PDF-1.4\n%%EOF\n"})

    assert problems == [
        "pkg/media/templates/old.pdf:1: media/templates/ holds the documents generated from the "
        "package's templates/ sources: put this file in another folder of media/"
    ]


# -- templates: the generated documents -----------------------------------------------------------
def test_a_word_template_has_its_headings_lists_and_tables(tmp_path):
    source = tmp_path / "worksheet.it.yaml"
    source.write_text(WORKSHEET_IT, encoding="utf-8")

    document = docx.Document(io.BytesIO(build(read_source(source), "it")))

    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert paragraphs == [
        ("Title", "Scheda di lavoro sull'albero dei problemi"),
        ("Heading 1", "Il problema centrale"),
        ("Normal", "Scrivetelo come una frase negativa."),
        ("List Bullet", "Nessuna soluzione al suo interno"),
        ("List Bullet", "Condiviso da tutti i partner"),
    ]
    [table] = document.tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Livello", "Enunciato"],
        ["Problema centrale", ""],
        ["", ""],
        ["", ""],
    ]
    assert document.core_properties.title == "Scheda di lavoro sull'albero dei problemi"
    assert 'w:val="it-IT"' in document.styles["Normal"].element.xml


def test_a_spreadsheet_template_calculates_with_real_formulas(tmp_path):
    source = tmp_path / "budget.yaml"
    source.write_text(BUDGET, encoding="utf-8")

    sheet = openpyxl.load_workbook(io.BytesIO(build(read_source(source)))).active

    assert sheet.title == "Budget" and sheet["A1"].value == "Event budget"
    assert [c.value for c in sheet[3]] == ["Item", "Units", "Price", "Cost"]
    assert sheet["D6"].value == "=SUM(D4:D5)" and sheet["D9"].value == "=IF(D6=0,0,D7/D6)"
    assert sheet["D9"].number_format == "0%"
    assert value_of(sheet, "D6") == 60 * 110 + 2 * 900 == 8400
    assert value_of(sheet, "D8") == 8400 - 6000
    assert value_of(sheet, "D9") == pytest.approx(6000 / 8400)


@pytest.mark.parametrize("locale", ["en", "it", "sv", "es", "fi"])
def test_the_main_courses_budget_spreadsheet_gives_the_lessons_sums(locale):
    name = "work-plan-and-budget" + ("" if locale == "en" else f".{locale}")
    workbook = openpyxl.load_workbook(
        io.BytesIO(build(read_source(MAIN_COURSE / "templates" / f"{name}.yaml"), locale))
    )

    budget = workbook.worksheets[2]
    # The Luleå seminar of module 5, lesson 3: €11,050 in cash, a €6,000 lump sum, €5,050 from Luleå;
    # with 24 invited participants instead of 30 the lump sum falls to €4,800 and Luleå pays €1,200 more.
    assert value_of(budget, "E10") == 11050
    assert value_of(budget, "F10") == 800
    assert value_of(budget, "E16") == 6000
    assert value_of(budget, "E18") == 5050
    assert value_of(budget, "E19") == 11050
    assert value_of(budget, "E20") == pytest.approx(6000 / 11050)
    assert value_of(budget, "C24") == 24
    assert value_of(budget, "E27") == 1200
    timing = workbook.worksheets[1]
    assert timing["E4"].value == '=IF(OR(C4="",D4=""),"",D4-C4+1)' and (
        timing["C4"].value,
        timing["D4"].value,
    ) == (1, 18)


def test_every_template_of_the_main_course_is_generated_in_five_languages(tmp_path):
    from nttlearn.content.doctemplates import write_generated

    written = write_generated(MAIN_COURSE / "templates", tmp_path)

    names = {
        "problem-tree-worksheet.docx",
        "logframe-matrix.xlsx",
        "partnership-agreement-outline.docx",
        "work-plan-and-budget.xlsx",
        "dissemination-plan.docx",
        "evaluation-plan.docx",
    }
    expected = {f"templates/{n}" for n in names} | {
        f"templates/{n.replace('.', f'.{locale}.')}"
        for n in names
        for locale in ("it", "sv", "es", "fi")
    }
    assert set(written) == expected
    agreement = docx.Document(str(tmp_path / "templates" / "partnership-agreement-outline.sv.docx"))
    headings = [p.text for p in agreement.paragraphs if p.style.name == "Heading 1"]
    assert (
        headings[0] == "1. Parter och syfte" and len([h for h in headings if h[0].isdigit()]) == 9
    )


# -- import, export and the reader's language ----------------------------------------------------
def figure_package(tmp_path) -> Path:
    lesson = with_body(
        "\n![The cycle](../../media/cycle.svg)\n\n[The budget (Excel)](../../media/templates/budget.xlsx)\n"
    )
    translated = (
        "---\ntitle: Fasi\n---\n![Il ciclo](../../media/cycle.svg)\n\n"
        "[Il budget (Excel)](../../media/templates/budget.xlsx)\n"
    )
    drawing = svg("<title>Cycle</title><text x='1' y='5'>Programming</text>", 'viewBox="0 0 10 10"')
    return write_package(
        tmp_path / "sample-course",
        sample_files(
            **{
                "modules/01-cycle/02-phases.md": lesson,
                "modules/01-cycle/02-phases.it.md": translated,
                "media/cycle.svg": drawing,
                "media/cycle.it.svg": drawing.replace(b"Programming", b"Programmazione"),
                "templates/budget.yaml": BUDGET,
                "templates/budget.it.yaml": BUDGET.replace("Hotel nights", "Pernottamenti"),
            }
        ),
    )


def test_import_generates_the_documents_and_export_writes_back_the_sources(app, tmp_path):
    package = figure_package(tmp_path)

    import_package(package, app.extensions["nttlearn"].all_activity_types())
    commit_import()

    installed = Path(app.instance_path) / "media" / "sample-course"
    assert sorted(
        p.relative_to(installed).as_posix() for p in installed.rglob("*") if p.is_file()
    ) == [
        "cycle.it.svg",
        "cycle.png",
        "cycle.svg",
        "templates/budget.it.xlsx",
        "templates/budget.xlsx",
    ]
    italian = openpyxl.load_workbook(installed / "templates" / "budget.it.xlsx").active
    assert italian["A4"].value == "Pernottamenti" and italian["D6"].value == "=SUM(D4:D5)"

    course = db.session.execute(
        db.select(Course).where(Course.slug == "sample-course")
    ).scalar_one()
    out = export_course(course, tmp_path / "out", app.extensions["nttlearn"].all_activity_types())

    assert sorted(p.name for p in (out / "templates").iterdir()) == [
        "budget.it.yaml",
        "budget.yaml",
    ]
    assert (out / "templates" / "budget.yaml").read_text(encoding="utf-8") == BUDGET
    assert not (out / "media" / "templates").exists()
    assert (out / "media" / "cycle.it.svg").is_file()


def test_a_reader_gets_the_figure_and_the_template_in_their_language(app, tmp_path, make_user):
    import_package(figure_package(tmp_path), app.extensions["nttlearn"].all_activity_types())
    commit_import()
    course = db.session.execute(
        db.select(Course).where(Course.slug == "sample-course")
    ).scalar_one()
    lesson = db.session.execute(db.select(Lesson).where(Lesson.key == "phases")).scalar_one()
    italian, english = make_user(locale="it"), make_user(locale="en")
    for user in (italian, english):
        enrol(user.id, course)
    db.session.commit()
    url = f"/courses/{course.slug}/lessons/{lesson.id}"

    pages = {}
    for user in (italian, english):
        reader = app.test_client()
        login(reader, user)
        pages[user.locale] = reader.get(url).get_data(as_text=True)
        if user.locale == "it":
            download = reader.get("/courses/sample-course/media/templates/budget.it.xlsx")

    assert 'src="/courses/sample-course/media/cycle.it.svg" alt="Il ciclo"' in pages["it"]
    assert 'href="/courses/sample-course/media/templates/budget.it.xlsx"' in pages["it"]
    assert 'src="/courses/sample-course/media/cycle.svg" alt="The cycle"' in pages["en"]
    assert 'href="/courses/sample-course/media/templates/budget.xlsx"' in pages["en"]
    assert download.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(download.data)).active["A4"].value == "Pernottamenti"


def test_re_importing_regenerates_the_documents_only_when_a_source_changed(app, tmp_path):
    package = figure_package(tmp_path)
    types = app.extensions["nttlearn"].all_activity_types()
    import_package(package, types)
    commit_import()
    generated = Path(app.instance_path) / "media" / "sample-course" / "templates" / "budget.xlsx"
    first = generated.stat().st_mtime_ns

    import_package(package, types)
    commit_import()
    unchanged = generated.stat().st_mtime_ns
    (package / "templates" / "budget.yaml").write_text(
        BUDGET.replace("Hotel nights", "Hotel rooms"), encoding="utf-8"
    )
    (package / "templates" / "budget.it.yaml").unlink()
    import_package(package, types)
    commit_import()

    assert unchanged == first
    assert openpyxl.load_workbook(generated).active["A4"].value == "Hotel rooms"
    assert not generated.with_name("budget.it.xlsx").exists()
    kept = Path(app.instance_path) / "templates" / "sample-course"
    assert sorted(p.name for p in kept.iterdir()) == ["budget.yaml"]
