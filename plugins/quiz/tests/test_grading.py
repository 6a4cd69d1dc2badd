"""Grading each question type from its JSON object, as the quiz and preview do."""

import random

import pytest

from nttlearn_quiz.gift import parse_gift
from nttlearn_quiz.grading import (
    BUILTIN_TYPES,
    Description,
    Essay,
    Grade,
    Matching,
    MultipleChoice,
    Numerical,
    QuestionType,
    ShortAnswer,
    TrueFalse,
    grade_response,
    one_choice,
)


def data(gift: str) -> dict:
    result = parse_gift(gift)
    assert result.errors == []
    return result.questions[0].to_json()


# -- multiple choice --------------------------------------------------------------------------

SINGLE = data("Capital of Finland?{=Helsinki#Yes. ~Espoo#Next door. ~Turku}")
MULTI = data("Which two?{~%50%Bologna#One. ~%50%Luleå ~%-100%Paris#Not a partner. ~Oslo}")


def test_single_choice_earns_the_chosen_answers_fraction_and_feedback():
    assert MultipleChoice().grade(SINGLE, 0) == Grade(1.0, ["Yes."])
    assert MultipleChoice().grade(SINGLE, 1) == Grade(0.0, ["Next door."])
    assert MultipleChoice().grade(SINGLE, 2) == Grade(0.0, [])


def test_multiple_answers_add_up_their_fractions():
    assert MultipleChoice().grade(MULTI, [0, 1]) == Grade(1.0, ["One."])
    assert MultipleChoice().grade(MULTI, [1]).fraction == 0.5
    assert MultipleChoice().grade(MULTI, [1, 3]).fraction == 0.5


def test_negative_weights_subtract_and_the_total_never_goes_below_zero():
    assert MultipleChoice().grade(MULTI, [0, 1, 2]) == Grade(0.0, ["One.", "Not a partner."])
    assert MultipleChoice().grade(MULTI, [1, 2]).fraction == 0.0


def test_ticking_everything_is_not_full_marks():
    assert MultipleChoice().grade(MULTI, [0, 1, 2, 3]).fraction == 0.0


def test_total_above_one_is_capped():
    question = data("Q{~%60%a ~%60%b ~c}")
    assert MultipleChoice().grade(question, [0, 1]).fraction == 1.0


def test_a_full_marks_answer_makes_one_choice_whatever_the_single_flag_says():
    # Moodle's rule: {=A ~%50%B ~C} is not "single" in the JSON, but it is answered with one
    # choice, so ticking every answer cannot earn 1 + 0.5 (capped to full marks).
    question = data("Q{=A ~%50%B ~C}")
    assert question["single"] is False
    assert one_choice(question) is True
    assert MultipleChoice().grade(question, [0, 1, 2]) == Grade(0.0)
    assert MultipleChoice().validate_response(question, [0, 1, 2]) != []
    assert MultipleChoice().grade(question, 1).fraction == 0.5
    assert MultipleChoice().correct_response(question) == 0
    assert one_choice(MULTI) is False


def test_unanswered_or_tampered_choice_earns_nothing():
    assert MultipleChoice().grade(SINGLE, None) == Grade(0.0)
    assert MultipleChoice().grade(SINGLE, 7) == Grade(0.0)
    assert MultipleChoice().grade(SINGLE, True) == Grade(0.0)
    assert MultipleChoice().grade(MULTI, [0, 0]) == Grade(0.0)


def test_multiple_choice_validation():
    assert MultipleChoice().validate_response(SINGLE, 2) == []
    assert MultipleChoice().validate_response(SINGLE, None) == []
    assert MultipleChoice().validate_response(SINGLE, 3) != []
    assert MultipleChoice().validate_response(SINGLE, [0]) != []
    assert MultipleChoice().validate_response(MULTI, [0, 3]) == []
    assert MultipleChoice().validate_response(MULTI, [4]) != []
    assert MultipleChoice().validate_response(MULTI, 0) != []


def test_shuffle_is_a_permutation_decided_by_the_random_generator():
    question = data("Q{=a ~b ~c ~d ~e ~f}")
    order = MultipleChoice().shuffle(question, random.Random(3))
    assert sorted(order) == [0, 1, 2, 3, 4, 5]
    assert MultipleChoice().shuffle(question, random.Random(3)) == order
    orders = {tuple(MultipleChoice().shuffle(question, random.Random(s))) for s in range(20)}
    assert len(orders) > 1


