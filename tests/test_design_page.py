"""The /design page and the design system's tokens: every colour pair meets WCAG AA in both schemes."""

from __future__ import annotations

import pytest

from nttlearn.design.tokens import PAIRS, colour_tokens, contrast, measured_pairs


def test_an_admin_sees_every_component_with_its_class_names(client, make_user, login_as):
    login_as(make_user(role="admin"))

    page = client.get("/design").get_data(as_text=True)

    for class_name in (
        "button.primary",
        ".danger",
        ".link-button",
        ".required-marker",
        ".help",
        ".error",
        "table.data",
        "div.table-scroll",
        ".card",
        ".alert-warning",
        ".badge.success",
        ":focus-visible",
    ):
        assert f"<code>{class_name}" in page, class_name
    assert "--color-text" in page and "15.56:1" in page


@pytest.mark.parametrize("role", ["learner", "trainer"])
def test_the_design_page_is_refused_to_everyone_but_administrators(
    client, make_user, login_as, role
):
    login_as(make_user(role=role))

    assert client.get("/design").status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/design")

    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_every_colour_pair_meets_wcag_aa_in_the_light_and_the_dark_scheme():
    failing = [
        (m.pair.foreground, m.pair.background, m.light, m.dark)
        for m in measured_pairs()
        if not m.passes
    ]

    assert failing == []
    assert len(measured_pairs()) == len(PAIRS)


def test_the_dark_scheme_remaps_the_colours_the_pages_use():
    tokens = colour_tokens()

    assert tokens["dark"]["color-bg"] != tokens["light"]["color-bg"]
    assert contrast(tokens["dark"]["color-text"], tokens["dark"]["color-bg"]) > 12
    assert set(tokens["dark"]) == set(tokens["light"])


def test_contrast_is_computed_as_wcag_defines_it():
    assert round(contrast("#000000", "#ffffff"), 2) == 21
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54
