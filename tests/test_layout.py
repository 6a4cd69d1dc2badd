"""The markup that keeps pages usable on a phone without JavaScript: a navigation menu behind a
labelled checkbox, wide tables in focusable scrolling regions (browser checks: e2e/test_phone_layout.py)."""

from __future__ import annotations

from nttlearn.content.markdown import render_markdown


def test_the_navigation_folds_behind_a_labelled_checkbox_before_its_links(client):
    page = client.get("/").get_data(as_text=True)

    toggle = page.index('<input type="checkbox" id="nav-toggle"')
    assert (
        toggle
        < page.index('<label for="nav-toggle"')
        < page.index('<div class="nav-panel" id="nav-panel">')
    )
    assert page.index('id="nav-panel"') < page.index('href="/login"')


def test_a_table_in_a_lesson_scrolls_inside_a_focusable_box():
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n")

    assert html.startswith('<div class="table-scroll" tabindex="0"><table>')
    assert html.rstrip().endswith("</table></div>")


def test_a_table_typed_as_text_stays_text():
    html = render_markdown("`<table>` and &lt;table&gt;")

    assert "table-scroll" not in html


def test_admin_tables_are_focusable_scrolling_regions(client, make_user, login_as):
    login_as(make_user(role="admin"))

    for path, name in [
        ("/admin/plugins", "Plugins"),
        ("/admin/users", "Users"),
        ("/admin/organisations", "Organisations"),
    ]:
        page = client.get(path).get_data(as_text=True)
        assert (
            f'<div class="table-scroll" role="region" tabindex="0" aria-label="{name}">' in page
        ), path
