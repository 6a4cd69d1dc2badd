"""The API reference of ``docs/plugins.md``, written from ``nttlearn/api.py``, and its table of
events, written from the events' declarations.

One source: the reference follows the module's sections (``# -- Events --``), its ``#:`` comments
(for values, and for groups of names such as the models) and the docstrings of the names it
exports; the events table lists the core's declarations (``nttlearn/event_types.py``) and those of
the plugins in the repository's ``plugins/`` folder (``nttlearn_event_types``).
``python -m nttlearn.apidoc`` rewrites both; ``--check`` exits 1 when either is stale, which the
test suite runs.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import re
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from . import api
from .hooktypes import EventType, payload_fields
from .plugins import ENTRY_POINT_GROUP

API_SOURCE = Path(api.__file__)
PLUGINS_DOC = Path(__file__).resolve().parent.parent / "docs" / "plugins.md"
START = "<!-- api-reference: written by `python -m nttlearn.apidoc` from nttlearn/api.py; edit the docstrings there -->"
END = "<!-- /api-reference -->"
EVENTS_START = (
    "<!-- events: written by `python -m nttlearn.apidoc` from the declarations "
    "(nttlearn/event_types.py, each plugin's events.py); edit them there -->"
)
EVENTS_END = "<!-- /events -->"
BUILT_IN_PLUGINS = PLUGINS_DOC.parent.parent / "plugins"
SECTION = re.compile(r"^# -- (.+?) -+$")
ROLE = re.compile(r":(?:func|class|mod|data|meth):`~?([^`]+)`")


class UndocumentedName(ValueError):
    """A name of ``nttlearn.api`` has neither a docstring nor a ``#:`` comment."""


def _markdown(text: str) -> str:
    """reStructuredText's inline markup as Markdown: ``x`` and :func:`x` become `x`."""
    return ROLE.sub(r"`\1`", text.replace("``", "`"))


def _paragraphs(text: str) -> list[str]:
    return [_markdown(" ".join(p.split())) for p in inspect.cleandoc(text).split("\n\n")]


def _first_paragraph(text: str) -> str:
    return _paragraphs(text)[0]


def _annotation(value: object) -> str:
    return value if isinstance(value, str) else inspect.formatannotation(value)


def signature_of(function: object) -> str:
    """``(name: str, **kwargs: Any) -> list[Any]``: annotations as written in the source."""
    signature = inspect.signature(function)  # type: ignore[arg-type]
    parameters: list[str] = []
    starred = False
    for parameter in signature.parameters.values():
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and not starred:
            parameters.append("*")
        starred = starred or parameter.kind in (
            inspect.Parameter.VAR_POSITIONAL,
            inspect.Parameter.KEYWORD_ONLY,
        )
        stars = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}.get(
            parameter.kind, ""
        )
        text = stars + parameter.name
        if parameter.annotation is not inspect.Parameter.empty:
            text += f": {_annotation(parameter.annotation)}"
        if parameter.default is not inspect.Parameter.empty:
            text += f" = {parameter.default!r}"
        parameters.append(text)
    text = f"({', '.join(parameters)})"
    if signature.return_annotation is not inspect.Signature.empty:
        text += f" -> {_annotation(signature.return_annotation)}"
    return text


def _own_docstring(obj: object) -> str | None:
    """The object's own docstring: a model class must not borrow its base class's."""
    if inspect.isclass(obj):
        return obj.__dict__.get("__doc__")
    return getattr(obj, "__doc__", None) if callable(obj) else None


def _title(name: str, obj: object) -> str:
    if inspect.isfunction(obj):
        return f"`{name}{signature_of(obj)}`"
    if dataclasses.is_dataclass(obj) and inspect.isclass(obj):
        fields = [
            f.name
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            else f"{f.name}=…"
            for f in dataclasses.fields(obj)
        ]
        return f"`{name}({', '.join(fields)})`"
    return f"`{name}`"


