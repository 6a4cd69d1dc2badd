"""docs/security.md maps every level 1 and 2 requirement of eight OWASP ASVS 5.0 chapters to the
code and the tests that meet it. A checklist that names a test which was since renamed or
deleted claims a protection nobody checks any more, and one that silently drops a requirement
hides a gap: these tests fail in both cases, and when the page's summary stops matching its rows.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKLIST = ROOT / "docs" / "security.md"

# The level 1 and 2 requirements of ASVS 5.0.0 (github.com/OWASP/ASVS, tag v5.0.0_release,
# 5.0/en/) in the chapters the checklist answers for: chapter -> (title, "number:level …").
ASVS_CHAPTERS: dict[str, tuple[str, str]] = {
    "V1": (
        "Encoding and Sanitization",
        "1.1:2 1.2:2 2.1:1 2.2:1 2.3:1 2.4:1 2.5:1 2.6:2 2.7:2 2.8:2 2.9:2 3.1:1 3.2:1 3.3:2 3.4:2 "
        "3.5:2 3.6:2 3.7:2 3.8:2 3.9:2 3.10:2 3.11:2 4.1:2 4.2:2 4.3:2 5.1:1 5.2:2",
    ),
    "V2": (
        "Validation and Business Logic",
        "1.1:1 1.2:2 1.3:2 2.1:1 2.2:1 2.3:2 3.1:1 3.2:2 3.3:2 3.4:2 4.1:2",
    ),
    "V4": ("API and Web Service", "1.1:1 1.2:2 1.3:2 2.1:2 3.1:2 3.2:2 4.1:1 4.2:2 4.3:2 4.4:2"),
    "V5": ("File Handling", "1.1:2 2.1:1 2.2:1 2.3:2 3.1:1 3.2:1 4.1:2 4.2:2 4.3:2"),
    "V6": (
        "Authentication",
        "1.1:1 1.2:2 1.3:2 2.1:1 2.2:1 2.3:1 2.4:1 2.5:1 2.6:1 2.7:1 2.8:1 2.9:2 2.10:2 2.11:2 2.12:2 "
        "3.1:1 3.2:1 3.3:2 3.4:2 4.1:1 4.2:1 4.3:2 4.4:2 5.1:2 5.2:2 5.3:2 5.4:2 5.5:2 6.1:2 6.2:2 "
        "6.3:2 8.1:2 8.2:2 8.3:2 8.4:2",
    ),
    "V7": (
        "Session Management",
        "1.1:2 1.2:2 1.3:2 2.1:1 2.2:1 2.3:1 2.4:1 3.1:2 3.2:2 4.1:1 4.2:1 4.3:2 4.4:2 4.5:2 5.1:2 "
        "5.2:2 6.1:2 6.2:2",
    ),
    "V8": ("Authorization", "1.1:1 1.2:2 2.1:1 2.2:1 2.3:2 3.1:1 4.1:2"),
    "V14": ("Data Protection", "1.1:2 1.2:2 2.1:1 2.2:2 2.3:2 2.4:2 3.1:1 3.2:2 3.3:2"),
    "V16": (
        "Security Logging and Error Handling",
        "1.1:2 2.1:2 2.2:2 2.3:2 2.4:2 2.5:2 3.1:2 3.2:2 3.3:2 3.4:2 4.1:2 4.2:2 4.3:2 5.1:2 5.2:2 5.3:2",
    ),
}
STATUSES = ("covered", "not applicable", "gap")

ROW = re.compile(r"^\|\s*(V\d+\.\d+\.\d+)\s*\|(.*)\|\s*$", re.MULTILINE)
# `tests/test_x.py::test_name`, optionally with a parametrised id: `…::test_name[case]`.
CITATION = re.compile(r"`((?:tests|plugins)/[^`\s:]+\.py)::(test_\w+)(?:\[[^`\]]*\])?`")
SUMMARY = re.compile(
    r"\*\*Summary:\*\* (\d+) requirements: (\d+) covered, (\d+) not applicable, (\d+) gaps?\."
)


def asvs_levels() -> dict[str, str]:
    """Requirement id ("V6.2.9") -> its level ("2")."""
    return {
        f"{chapter}.{entry.split(':')[0]}": entry.split(":")[1]
        for chapter, (_, entries) in ASVS_CHAPTERS.items()
        for entry in entries.split()
    }


@cache
def checklist() -> str:
    return CHECKLIST.read_text(encoding="utf-8")


def rows(text: str) -> list[tuple[str, list[str]]]:
    """Each requirement row: its id and its other cells (level, requirement, status, how, tests)."""
    return [
        (match.group(1), [cell.strip() for cell in match.group(2).split("|")])
        for match in ROW.finditer(text)
    ]


def citations(text: str) -> set[tuple[str, str]]:
    return set(CITATION.findall(text))


def top_level_tests(path: Path) -> set[str]:
    """The names of the module's own ``def test_…`` functions (what pytest collects by name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    }


