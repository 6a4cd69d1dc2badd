"""Every hook in nttlearn/hookspecs.py is documented in docs/plugins.md with its exact signature,
and carries a docstring (as Datasette checks its plugin hooks against its documentation)."""

from __future__ import annotations

import inspect
import re

import pytest

from nttlearn import hookspecs
from nttlearn.apidoc import signature_of
from nttlearn.testing import repo_root

PLUGINS_DOC = repo_root() / "docs" / "plugins.md"
HOOKSPECS = sorted(
    (name, function)
    for name, function in vars(hookspecs).items()
    if name.startswith("nttlearn_") and callable(function) and hasattr(function, "nttlearn_spec")
)
# A documented hook is a heading whose text is its signature in backticks: ### `nttlearn_x(a: int) -> None`
HEADING = re.compile(r"^#{2,4} `(nttlearn_\w+)\((.*)\)(?: -> (.*?))?`\s*$", re.MULTILINE)


def signature_text(function) -> str:
    """``nttlearn_on_event(event: Event) -> None``: the signature as the API reference writes it."""
    return f"{function.__name__}{signature_of(function)}"


def documented_headings() -> dict[str, str]:
    """Hook name -> the signature its heading in docs/plugins.md shows."""
    text = PLUGINS_DOC.read_text(encoding="utf-8")
    headings = {}
    for match in HEADING.finditer(text):
        name, arguments, returns = match.groups()
        headings[name] = f"{name}({arguments})" + (f" -> {returns}" if returns else "")
    return headings


def test_hookspecs_module_declares_hooks():
    assert len(HOOKSPECS) >= 11


@pytest.mark.parametrize("name, function", HOOKSPECS, ids=[name for name, _ in HOOKSPECS])
def test_hook_is_documented_with_its_exact_signature(name, function):
    headings = documented_headings()

    assert name in headings, f"docs/plugins.md has no heading ### `{signature_text(function)}`"
    assert headings[name] == signature_text(function)


@pytest.mark.parametrize("name, function", HOOKSPECS, ids=[name for name, _ in HOOKSPECS])
def test_hook_has_a_docstring(name, function):
    docstring = inspect.getdoc(function) or ""

    assert len(docstring.split()) >= 8, (
        f"{name} needs a docstring: when it is called, what it gets and returns"
    )


@pytest.mark.parametrize("name, function", HOOKSPECS, ids=[name for name, _ in HOOKSPECS])
def test_hook_documentation_has_an_example_implementation(name, function):
    text = PLUGINS_DOC.read_text(encoding="utf-8")
    section = text.split(f"`{signature_text(function)}`", 1)[-1]
    section = re.split(r"^#{2,3} ", section, maxsplit=1, flags=re.MULTILINE)[0]

    assert re.search(rf"@hookimpl[^\n]*\ndef {name}\(", section), (
        f"the section of {name} has no example"
    )


def test_documentation_names_no_hook_that_does_not_exist():
    declared = {name for name, _ in HOOKSPECS}

    assert set(documented_headings()) - declared == set()
