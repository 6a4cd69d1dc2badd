"""The site's icon: linked from every page, and answered at /favicon.ico, which browsers ask for."""

from __future__ import annotations

import re

from test_security_headers import csp_directives


def linked_icon(html: str) -> str:
    match = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert match, "the page links no SVG icon"
    return match.group(1)


def test_every_page_links_an_svg_icon_that_the_site_serves(client):
    page = client.get("/")
    icon = client.get(linked_icon(page.get_data(as_text=True)))

    assert icon.status_code == 200
    assert icon.mimetype == "image/svg+xml"
    assert b"<svg" in icon.data
    assert "'self'" in csp_directives(page)["img-src"]


def test_favicon_ico_answers_with_the_same_icon_cacheably(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response.mimetype.startswith("image/")
    assert response.data == client.get("/static/favicon.svg").data
    assert response.cache_control.public
    assert response.cache_control.max_age and response.cache_control.max_age >= 24 * 3600


def test_favicon_ico_stays_cacheable_for_a_logged_in_visitor(client, make_user, login_as):
    login_as(make_user())

    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert not response.cache_control.no_store
