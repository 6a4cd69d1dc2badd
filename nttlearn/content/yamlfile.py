"""YAML that remembers where each key was written, so problems read ``path:line: message``."""

from __future__ import annotations

from typing import Any

import yaml


class LineDict(dict):
    """A mapping with the line of each key (``lines``) and of the mapping itself (``line``)."""

    line: int = 1
    lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[str(key)] = key_node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class YamlError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


def load_yaml(text: str, first_line: int = 1) -> Any:
    """Parse YAML; a syntax error becomes :class:`YamlError` with the line in the file."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader  # nosec B506
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + first_line) if mark else first_line
        raise YamlError(line, f"invalid YAML: {exc.problem or exc}") from exc


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Lists indented under their key ("activities:\n  - id: quiz"), as people write them.
        return super().increase_indent(flow, False)


class _ListItem(str):
    """A text inside a list (an outcome): written plain, wrapped at the line width."""


def _represent_str(dumper: _Dumper, value: str) -> yaml.ScalarNode:
    # Multi-line texts as literal blocks: an exported package stays readable in a diff.
    # Long one-line texts folded at the line width, as people write them by hand.
    if any(c in value for c in "\x85\u2028\u2029\r"):
        style: str | None = '"'  # unusual line breaks: only the escaped form reads back the same
    elif "\n" in value.rstrip("\n"):
        style = "|"
    elif len(value) > 80 and not isinstance(value, _ListItem):
        style = ">"
    else:
        style = None
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_ListItem, _represent_str)


def dump_yaml(data: Any) -> str:
    """Stable, readable YAML (keys in the given order, Unicode kept) for exported packages.

    Dumping the same data always gives the same text, which makes export → import → export
    byte-identical.
    """
    return yaml.dump(
        _plain(data),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=92,
        default_flow_style=False,
    )


def _plain(data: Any) -> Any:
    if isinstance(data, dict):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_ListItem(v) if type(v) is str else _plain(v) for v in data]
    return data
