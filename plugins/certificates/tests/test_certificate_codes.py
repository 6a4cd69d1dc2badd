"""Certificate codes: format, randomness and forgiving normalisation of typed input."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nttlearn_certificates.codes import CODE_BITS, CROCKFORD_ALPHABET, new_code, normalise_code

CODE_PATTERN = re.compile(r"^NTT-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
symbols = st.text(alphabet=CROCKFORD_ALPHABET, min_size=8, max_size=8)


def test_new_code_is_prefix_and_two_groups_of_crockford_symbols():
    assert CODE_PATTERN.match(new_code())


def test_new_codes_carry_at_least_forty_random_bits_and_do_not_repeat():
    assert CODE_BITS >= 40
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000


def test_new_codes_never_contain_ambiguous_letters():
    assert not set("".join(new_code() for _ in range(200))) & set("ILOU")


@pytest.mark.parametrize(
    "typed",
    [
        "NTT-7K4Q-M2XD",
        "ntt-7k4q-m2xd",
        "ntt 7k4q m2xd",
        "NTT7K4QM2XD",
        " 7K4Q-M2XD ",
        "7k4qm2xd",
        "NTT-7K4Q-M2XD\n",
    ],
)
def test_normalise_accepts_case_spaces_and_missing_dashes_or_prefix(typed):
    assert normalise_code(typed) == "NTT-7K4Q-M2XD"


def test_normalise_reads_o_as_zero_and_i_or_l_as_one():
    assert normalise_code("NTT-OI1L-AB0o") == "NTT-0111-AB00"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "NTT-7K4Q-M2X",
        "NTT-7K4Q-M2XDD",
        "NTT-7K4Q-M2XU",
        "NTT-7K4Q-M2X!",
        "XYZ-7K4Q-M2XD",
        "NTT-7K4Q-M2XD" * 10,
        None,
    ],
)
def test_normalise_rejects_anything_that_is_not_a_code(typed):
    assert normalise_code(typed) is None


@given(symbols)
def test_any_code_survives_being_retyped_sloppily(body):
    code = f"NTT-{body[:4]}-{body[4:]}"
    sloppy = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert normalise_code(sloppy) == code
    assert normalise_code(code) == code