def test_correct_multiple_choice_response():
    assert MultipleChoice().correct_response(SINGLE) == 0
    assert MultipleChoice().correct_response(MULTI) == [0, 1]


# -- true/false -------------------------------------------------------------------------------

TF = data("NTT+ ran in 2010.{T#Check the dates.#Right.}")


def test_true_false_grades_the_choice_with_its_feedback():
    assert TrueFalse().grade(TF, True) == Grade(1.0, ["Right."])
    assert TrueFalse().grade(TF, False) == Grade(0.0, ["Check the dates."])
    assert TrueFalse().grade(TF, "true") == Grade(0.0)
    assert TrueFalse().validate_response(TF, "yes") != []
    assert TrueFalse().correct_response(data("Q{F}")) is False
    assert TrueFalse().shuffle(TF, random.Random(0)) is None


# -- short answer -----------------------------------------------------------------------------

SA = data("Partner town?{=Luleå#Yes. =Lule*#Spelling! =%50%*sweden*#Which town? =Bologna}")


def test_short_answer_ignores_case_and_surrounding_space():
    assert ShortAnswer().grade(SA, "  LULEÅ ") == Grade(1.0, ["Yes."])
    assert ShortAnswer().grade(SA, "bologna").fraction == 1.0


def test_short_answer_star_matches_any_run_of_characters():
    assert ShortAnswer().grade(SA, "Lulea") == Grade(1.0, ["Spelling!"])
    assert ShortAnswer().grade(SA, "Lule") == Grade(1.0, ["Spelling!"])
    assert ShortAnswer().grade(SA, "a town in Sweden, north") == Grade(0.5, ["Which town?"])
    assert ShortAnswer().grade(SA, "Helsinki") == Grade(0.0)


def test_short_answer_takes_the_best_matching_answer():
    question = data("Q{=%50%*a* =%100%banana =%25%b*}")
    assert ShortAnswer().grade(question, "banana").fraction == 1.0
    assert ShortAnswer().grade(question, "bread").fraction == 0.5


def test_short_answer_must_match_the_whole_response():
    assert ShortAnswer().grade(SA, "Bologna is nice").fraction == 0.0
    assert ShortAnswer().grade(SA, "in Bologna").fraction == 0.0


def test_short_answer_escaped_star_is_literal():
    question = data("Q{=a\\*b}")
    assert ShortAnswer().grade(question, "a*b").fraction == 1.0
    assert ShortAnswer().grade(question, "axxb").fraction == 0.0


def test_short_answer_regex_characters_are_literal():
    question = data("Q{=C++ (1.0)}")
    assert ShortAnswer().grade(question, "c++ (1.0)").fraction == 1.0
    assert ShortAnswer().grade(question, "c+ (1x0)").fraction == 0.0


def test_short_answer_can_be_case_sensitive():
    question = {**data("Q{=EU}"), "case_sensitive": True}
    assert ShortAnswer().grade(question, "EU").fraction == 1.0
    assert ShortAnswer().grade(question, "eu").fraction == 0.0


def test_short_answer_ignores_repeated_inner_spaces_and_unicode_forms():
    question = data("Q{=La Coruña}")
    assert ShortAnswer().grade(question, "la  corun\u0303a").fraction == 1.0  # n + tilde
    assert ShortAnswer().grade(question, "La Coruna").fraction == 0.0


def test_short_answer_correct_response_is_the_best_answer():
    assert ShortAnswer().correct_response(SA) == "Luleå"


# -- numerical --------------------------------------------------------------------------------

YEAR = data("Year?{#=1822:0#Exact. =%50%1822:2#Close. ~#No.}")


def test_numerical_best_answer_within_tolerance():
    assert Numerical().grade(YEAR, "1822") == Grade(1.0, ["Exact."])
    assert Numerical().grade(YEAR, "1824") == Grade(0.5, ["Close."])
    assert Numerical().grade(YEAR, "1820") == Grade(0.5, ["Close."])
    assert Numerical().grade(YEAR, "1825") == Grade(0.0, ["No."])


def test_numerical_range_includes_its_ends():
    question = data("Q{#1.1..1.3}")
    assert Numerical().grade(question, "1.3").fraction == 1.0
    assert Numerical().grade(question, "1.1").fraction == 1.0
    assert Numerical().grade(question, "1.31").fraction == 0.0


