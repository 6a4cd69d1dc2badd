"""Arrange helpers for the peer-review tests: teams, written proposals, phases."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from nttlearn import db
from nttlearn_peer_review import teams, writing
from nttlearn_peer_review.services import template_of
from nttlearn_peer_review.workflow import set_phase


def form_team(cap: SimpleNamespace, members: list, name: str = "Bologna–Luleå") -> Any:
    team = teams.create_team(
        cap.settings,
        cap.course.id,
        name,
        cap.trainer.id,
        members=[m.id for m in members],
        by_trainer=True,
    )
    db.session.commit()
    return team


def write_everything(
    cap: SimpleNamespace, team, author, words: str = "Evidence from every town."
) -> None:
    """Give the proposal a title, a policy area and text in every section."""
    assert writing.save_details(
        cap.settings, team, "Young Voices", "youth", team.details_version, author.id
    )
    sections = writing.ensure_sections(team, template_of(cap.settings))
    for key, section in sections.items():
        result = writing.save_section(
            cap.settings, team, key, f"{key}: {words}", section.version, author.id
        )
        assert not isinstance(result, writing.Conflict)
    db.session.commit()


def go_to(cap: SimpleNamespace, phase: str) -> None:
    set_phase(cap.settings, phase)
    db.session.commit()


def submitted_team(cap: SimpleNamespace, members: list, name: str = "Bologna–Luleå"):
    """A team that has written everything and submitted (the activity is put in submission)."""
    if cap.settings.phase == "drafting":
        go_to(cap, "submission")
    team = form_team(cap, members, name)
    write_everything(cap, team, members[0])
    submission = writing.submit(cap.settings, team, members[0].id)
    db.session.commit()
    return team, submission
