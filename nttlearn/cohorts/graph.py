"""What waits for what among a course's modules and activities, and the cycles that would keep
something locked for ever. A leaf module: course packages check their ``requires`` with it too."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

Node = TypeVar("Node", bound=Hashable)


def find_cycle(edges: Mapping[Node, set[Node]]) -> list[Node] | None:
    """A cycle in ``edges`` (item -> the items it waits for) as a path that ends where it starts,
    or None."""
    state: dict[Node, int] = {}  # 1: on the current path, 2: done
    path: list[Node] = []

    def visit(item: Node) -> list[Node] | None:
        state[item] = 1
        path.append(item)
        for after in sorted(edges.get(item, ()), key=repr):
            if state.get(after) == 1:
                return path[path.index(after) :] + [after]
            if after not in state and (found := visit(after)):
                return found
        path.pop()
        state[item] = 2
        return None

    for item in sorted(edges, key=repr):
        if item not in state and (found := visit(item)):
            return found
    return None


def waits_for(
    rules: Mapping[Node, list[Node]], module_of: Mapping[Node, Node]
) -> dict[Node, set[Node]]:
    """What each item waits for: its prerequisites, and an activity its module (an activity is
    locked while its module is). Waiting for a module is waiting for each of its activities too,
    since completing the module means completing them. ``module_of`` maps each activity to its
    module."""
    edges: dict[Node, set[Node]] = {item: set(prereqs) for item, prereqs in rules.items()}
    for activity, module in module_of.items():
        edges.setdefault(activity, set()).add(module)
        edges.setdefault(module, set())
    for item, prereqs in rules.items():
        for prereq in prereqs:
            edges[item] |= {a for a, m in module_of.items() if m == prereq}
    return edges
