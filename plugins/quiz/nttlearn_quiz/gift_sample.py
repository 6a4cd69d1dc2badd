"""Generate large, valid GIFT files of mixed question types for benchmarks and load tests.

The questions are about the NTT+ method (networks of twinned towns), use every question type
and most of GIFT's syntax (titles, comments, categories, format markers, escapes, weights,
feedback, missing words, numerical ranges), and are reproducible from a seed.
"""

from __future__ import annotations

import random

_TOWNS = ("Bologna", "Luleå", "La Coruña", "Helsinki", "Reggio Emilia", "Umeå", "Vigo", "Espoo")
_AREAS = (
    "Youth and development",
    "Social-sector enterprises",
    "Renewable energy sources",
    "Family support from a gender-equality perspective",
    "Integration and immigration from an employment perspective",
)
_PHASES = ("idea", "needs analysis", "partner search", "work plan", "budget", "submission")


def generate_gift(n: int, seed: int = 0) -> str:
    """A GIFT file of ``n`` questions cycling through every type; the same seed gives the same
    file. Every question is valid, so `parse_gift` reads ``n`` questions and no errors."""
    rng = random.Random(seed)
    parts: list[str] = ["// Generated GIFT sample: NTT+ project design questions\n\n"]
    writers = (
        _multichoice,
        _missing_word,
        _multiple_answers,
        _truefalse,
        _shortanswer,
        _numerical,
        _numerical_range,
        _matching,
        _essay,
        _description,
    )
    for i in range(n):
        if i % 50 == 0:
            parts.append(f"$CATEGORY: $course$/top/{rng.choice(_AREAS)}/Set {i // 50 + 1}\n\n")
        parts.append(writers[i % len(writers)](i, rng) + "\n\n")
    return "".join(parts)


def _multichoice(i: int, rng: random.Random) -> str:
    town = rng.choice(_TOWNS)
    wrong = rng.sample([t for t in _TOWNS if t != town], 3)
    return (
        f"// question {i}\n"
        f"::Meeting {i}::Which town hosted meeting number {i} of the network?{{\n"
        f"\t={town}#Right\\: the meeting was in {town}.\n"
        + "".join(f"\t~{t}#No, not {t}.\n" for t in wrong)
        + "\t####Transnational meetings rotate between partners.\n}"
    )


def _missing_word(i: int, rng: random.Random) -> str:
    phase = rng.choice(_PHASES)
    others = [p for p in _PHASES if p != phase][:2]
    return (
        f"The {{={phase} ~{others[0]} ~{others[1]}}} phase comes in step {i} of the project cycle."
    )


def _multiple_answers(i: int, rng: random.Random) -> str:
    right = rng.sample(_AREAS, 2)
    wrong = [a for a in _AREAS if a not in right][:2]
    return (
        f"::Areas {i}::[markdown]Which **two** policy areas did group {i} choose?{{\n"
        f"\t~%50%{right[0]}\n\t~%50%{right[1]}\n"
        f"\t~%-50%{wrong[0]}#Not chosen.\n\t~%-50%{wrong[1]}\n}}"
    )


def _truefalse(i: int, rng: random.Random) -> str:
    value = rng.choice(("TRUE", "FALSE", "T", "F"))
    return (
        f"::TF {i}::NTT+ ran from January to November 2010 \\{{case {i}\\}}."
        f"{{{value}#Check the dates.#Correct.}}"
    )


def _shortanswer(i: int, rng: random.Random) -> str:
    town = rng.choice(_TOWNS)
    return f"::Town {i}::Name the partner town coded {i}.{{={town} =%50%{town[:3]}*#Close.}}"


def _numerical(i: int, rng: random.Random) -> str:
    value = rng.randint(10, 100)
    return (
        f"::Participants {i}::How many participants came to session {i}?{{#\n"
        f"\t={value}:0#Exactly.\n\t=%50%{value}:{rng.randint(1, 5)}#Close.\n\t~#No.\n}}"
    )


def _numerical_range(i: int, rng: random.Random) -> str:
    low = rng.randint(1, 50)
    return f"::Range {i}::Give a number of organisations for round {i}.{{#{low}..{low + 10}}}"


def _matching(i: int, rng: random.Random) -> str:
    towns = rng.sample(_TOWNS[:4], 3)
    countries = {"Bologna": "Italy", "Luleå": "Sweden", "La Coruña": "Spain", "Helsinki": "Finland"}
    pairs = "".join(f"\t={t} -> {countries[t]}\n" for t in towns)
    return f"::Match {i}::Match each town of round {i} with its country.{{\n{pairs}}}"


def _essay(i: int, rng: random.Random) -> str:
    return (
        f"::Essay {i}::Describe the needs of your town for proposal {i} ({rng.choice(_AREAS)}).{{}}"
    )


def _description(i: int, rng: random.Random) -> str:
    return f"::Intro {i}::[html]<p>Part {i}: the next questions cover {rng.choice(_PHASES)}.</p>"
