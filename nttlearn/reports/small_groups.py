"""Figures about groups of people that other learners see: a group smaller than
``NTTLEARN_MIN_GROUP_SIZE`` (default 5) is hidden, so that no one's results can be singled out.

A figure about a one-person organisation ("Comune di Prova: 3 courses completed") is that person's
record shown to everyone. The core and every plugin ask :func:`large_enough` with the number of
different people behind a figure before showing it to anyone but the course's staff.
"""

from __future__ import annotations

from flask import current_app

DEFAULT_MIN_GROUP_SIZE = 5


def min_group_size() -> int:
    """The smallest group whose figures other learners may see (``NTTLEARN_MIN_GROUP_SIZE``)."""
    return max(1, int(current_app.config.get("MIN_GROUP_SIZE", DEFAULT_MIN_GROUP_SIZE)))


def large_enough(people: int) -> bool:
    """Whether a figure made from ``people`` different persons may be shown to other learners."""
    return people >= min_group_size()
