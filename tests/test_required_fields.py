"""Every form says which fields must be filled in: in words beside the label, and to assistive
technology with required/aria-required on the control (the form macro ``field`` does it for every
field whose validators include DataRequired or InputRequired)."""

from __future__ import annotations

import re

import pytest


def label_and_control(html: str, field_id: str) -> tuple[str, str]:
    label = re.search(rf'<label for="{field_id}">(.*?)</label>', html, re.S)
    control = re.search(rf'<(?:input|select|textarea)\b[^>]*\bid="{field_id}"[^>]*>', html)
    assert label and control, f"no labelled control {field_id!r}"
    return label.group(1), control.group(0)


def is_marked_required(html: str, field_id: str) -> bool:
    label, control = label_and_control(html, field_id)
    words = "(required)" in label
    attributes = (
        bool(re.search(r"\brequired\b", control.replace("aria-required", "")))
        and 'aria-required="true"' in control
    )
    assert words == attributes, f"{field_id}: the words and the attributes disagree"
    return words


@pytest.mark.parametrize(
    "field_id, required",
    [
        ("name", True),
        ("email", True),
        ("password", True),
        ("confirm", True),
        ("town", False),
    ],
)
def test_registration_form_marks_the_required_fields_and_only_those(client, field_id, required):
    html = client.get("/register").get_data(as_text=True)

    assert is_marked_required(html, field_id) is required


def test_login_form_marks_email_and_password_required(client):
    html = client.get("/login").get_data(as_text=True)

    assert is_marked_required(html, "email")
    assert is_marked_required(html, "password")
    assert 'id="remember"' in html and "required" not in re.search(
        r'<input[^>]*id="remember"[^>]*>', html
    ).group(0)


def test_the_required_mark_is_in_the_visitors_language(client):
    html = client.get("/login", headers={"Accept-Language": "fi"}).get_data(as_text=True)

    label, _control = label_and_control(html, "email")
    assert "(pakollinen)" in label