def test_numerical_ignores_units_and_trailing_text():
    question = data("Budget in euro?{#1500}")
    assert Numerical().grade(question, "1500 EUR").fraction == 1.0
    assert Numerical().grade(question, "1 500 €").fraction == 1.0
    assert Numerical().grade(question, "1,500.00 euro").fraction == 1.0


def test_numerical_decimal_comma():
    question = data("Q{#1.5}")
    assert Numerical().grade(question, "1,5").fraction == 1.0
    assert Numerical().grade(question, 1.5).fraction == 1.0


def test_numerical_ambiguous_or_unreadable_answer_earns_nothing_and_is_explained():
    question = data("Q{#1500}")
    assert Numerical().grade(question, "1,500") == Grade(0.0)
    assert Numerical().validate_response(question, "1,500") != []
    assert Numerical().validate_response(question, "about fifteen hundred") != []
    assert Numerical().validate_response(question, "1500") == []
    assert Numerical().validate_response(question, [1500]) != []


def test_numerical_correct_response():
    assert Numerical().correct_response(YEAR) == 1822.0


# -- matching ---------------------------------------------------------------------------------

MATCH = data(
    "Match{=Bologna -> Italy =Luleå -> Sweden =Vigo -> Spain =La Coruña -> Spain = -> Norway}"
)


def test_matching_fraction_is_the_share_of_items_matched_right():
    right = ["Italy", "Sweden", "Spain", "Spain", None]
    assert Matching().grade(MATCH, right) == Grade(1.0)
    assert Matching().grade(MATCH, ["Italy", "Spain", "Spain", None, None]).fraction == 0.5
    assert Matching().grade(MATCH, ["Norway", None, None, None, None]).fraction == 0.0
    assert Matching().correct_response(MATCH) == right


def test_matching_choices_include_distractors_once_each():
    assert Matching.choices(MATCH) == ["Italy", "Sweden", "Spain", "Norway"]
    order = Matching().shuffle(MATCH, random.Random(1))
    assert sorted(order) == [0, 1, 2, 3]


def test_matching_rejects_tampered_responses():
    assert Matching().validate_response(MATCH, ["Italy", "Sweden", "Spain", "Spain", None]) == []
    assert Matching().validate_response(MATCH, ["France", None, None, None, None]) != []
    assert Matching().validate_response(MATCH, ["Italy"]) != []
    assert Matching().validate_response(MATCH, [None, None, None, None, "Norway"]) != []
    assert Matching().grade(MATCH, ["Italy"]) == Grade(0.0)


# -- essay, description, registry -------------------------------------------------------------


def test_essay_is_left_for_a_person_to_grade():
    essay = data("Describe your town.{}")
    assert Essay.auto_graded is False and Essay.graded is True
    assert Essay().grade(essay, "My town is small.") == Grade(None, [])
    assert Essay().validate_response(essay, 42) != []


def test_description_takes_no_answer_and_no_marks():
    description = data("Read this.")
    assert Description.graded is False and Description.auto_graded is False
    assert Description().grade(description, None) == Grade(None, [])
    assert Description().validate_response(description, "x") != []


def test_builtin_types_cover_every_gift_type_and_have_labels():
    assert set(BUILTIN_TYPES) == {
        "multichoice",
        "truefalse",
        "shortanswer",
        "numerical",
        "matching",
        "essay",
        "description",
    }
    for key, cls in BUILTIN_TYPES.items():
        assert cls.key == key
        assert str(cls.label)


def test_grade_response_dispatches_on_the_question_type():
    assert grade_response(TF, True).fraction == 1.0
    with pytest.raises(KeyError):
        grade_response({"type": "poll"}, 1)


def test_another_plugin_can_add_a_type():
    class Poll(QuestionType):
        key = "poll"
        label = "Poll"

        def grade(self, question_data, response):
            return Grade(1.0 if response is not None else 0.0)

    types = {**BUILTIN_TYPES, Poll.key: Poll}
    assert grade_response({"type": "poll"}, "anything", types) == Grade(1.0)
    assert Poll().shuffle({}, random.Random(0)) is None
    assert Poll().validate_response({}, None) == []


def test_question_type_cannot_be_used_without_grade():
    with pytest.raises(TypeError):
        QuestionType()