def _statements() -> Iterator[tuple[str, list[str], str, ast.stmt]]:
    """(section, exported names, ``#:`` comment, statement) in the order of api.py."""
    lines = API_SOURCE.read_text(encoding="utf-8").splitlines()
    exported = set(api.__all__)
    for node in ast.parse("\n".join(lines)).body:
        if isinstance(node, ast.ImportFrom | ast.Import):
            names = [alias.asname or alias.name for alias in node.names]
        elif isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names = [node.name]
        else:
            continue
        names = [n for n in names if n in exported]
        if not names:
            continue
        comment: list[str] = []
        row = node.lineno - 2  # the line above the statement, 0-based
        while row >= 0 and lines[row].startswith("#:"):
            comment.insert(0, lines[row][2:].strip())
            row -= 1
        section = next(
            (m.group(1) for line in reversed(lines[: node.lineno]) if (m := SECTION.match(line))),
            "Version",
        )
        yield section, names, " ".join(comment), node


def reference() -> str:
    """The reference as Markdown: a heading per section, a bullet per name (or group of names)."""
    out: list[str] = [START, ""]
    for paragraph in _paragraphs(api.__doc__ or ""):
        out += [paragraph, ""]
    current = None
    documented: set[str] = set()
    for section, names, comment, _node in _statements():
        if section != current:
            if current is not None:
                out.append("")
            out += [f"### {section}", ""]
            current = section
        if comment:
            title = ", ".join(f"`{n}`" for n in names)
            if names == ["__version__"]:
                title = f'`__version__ = "{api.__version__}"`'
            out.append(f"- {title}: {_markdown(comment)}")
        else:
            for name in names:
                obj = getattr(api, name)
                doc = _own_docstring(obj)
                if not doc:
                    raise UndocumentedName(
                        f"nttlearn.api.{name}: add a docstring or a #: comment in api.py"
                    )
                out.append(f"- {_title(name, obj)}: {_first_paragraph(doc)}")
        documented.update(names)
    missing = sorted(set(api.__all__) - documented)
    if missing:
        raise UndocumentedName(
            f"nttlearn.api exports {missing} without a statement the reference can read"
        )
    return "\n".join([*out, "", END])


def declared_events() -> list[EventType]:
    """The core's event declarations, then the built-in plugins' (those whose code is in the
    repository's ``plugins/`` folder), in the order they are declared."""
    from .plugins import PluginHost

    host = PluginHost(strict=True)
    entry_points = metadata.entry_points(group=ENTRY_POINT_GROUP)
    built_in = []
    for ep in entry_points:
        module = importlib.import_module(ep.module)
        if Path(module.__file__ or "").resolve().is_relative_to(BUILT_IN_PLUGINS.resolve()):
            built_in.append(ep.name)
    host.load(sorted(built_in))
    declared = host.collect_event_types()
    core = [t for t in declared.values() if t.emitter == "core"]
    plugins = sorted((t for t in declared.values() if t.emitter != "core"), key=lambda t: t.emitter)
    return core + plugins


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def events_table() -> str:
    """The events as a Markdown table: name, emitter, ``course_id``, payload fields, meaning."""
    out = [
        EVENTS_START,
        "",
        "| event | emitted by | when | `course_id` | `data` |",
        "| --- | --- | --- | --- | --- |",
    ]
    for declared in declared_events():
        fields = (
            "<br>".join(
                f"`{key}` ({_cell(type_)}{'' if required else ', optional'}): {_cell(meaning)}"
                for key, type_, meaning, required in payload_fields(declared.payload)
            )
            or "`{}`"
        )
        emitter = "the core" if declared.emitter == "core" else f"`{declared.emitter}`"
        out.append(
            f"| `{declared.name}` | {emitter} | {_cell(declared.meaning)} | {_cell(declared.course)} | {fields} |"
        )
    return "\n".join([*out, "", EVENTS_END])


def with_reference(document: str) -> str:
    """``document`` with the text between the markers replaced by the current reference and
    events table."""
    start, end = document.index(START), document.index(END) + len(END)
    document = document[:start] + reference() + document[end:]
    start, end = document.index(EVENTS_START), document.index(EVENTS_END) + len(EVENTS_END)
    return document[:start] + events_table() + document[end:]


def main(argv: list[str]) -> int:
    document = PLUGINS_DOC.read_text(encoding="utf-8")
    fresh = with_reference(document)
    if "--check" in argv:
        if fresh != document:
            print(
                f"{PLUGINS_DOC}: the API reference or the events table is stale: run python -m nttlearn.apidoc",
                file=sys.stderr,
            )
            return 1
        return 0
    PLUGINS_DOC.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
