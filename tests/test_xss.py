"""Nothing a person writes can run in another person's browser: lesson Markdown and names."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from nttlearn.content.markdown import render_markdown, sanitize_html

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<img src="javascript:alert(1)">',
    '<body onload="alert(1)">',
    '<div onmouseover="alert(1)">hover</div>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="  javascript:alert(1)">click</a>',
    '<a href="java\tscript:alert(1)">click</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">entities</a>',
    '<a href="&#x6A;avascript&#x3A;alert(1)">hex entities</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<svg onload="alert(1)"><circle r="10"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<div style="background:url(javascript:alert(1))">css</div>',
    '<div style="width: expression(alert(1))">css</div>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<input autofocus onfocus="alert(1)">',
    '<details open ontoggle="alert(1)">x</details>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<video><source onerror="alert(1)"></video>',
    '<a href="#" onclick="alert(1)">x</a>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    '"><script>alert(1)</script>',
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    '[x](https://example.org "title\\" onmouseover=\\"alert(1)")',
    "![x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<javascript:alert(1)>",
    "[x]: javascript:alert(1)\n\n[click][x]",
    '<http://example.org/"onmouseover="alert(1)>',
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
]

DANGEROUS_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "style",
    "link",
    "meta",
    "base",
    "form",
    "input",
    "button",
    "frame",
    "frameset",
    "applet",
    "video",
    "audio",
    "source",
    "body",
    "html",
    "textarea",
    "select",
    "template",
}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "srcset",
    "poster",
    "background",
}
SAFE_SCHEMES = ("http:", "https:", "mailto:")


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))

    handle_startendtag = handle_starttag


def problems_in(output: str) -> list[str]:
    """What in ``output`` could run script, load a document or restyle the page."""
    parser = Elements()
    parser.feed(output)
    parser.close()
    problems = []
    for tag, attrs in parser.found:
        if tag in DANGEROUS_TAGS:
            problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc"}:
                problems.append(f"{tag} {name}=")
            if name in URL_ATTRIBUTES and value is not None:
                # Browsers ignore whitespace and control characters inside a scheme.
                url = re.sub(r"[\x00-\x20]", "", html.unescape(value)).lower()
                scheme = re.match(r"^([a-z][a-z0-9+.-]*):", url)
                if scheme and not url.startswith(SAFE_SCHEMES):
                    problems.append(f"{tag} {name}={value}")
    return problems


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_payload_renders_without_anything_that_can_run(payload):
    output = render_markdown(payload)

    assert problems_in(output) == [], output


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_payload_is_cleaned_without_anything_that_can_run(payload):
    output = sanitize_html(payload)

    assert problems_in(output) == [], output


def test_ordinary_lesson_markdown_keeps_its_formatting():
    output = render_markdown(
        '# Title\n\nSome *emphasis*, a [link](https://europa.eu "EU") and ![map](media/map.png).\n\n'
        "| a | b |\n|---|---|\n| 1 | 2 |\n",
        media_base="/courses/c/media/",
    )

    assert "<h1>Title</h1>" in output
    assert "<em>emphasis</em>" in output
    assert 'href="https://europa.eu"' in output and 'rel="noopener noreferrer"' in output
    assert 'src="/courses/c/media/map.png"' in output
    assert "<table>" in output


def test_the_checker_itself_catches_what_it_looks_for():
    assert problems_in('<a href="java\tscript:x">') != []
    assert problems_in("<svg onload=x>") != []
    assert problems_in('<p style="color:red">') != []
    assert problems_in('<a href="https://example.org">ok</a>') == []


SCRIPT_NAME = '<script>alert("pwned")</script> Mallory'


def assert_escaped(html_text: str) -> None:
    assert SCRIPT_NAME not in html_text
    assert "&lt;script&gt;alert(" in html_text


def test_a_name_with_a_script_tag_is_shown_as_text_on_the_dashboard(client, make_user, login_as):
    login_as(make_user(name=SCRIPT_NAME))

    assert_escaped(client.get("/dashboard").get_data(as_text=True))


def test_a_name_with_a_script_tag_is_shown_as_text_in_the_progress_report(
    client, make_user, make_course, login_as
):
    from nttlearn.extensions import db
    from nttlearn.models import Enrolment

    trainer = make_user(role="trainer")
    course = make_course(trainer=trainer)
    learner = make_user(name=SCRIPT_NAME, org="<img src=x onerror=alert(1)> Town", country="IT")
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id, cohort="<b>cohort</b>"))
    db.session.commit()
    login_as(trainer)

    page = client.get(f"/teach/courses/{course.id}/progress").get_data(as_text=True)

    assert_escaped(page)
    assert "<img src=x" not in page and "<b>cohort</b>" not in page


def test_a_name_with_a_script_tag_is_shown_as_text_to_admins(client, make_user, login_as):
    victim = make_user(name=SCRIPT_NAME)
    login_as(make_user(role="admin"))

    assert_escaped(client.get("/admin/users").get_data(as_text=True))
    assert_escaped(client.get(f"/admin/users/{victim.id}").get_data(as_text=True))


def test_a_name_with_a_script_tag_is_shown_as_text_in_messages(
    client, make_user, make_course, login_as
):
    from nttlearn.extensions import db
    from nttlearn.models import Enrolment

    trainer = make_user(role="trainer")
    course = make_course(trainer=trainer)
    learner = make_user(name=SCRIPT_NAME)
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    db.session.commit()
    login_as(trainer)

    page = client.post(
        f"/teach/courses/{course.id}/learners/{learner.id}/unenrol",
        data={"confirmed": "1"},
        follow_redirects=True,
    )

    assert_escaped(page.get_data(as_text=True))
