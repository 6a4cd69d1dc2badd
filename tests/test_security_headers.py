"""Security headers, cookie flags and the generated secret key."""

from __future__ import annotations

import re
import stat
import threading
from pathlib import Path

import pytest

from nttlearn.config import load_secret_key


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def test_every_page_forbids_inline_scripts_framing_and_sniffing(client):
    response = client.get("/")

    directives = csp_directives(response)
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_error_pages_and_downloads_carry_the_headers_too(client, make_user, login_as):
    login_as(make_user())

    for response in (client.get("/no-such-page"), client.get("/account/export.json")):
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_script_or_style_the_policy_would_block(
    client, make_user, make_course, login_as
):
    admin = make_user(role="admin")
    course = make_course(modules=1, lessons=2, trainer=admin)
    login_as(admin)
    client.post(f"/courses/{course.slug}/enrol")
    lesson_url = re.search(
        r'href="(/courses/[^"]+/lessons/\d+)"',
        client.get(f"/courses/{course.slug}").get_data(as_text=True),
    ).group(1)
    pages = [
        "/",
        "/dashboard",
        f"/courses/{course.slug}",
        lesson_url,
        "/account",
        "/account/delete",
        f"/teach/courses/{course.id}/progress",
        "/admin/",
        "/admin/users",
        "/admin/organisations",
        "/admin/plugins",
    ]

    for url in pages:
        html = client.get(url).get_data(as_text=True)
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None, f"inline script on {url}"
        assert re.search(r"\sstyle\s*=", html) is None, f"style attribute on {url}"
        assert re.search(r"\son[a-z]+\s*=", html) is None, f"inline event handler on {url}"


def session_cookie_header(response, name: str = "session") -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]
    assert headers, f"no {name} cookie set"
    return headers[-1]


def test_session_cookie_is_http_only_and_same_site_lax(client, make_user):
    from nttlearn.testing import login

    response = login(client, make_user())

    cookie = session_cookie_header(response)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # served over plain http on a laptop


def test_cookies_are_secure_when_the_site_is_served_over_https(app_factory, make_user, monkeypatch):
    from nttlearn.testing import TEST_PASSWORD

    monkeypatch.setenv("NTTLEARN_BASE_URL", "https://learn.example.org")
    app = app_factory()
    user = make_user()
    client = app.test_client()

    response = client.post(
        "/login",
        data={"email": user.email, "password": TEST_PASSWORD, "remember": "y"},
        base_url="https://learn.example.org",
    )

    assert "Secure" in session_cookie_header(response)
    assert "HttpOnly" in session_cookie_header(response)
    assert "Secure" in session_cookie_header(response, "remember_token")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_secret_key_is_generated_once_into_the_instance_folder_private_and_reused(
    app_factory, tmp_path, monkeypatch
):
    monkeypatch.delenv("NTTLEARN_SECRET_KEY", raising=False)
    instance = tmp_path / "fresh-instance"

    first = app_factory(config={"INSTANCE_PATH": str(instance)})
    second = app_factory(config={"INSTANCE_PATH": str(instance)})

    key_file = instance / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text().strip()
    assert not (Path(__file__).resolve().parent.parent / "secret_key").exists()


def test_a_configured_secret_key_wins_and_nothing_is_written(app_factory, tmp_path, monkeypatch):
    monkeypatch.setenv("NTTLEARN_SECRET_KEY", "configured-by-the-administrator")
    instance = tmp_path / "configured-instance"

    app = app_factory(config={"INSTANCE_PATH": str(instance)})

    assert app.config["SECRET_KEY"] == "configured-by-the-administrator"
    assert not (instance / "secret_key").exists()


@pytest.mark.parametrize("workers", [2, 8])
def test_workers_starting_together_share_one_complete_key(tmp_path, monkeypatch, workers):
    monkeypatch.delenv("NTTLEARN_SECRET_KEY", raising=False)
    start = threading.Barrier(workers)
    keys: list[str] = []

    def worker():
        start.wait()
        keys.append(load_secret_key(tmp_path))

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(set(keys)) == 1 and len(keys[0]) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_pages_and_downloads_for_a_logged_in_person_are_not_stored(
    client, make_user, make_course, login_as
):
    admin = make_user(role="admin")
    course = make_course(modules=1, lessons=1, trainer=admin)
    login_as(admin)

    for url in (
        "/dashboard",
        "/account",
        f"/courses/{course.slug}",
        "/account/export.json",
        f"/teach/courses/{course.id}/progress.csv",
        "/no-such-page",
    ):
        assert client.get(url).headers.get("Cache-Control") == "no-store", url


def test_the_anonymous_catalogue_and_static_files_stay_cacheable(
    client, make_user, make_course, login_as
):
    course = make_course(modules=1, lessons=1)

    for url in ("/", f"/courses/{course.slug}", "/static/style.css"):
        assert "no-store" not in client.get(url).headers.get("Cache-Control", ""), url
    login_as(make_user())
    assert "no-store" not in client.get("/static/style.css").headers.get("Cache-Control", "")