def missing_citations(text: str, root: Path) -> list[str]:
    """The cited ``path::test`` that do not exist under ``root``, with the reason."""
    missing = []
    for path, name in sorted(citations(text)):
        file = root / path
        if not file.is_file():
            missing.append(f"{path}::{name}: no such file")
        elif name not in top_level_tests(file):
            missing.append(f"{path}::{name}: no such test in the file")
    return missing


# -- the page --------------------------------------------------------------------------------------
def test_every_test_the_checklist_names_exists():
    assert missing_citations(checklist(), ROOT) == [], (
        "docs/security.md names tests that do not exist: rename them there too, or say what checks "
        "the requirement now"
    )


def test_the_checklist_names_tests_from_the_core_and_from_plugins():
    cited = citations(checklist())
    assert len(cited) >= 100  # a broken pattern would otherwise make the test above pass vacuously
    assert any(path.startswith("tests/") for path, _ in cited)
    assert any(path.startswith("plugins/") for path, _ in cited)


def test_every_level_1_and_2_requirement_of_the_chapters_has_exactly_one_row():
    counted = Counter(requirement for requirement, _ in rows(checklist()))

    assert sorted(set(asvs_levels()) - set(counted)) == [], "requirements without a row"
    assert sorted(set(counted) - set(asvs_levels())) == [], (
        "rows of requirements not in ASVS 5.0 levels 1-2"
    )
    assert [requirement for requirement, n in counted.items() if n > 1] == [], (
        "requirements with several rows"
    )


def test_every_chapter_has_its_section():
    headings = set(re.findall(r"^## (V\d+ .+)$", checklist(), re.MULTILINE))

    for chapter, (title, _) in ASVS_CHAPTERS.items():
        assert f"{chapter} {title}" in headings


def test_every_row_has_a_level_a_status_and_says_how_or_why():
    levels = asvs_levels()
    for requirement, cells in rows(checklist()):
        assert len(cells) == 5, f"{requirement}: expected L | requirement | status | how | tests"
        level, summary, status, how, tests = cells
        assert level == levels[requirement], (
            f"{requirement}: level {level}, ASVS says {levels[requirement]}"
        )
        assert summary, f"{requirement}: the requirement in short"
        assert status in STATUSES, f"{requirement}: status {status!r} is not one of {STATUSES}"
        assert len(how.split()) >= 2, (
            f"{requirement}: say how it is met, why it does not apply, or what is missing"
        )
        assert tests == "—" or CITATION.search(tests), (
            f"{requirement}: tests are `path::test_name` or —"
        )


def test_the_summary_counts_the_rows():
    found = SUMMARY.search(checklist())
    assert found is not None, "the page states its summary as '**Summary:** N requirements: …'"
    statuses = Counter(cells[2] for _, cells in rows(checklist()))

    total, covered, not_applicable, gaps = (int(n) for n in found.groups())

    assert (total, covered, not_applicable, gaps) == (
        sum(statuses.values()),
        statuses["covered"],
        statuses["not applicable"],
        statuses["gap"],
    )


# -- the checker itself ----------------------------------------------------------------------------
def test_the_checker_reports_a_renamed_test_a_missing_file_and_a_test_that_is_not_top_level(
    tmp_path,
):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_here.py").write_text(
        "import pytest\n\n"
        "def test_present():\n    pass\n\n"
        "@pytest.mark.parametrize('x', [1])\ndef test_parametrised(x):\n    pass\n\n"
        "class TestGroup:\n    def test_in_a_class(self):\n        pass\n\n"
        "def helper():\n    def test_nested():\n        pass\n",
        encoding="utf-8",
    )
    text = (
        "| V1.1.1 | 2 | x | covered | y | `tests/test_here.py::test_present`, "
        "`tests/test_here.py::test_parametrised[1]`, `tests/test_here.py::test_renamed`, "
        "`tests/test_here.py::test_in_a_class`, `tests/test_here.py::test_nested`, "
        "`tests/test_gone.py::test_present` |\n"
    )

    assert missing_citations(text, tmp_path) == [
        "tests/test_gone.py::test_present: no such file",
        "tests/test_here.py::test_in_a_class: no such test in the file",
        "tests/test_here.py::test_nested: no such test in the file",
        "tests/test_here.py::test_renamed: no such test in the file",
    ]
