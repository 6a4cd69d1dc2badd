"""The browser's rubric editor, without JavaScript: the page posts the whole draft rubric with
the button pressed (add, remove or move a criterion, add or remove a level, save), and the draft
comes back changed until it is saved.

Field names: ``criteria`` (how many), ``c<i>-key`` (kept, hidden; a new criterion's key is made
from its title), ``c<i>-title``, ``c<i>-levels`` (how many), ``c<i>-l<j>-points``, ``-label``
and ``-descriptor``. The button is ``action``: ``save``, ``add-criterion``, ``remove-<i>``,
``up-<i>``, ``down-<i>``, ``add-level-<i>``, ``remove-level-<i>-<j>``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from . import rubric as rubrics


def draft_of(rubric: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """A stored rubric as the editor's draft (a new rubric: one criterion with three levels)."""
    if not rubric:
        return [new_criterion()]
    return [
        {
            "key": c["key"],
            "title": c["title"],
            "levels": [
                {
                    "points": rubrics.points_key(level["points"]),
                    "label": level["label"],
                    "descriptor": level["descriptor"],
                }
                for level in c["levels"]
            ],
        }
        for c in rubric["criteria"]
    ]


def new_criterion() -> dict[str, Any]:
    return {
        "key": "",
        "title": "",
        "levels": [{"points": str(n), "label": "", "descriptor": ""} for n in range(3)],
    }


def _count(form: Mapping[str, str], name: str, most: int) -> int:
    try:
        return max(0, min(int(form.get(name, "0")), most))
    except ValueError:
        return 0


def read_draft(form: Mapping[str, str]) -> list[dict[str, Any]]:
    """The draft rubric the page sent, as typed."""
    draft = []
    for i in range(_count(form, "criteria", rubrics.MAX_CRITERIA + 1)):
        levels = [
            {
                "points": form.get(f"c{i}-l{j}-points", "").strip(),
                "label": form.get(f"c{i}-l{j}-label", ""),
                "descriptor": form.get(f"c{i}-l{j}-descriptor", "").replace("\r\n", "\n"),
            }
            for j in range(_count(form, f"c{i}-levels", rubrics.MAX_LEVELS + 1))
        ]
        draft.append(
            {
                "key": form.get(f"c{i}-key", "").strip(),
                "title": form.get(f"c{i}-title", ""),
                "levels": levels,
            }
        )
    return draft


def apply_action(draft: list[dict[str, Any]], action: str) -> bool:
    """Change ``draft`` as the button ``action`` says; False for ``save`` or an unknown button."""
    numbers = [int(n) for n in re.findall(r"\d+", action)]
    name = re.sub(r"-\d+", "", action)
    valid = all(n < len(draft) for n in numbers[:1])
    if name == "add-criterion" and len(draft) < rubrics.MAX_CRITERIA:
        draft.append(new_criterion())
    elif name == "remove" and valid and len(numbers) == 1 and len(draft) > 1:
        draft.pop(numbers[0])
    elif name == "up" and valid and len(numbers) == 1 and numbers[0] > 0:
        i = numbers[0]
        draft[i - 1], draft[i] = draft[i], draft[i - 1]
    elif name == "down" and valid and len(numbers) == 1 and numbers[0] + 1 < len(draft):
        i = numbers[0]
        draft[i + 1], draft[i] = draft[i], draft[i + 1]
    elif name == "add-level" and valid and len(numbers) == 1:
        levels = draft[numbers[0]]["levels"]
        if len(levels) < rubrics.MAX_LEVELS:
            taken = [float(p) for p in (level["points"] for level in levels) if _is_number(p)]
            levels.append(
                {
                    "points": rubrics.points_key(max(taken, default=-1) + 1),
                    "label": "",
                    "descriptor": "",
                }
            )
    elif name == "remove-level" and valid and len(numbers) == 2:
        levels = draft[numbers[0]]["levels"]
        if numbers[1] < len(levels) and len(levels) > rubrics.MIN_LEVELS:
            levels.pop(numbers[1])
    else:
        return False
    return True


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title).strip("-")[:40].strip("-")


def checked(draft: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The rubric to store from ``draft`` (new criteria get a key from their title), or None and
    the problems by field name, in the reader's language."""
    errors: dict[str, str] = {}
    keys = {c["key"] for c in draft if rubrics.KEY.match(c["key"] or "")}
    criteria = []
    for i, criterion in enumerate(draft):
        title = criterion["title"].strip()
        if not title:
            errors[f"c{i}-title"] = _("Give the criterion a title.")
        elif len(title) > rubrics.LIMITS["title"]:
            errors[f"c{i}-title"] = _("At most %(num)s characters.", num=rubrics.LIMITS["title"])
        key = criterion["key"] if rubrics.KEY.match(criterion["key"] or "") else ""
        if not key:
            base = _slug(title) or "criterion"
            key, n = base, 2
            while key in keys:
                key, n = f"{base[:36]}-{n}", n + 1
            keys.add(key)
            criterion["key"] = key
        if len(criterion["levels"]) < rubrics.MIN_LEVELS:
            errors[f"c{i}-title"] = _("A criterion needs at least two levels.")
        seen: set[str] = set()
        levels = []
        for j, level in enumerate(criterion["levels"]):
            at = f"c{i}-l{j}"
            try:
                points = float(level["points"])
            except ValueError:
                points = -1.0
            if not 0 <= points <= rubrics.MAX_POINTS:
                errors[f"{at}-points"] = _(
                    "Points are a number from 0 to %(most)s.", most=rubrics.MAX_POINTS
                )
            elif rubrics.points_key(points) in seen:
                errors[f"{at}-points"] = _("Two levels of this criterion have the same points.")
            seen.add(rubrics.points_key(points))
            for what, message in (
                ("label", _("Give the level a name.")),
                ("descriptor", _("Describe what work at this level looks like.")),
            ):
                if not level[what].strip():
                    errors[f"{at}-{what}"] = message
                elif len(level[what]) > rubrics.LIMITS[what]:
                    errors[f"{at}-{what}"] = _(
                        "At most %(num)s characters.", num=rubrics.LIMITS[what]
                    )
            levels.append(
                {"points": points, "label": level["label"], "descriptor": level["descriptor"]}
            )
        criteria.append({"key": criterion["key"], "title": title, "levels": levels})
    if errors:
        return None, errors
    data = {"criteria": criteria}
    if rubrics.structure_problems(
        data
    ):  # the totals cannot differ: every level has the same points
        return None, {
            "rubric": _(
                "The levels must give different marks: give some levels more points than others."
            )
        }
    return rubrics.plain(data), {}
