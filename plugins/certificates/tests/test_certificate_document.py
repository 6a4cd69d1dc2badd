"""Template placeholders: substituted safely, localised, and refused with a clear message."""

from datetime import date

import pytest
from certificate_samples import certificate_data, template

from nttlearn_certificates.document import (
    PLACEHOLDERS,
    TemplateError,
    parse_colour,
    render_body,
    render_title,
    validate_template,
)


def test_every_placeholder_is_replaced_by_the_certificates_value():
    body = " | ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    text = render_body(template(body=body), certificate_data())
    assert text == (
        "Åsa Lindqvist | Twinned-town networks: Luleå, La Coruña and Jyväskylä | "
        "November 30, 2010 | 12.5 | NTT-7K4Q-M2XD | "
        "• Analyse local needs with partners in Luleå and La Coruña\n"
        "• Draft a thematic network proposal with the Città di Bologna | "
        "SERN – Sweden–Emilia-Romagna Network | November 30, 2012"
    )


def test_dates_and_hours_are_written_the_learners_way():
    data = certificate_data(locale="sv_SE")
    assert render_body(template(body="{date}, {hours} h, {valid_until}"), data) == (
        "30 november 2010, 12,5 h, 30 november 2012"
    )
    finnish = certificate_data(locale="fi", issued_on=date(2010, 5, 11))
    assert render_body(template(body="{date}"), finnish) == "11. toukokuuta 2010"


def test_missing_expiry_and_hours_leave_their_placeholders_empty():
    data = certificate_data(valid_until=None, hours=None)
    assert render_body(template(body="[{valid_until}][{hours}]"), data) == "[][]"


def test_an_empty_body_and_title_use_the_default_wording_in_the_learners_language():
    data = certificate_data(locale="it")
    assert render_title(template(), data) == "Attestato"
    assert render_body(template(), data).startswith(
        "ha completato con successo il corso Twinned-town networks: Luleå"
    )


def test_double_braces_print_literal_braces():
    assert render_body(template(body="{{code}} is {code}}}"), certificate_data()) == (
        "{code} is NTT-7K4Q-M2XD}"
    )


@pytest.mark.parametrize(
    "body",
    ["{learner_email}", "{0}", "{learner_name.__class__}", "{course_title!r}", "{code:>40}", "{}"],
)
def test_unknown_placeholders_and_format_tricks_are_refused_by_name(body):
    with pytest.raises(TemplateError) as raised:
        render_body(template(body=body), certificate_data())
    assert body in str(raised.value)
    assert "{learner_name}" in str(raised.value)


@pytest.mark.parametrize("body", ["Dear {learner_name", "costs } nothing", "{ {code}"])
def test_a_stray_brace_is_refused_with_its_position(body):
    with pytest.raises(TemplateError, match="character"):
        render_body(template(body=body), certificate_data())


def test_placeholder_values_are_not_themselves_expanded():
    data = certificate_data(learner_name="{code} {{x}")
    assert render_body(template(body="{learner_name}"), data) == "{code} {{x}"


def test_colours_are_read_as_hex_and_anything_else_is_refused():
    assert parse_colour("#1F3A5F") == (31, 58, 95)
    assert parse_colour("#fff") == (255, 255, 255)
    for bad in ("red", "#12345", "1F3A5F", "#GG0000", "", "#1F3A5F;"):
        with pytest.raises(TemplateError):
            parse_colour(bad)


def test_validate_template_checks_text_length_placeholders_and_colours():
    validate_template(template(title="Attestato", body="{learner_name} {date}"))
    for bad in (
        template(body="{nope}"),
        template(primary_colour="blue"),
        template(title="x" * 500),
        template(body="x" * 5000),
    ):
        with pytest.raises(TemplateError):
            validate_template(bad)
