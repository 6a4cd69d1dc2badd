"""A malformed request is the visitor's error, answered with the site's 400 or 404 page: never a
500. Numbers too large for the database or written in other scripts, NUL characters and file
names too long for the disk are refused before they reach a query or the file system."""

from __future__ import annotations

import re

import pytest
from core_helpers import walk_plugins
from werkzeug.routing import IntegerConverter

from nttlearn.request_args import SQL_INT_MAX, SQL_INT_MIN, parse_int
from nttlearn.testing import login

TOO_LARGE = [str(2**63), str(SQL_INT_MAX + 1)]  # SQLite's limit, and PostgreSQL's for an id column


@pytest.fixture
def site(app_factory):
    """Every installed plugin; errors answered with the error page, as in production."""
    app = app_factory(config={"PROPAGATE_EXCEPTIONS": False}, plugins=walk_plugins())
    with app.app_context():
        yield app


def logged_in(site, user):
    browser = site.test_client()
    assert login(browser, user).status_code == 302
    return browser


def int_urls(site, value: str) -> list[tuple[str, str]]:
    """(method, path) for every rule of the URL map with an ``<int:…>`` part, once for each such
    part set to ``value`` (the other parts 1, or a word the rule accepts)."""
    urls = []
    for rule in site.url_map.iter_rules():
        plain = {
            name: "1"
            if isinstance(converter, IntegerConverter)
            else sorted(getattr(converter, "items", ["x"]))[0]
            for name, converter in rule._converters.items()
        }
        for name, converter in rule._converters.items():
            if isinstance(converter, IntegerConverter):
                parts = {**plain, name: value}
                path = re.sub(
                    r"<(?:[^<>]*:)?([^<>:]+)>", lambda m, parts=parts: parts[m.group(1)], rule.rule
                )
                urls.append((sorted(rule.methods & {"GET", "POST", "DELETE"})[0], path))
    return urls


@pytest.mark.parametrize("value", TOO_LARGE)
def test_a_number_too_large_for_the_database_in_any_url_is_not_found(site, make_user, value):
    urls = int_urls(site, value)
    visitors = [logged_in(site, make_user(role="admin")), logged_in(site, make_user())]

    answers = {
        (method, url): {browser.open(url, method=method).status_code for browser in visitors}
        for method, url in urls
    }

    assert len(urls) > 100  # the core's and every plugin's rules
    assert {key: codes for key, codes in answers.items() if codes != {404}} == {}


def test_digits_of_other_scripts_in_a_url_are_not_found(site, make_user, make_course):
    course = make_course(trainer=make_user(role="trainer"))
    admin = logged_in(site, make_user(role="admin"))
    arabic_indic = "".join(chr(0x660 + int(d)) for d in str(course.id))

    assert admin.get(f"/author/courses/{course.id}").status_code == 200
    assert admin.get(f"/author/courses/{arabic_indic}").status_code == 404


def test_the_not_found_page_of_a_huge_id_is_the_site_s_error_page(site, make_user):
    admin = logged_in(site, make_user(role="admin"))

    response = admin.get(f"/author/courses/{2**64}")

    assert response.status_code == 404
    assert "This page does not exist" in response.get_data(as_text=True)


@pytest.mark.parametrize("page", [str(2**63), "²", "abc", "0", "-3"])
def test_a_page_number_that_is_not_a_page_is_a_bad_request(site, make_user, page):
    admin = logged_in(site, make_user(role="admin"))

    response = admin.get(f"/admin/users?page={page}")

    assert response.status_code == 400
    assert "A value in the address or the form is not valid." in response.get_data(as_text=True)


def test_the_bad_request_page_speaks_the_visitor_s_language(site):
    response = site.test_client().get("/catalogue?q=%00", headers={"Accept-Language": "it"})

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert (
        "Richiesta non valida" in page
        and "Un valore nell&#39;indirizzo o nel modulo non è valido." in page
    )


def test_an_empty_page_number_is_the_first_page(site, make_user):
    admin = logged_in(site, make_user(role="admin", name="Paged Admin"))

    response = admin.get("/admin/users?page=")

    assert response.status_code == 200 and "Paged Admin" in response.get_data(as_text=True)


@pytest.mark.parametrize("module_id", [str(2**63), "²", "1.5"])
def test_the_lesson_preview_refuses_a_malformed_module_number(
    site, make_user, make_course, module_id
):
    trainer = make_user(role="trainer")
    course = make_course(trainer=trainer)

    response = logged_in(site, trainer).post(
        f"/author/courses/{course.id}/markdown-preview",
        data={"module_id": module_id, "body": "text"},
    )

    assert response.status_code == 400


@pytest.mark.parametrize("url", ["/catalogue?q=%00", "/courses/a%00b", "/password/forgot"])
def test_a_nul_character_anywhere_in_a_request_is_a_bad_request(site, url):
    browser = site.test_client()

    response = (
        browser.post(url, data={"email": "a\x00@example.org"})
        if "forgot" in url
        else browser.get(url)
    )

    assert response.status_code == 400


def test_deleting_a_media_file_whose_name_is_too_long_for_the_disk_says_there_is_no_such_file(
    site, make_user, make_course
):
    trainer = make_user(role="trainer")
    course = make_course(trainer=trainer)

    response = logged_in(site, trainer).post(
        f"/author/courses/{course.id}/media/{'x' * 5000}.png/delete", follow_redirects=True
    )

    assert response.status_code == 200
    assert "There is no such file." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("42", 42),
        ("-7", -7),
        ("0", 0),
        ("²", None),
        ("١٢", None),
        ("１", None),
        (" 1", None),
        ("1_000", None),
        ("1.0", None),
        ("", None),
        (None, None),
        (str(SQL_INT_MAX), SQL_INT_MAX),
        (str(SQL_INT_MAX + 1), None),
        (str(SQL_INT_MIN), SQL_INT_MIN),
        (str(SQL_INT_MIN - 1), None),
        ("9" * 5000, None),
    ],
)
def test_only_ascii_integers_within_the_database_s_range_are_numbers(text, number):
    assert parse_int(text) == number
