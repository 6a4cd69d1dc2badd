"""``NTTLEARN_TRACE_HOOKS=1`` puts each hook call in the log with its plugin and milliseconds."""

from __future__ import annotations

import logging
import re
from typing import TypedDict

from markupsafe import Markup

from nttlearn.api import EventType, emit, hookimpl
from nttlearn.testing import login


class NoData(TypedDict):
    pass


class Card:
    name = "card_probe"

    @hookimpl
    def nttlearn_template_slot(self, slot):
        return Markup("<p>card</p>") if slot == "dashboard" else None

    @hookimpl
    def nttlearn_event_types(self):
        return [EventType("card_probe.shown", NoData, "the card was shown")]


class Listener:
    name = "listener_probe"

    def __init__(self) -> None:
        self.heard: list[str] = []

    @hookimpl
    def nttlearn_on_event(self, event):
        self.heard.append(event.name)


def _trace_lines(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "nttlearn.hooks"]


def test_trace_names_the_hook_the_plugin_and_the_milliseconds(app_factory, make_user, caplog):
    caplog.set_level(logging.INFO, logger="nttlearn.hooks")
    listener = Listener()
    app = app_factory({"TRACE_HOOKS": True}, plugins=[Card(), listener])
    browser = app.test_client()
    with app.app_context():
        user = make_user()
        login(browser, user)

        browser.get("/dashboard")
        emit("card_probe.shown", user_id=user.id)

    lines = _trace_lines(caplog)
    assert any(
        re.fullmatch(r"hook nttlearn_template_slot \[card_probe\] \d+\.\d\d ms", line)
        for line in lines
    ), lines
    assert any(
        re.fullmatch(r"hook nttlearn_on_event \[listener_probe\] \d+\.\d\d ms", line)
        for line in lines
    ), lines
    assert listener.heard == ["card_probe.shown"]


def test_no_trace_unless_asked(app_factory, make_user, caplog):
    caplog.set_level(logging.INFO, logger="nttlearn.hooks")
    app = app_factory(plugins=[Card()])
    browser = app.test_client()
    with app.app_context():
        login(browser, make_user())

        page = browser.get("/dashboard").get_data(as_text=True)

    assert "<p>card</p>" in page
    assert _trace_lines(caplog) == []


def test_environment_variable_turns_the_trace_on(app_factory, monkeypatch):
    monkeypatch.setenv("NTTLEARN_TRACE_HOOKS", "1")

    app = app_factory(plugins=[Card()])

    assert app.config["TRACE_HOOKS"] is True
    assert app.extensions["nttlearn"].trace is not None
