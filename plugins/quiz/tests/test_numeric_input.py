"""Reading the numbers learners type, in English and in the partners' own conventions."""

import pytest

from nttlearn_quiz.numeric_input import NumberFormatError, parse_number


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1500", 1500.0),
        ("  1500  ", 1500.0),
        ("1500 EUR", 1500.0),
        ("1500EUR", 1500.0),
        ("45 %", 45.0),
        ("-3", -3.0),
        ("\u22123", -3.0),  # the typographic minus sign
        ("+2.5", 2.5),
        ("3.141", 3.141),  # a single dot is always the decimal point
        ("1,5", 1.5),  # decimal comma
        ("0,250", 0.25),  # a lone 0 cannot be a thousands group
        (",5", 0.5),
        ("1234,567", 1234.567),  # four digits before the comma: not grouping
        ("12,3456", 12.3456),
        ("1 500", 1500.0),
        ("1\u00a0500,5", 1500.5),
        ("1'500", 1500.0),
        ("1 234 567 m²", 1234567.0),
        ("1,234.5", 1234.5),
        ("1.234,5", 1234.5),
        ("1.234.567", 1234567.0),
        ("1,234,567", 1234567.0),
        ("1.5e3", 1500.0),
        ("2E-2 kg", 0.02),
        ("5. Answer", 5.0),
    ],
)
def test_reads_numbers(typed, value):
    assert parse_number(typed) == value


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "EUR 1500",
        "about 1500",
        "2 3",  # two numbers
        "1,500",  # 1.5 or 1500?
        "12,345",
        "1.2.3",
        "1,23,456",
        "1 50",
        "1.234.5,6,7",
        "1e999",
    ],
)
def test_refuses_what_it_cannot_read_for_sure(typed):
    with pytest.raises(NumberFormatError):
        parse_number(typed)


def test_ambiguous_number_message_shows_both_readings():
    with pytest.raises(NumberFormatError) as error:
        parse_number("1,500")
    assert "1500" in str(error.value) and "1.500" in str(error.value)
