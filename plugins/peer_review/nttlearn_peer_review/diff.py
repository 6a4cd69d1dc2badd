"""Word-level comparison of two texts, for comparing versions of a proposal section or of a whole
proposal, and its rendering as escaped HTML with ``<ins>`` and ``<del>`` marks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import Literal

from markupsafe import Markup, escape

__all__ = ["Change", "changed_word_counts", "compare_texts", "render_diff_html"]

Operation = Literal["equal", "insert", "delete"]
Change = tuple[Operation, str]

_TOKEN = re.compile(r"\s+|[^\s]+")
_WORD = re.compile(r"[^\s]+")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def compare_texts(old: str, new: str) -> list[Change]:
    """The changes that turn ``old`` into ``new``, word by word.

    Joining the ``equal`` and ``delete`` parts gives ``old`` back; joining ``equal`` and
    ``insert`` gives ``new``. Within a changed stretch the deletion comes first, and spaces
    between two changed words belong to the change, so "the quick" -> "a slow" reads as one
    replacement rather than two.
    """
    a, b = _tokens(old), _tokens(new)
    raw: list[Change] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            raw.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            raw.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            raw.append(("insert", "".join(b[j1:j2])))
    return _merge(raw)


def _merge(raw: list[Change]) -> list[Change]:
    """Join neighbouring changes, absorbing whitespace-only equal runs that sit between two."""
    merged: list[Change] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            merged.append(("delete", "".join(deleted)))
        if inserted:
            merged.append(("insert", "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for index, (op, text) in enumerate(raw):
        if op == "delete":
            deleted.append(text)
        elif op == "insert":
            inserted.append(text)
        elif (deleted or inserted) and text.isspace() and index + 1 < len(raw):
            deleted.append(text)
            inserted.append(text)
        else:
            flush()
            if merged and merged[-1][0] == "equal":
                merged[-1] = ("equal", merged[-1][1] + text)
            else:
                merged.append(("equal", text))
    flush()
    return merged


def render_diff_html(changes: Iterable[Change]) -> Markup:
    """The changes as HTML: insertions in ``<ins>``, deletions in ``<del>``, all text escaped.

    Line breaks are kept as they are; show the result in an element styled
    ``white-space: pre-wrap``.
    """
    parts = []
    for op, text in changes:
        if op == "equal":
            parts.append(escape(text))
        elif op == "insert":
            parts.append(Markup("<ins>%s</ins>") % text)
        elif op == "delete":
            parts.append(Markup("<del>%s</del>") % text)
        else:
            raise ValueError(f"unknown diff operation {op!r}")
    return Markup("").join(parts)


def changed_word_counts(changes: Iterable[Change]) -> tuple[int, int]:
    """How many words were added and removed, for a version list."""
    added = removed = 0
    for op, text in changes:
        if op == "insert":
            added += len(_WORD.findall(text))
        elif op == "delete":
            removed += len(_WORD.findall(text))
    return added, removed
