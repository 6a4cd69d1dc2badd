"""GIFT as Moodle reads it: every feature trainers rely on, errors with line numbers, the JSON
shape of `nttlearn quiz gift-to-json`, and writing questions back without loss."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nttlearn_quiz.gift import GiftError, export_gift, parse_gift
from nttlearn_quiz.gift_sample import generate_gift
from nttlearn_quiz.questions import (
    Answer,
    DescriptionQuestion,
    EssayQuestion,
    MatchingPair,
    MatchingQuestion,
    MultipleChoiceQuestion,
    NumericalAnswer,
    NumericalQuestion,
    Question,
    ShortAnswerQuestion,
    TrueFalseQuestion,
    category_path,
    questions_to_json,
)


def only(text: str) -> Question:
    result = parse_gift(text)
    assert result.errors == []
    assert len(result.questions) == 1
    return result.questions[0]


def answers(question) -> list[tuple[str, float, str]]:
    return [(a.text, a.fraction, a.feedback) for a in question.answers]


# -- question types ---------------------------------------------------------------------------


def test_multiple_choice_with_one_right_answer_is_single():
    question = only("Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}")
    assert isinstance(question, MultipleChoiceQuestion)
    assert question.single is True
    assert question.text == "Who's buried in Grant's tomb?"
    assert answers(question) == [("Grant", 0, ""), ("Jefferson", 0, ""), ("no one", 1, "")]


def test_multiple_choice_answers_may_span_lines():
    question = only("Which town?{\n  =Bologna\n  ~Luleå\n  ~Helsinki\n}")
    assert [a.text for a in question.answers] == ["Bologna", "Luleå", "Helsinki"]


def test_missing_word_question_keeps_a_blank_where_the_answers_were():
    question = only("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert question.text == "Grant is _____ in Grant's tomb."
    assert answers(question)[1] == ("entombed", 1, "")


def test_answers_at_the_very_end_leave_no_blank():
    assert only("The capital of Italy is{=Rome ~Milan}").text == "The capital of Italy is"


def test_multiple_answers_with_partial_and_negative_weights():
    question = only(
        "What two people are entombed in Grant's tomb? {\n"
        "   ~%-100%No one\n   ~%50%Grant\n   ~%50%Grant's wife\n   ~%-100%Grant's father\n}"
    )
    assert question.single is False
    assert [a.fraction for a in question.answers] == [-1.0, 0.5, 0.5, -1.0]


def test_decimal_weights_are_percentages():
    question = only("Pick the thirds{~%33.33333%a ~%33.33333%b ~%33.33334%c ~d}")
    assert [a.fraction for a in question.answers] == [0.3333333, 0.3333333, 0.3333334, 0.0]


def test_a_weight_after_equals_sign_is_read_too():
    question = only("Q{=%50%half =%50%other half ~none}")
    assert [a.fraction for a in question.answers] == [0.5, 0.5, 0.0]
    assert question.single is False


def test_multiple_choice_with_partial_credit_besides_a_right_answer_is_not_single():
    # Issue 5: single means one full-marks answer and no other weighted answer.
    assert only("Q{=right ~%50%almost ~wrong}").single is False


def test_per_answer_feedback_follows_a_hash():
    question = only("Capital of Finland?{=Helsinki#Yes, Helsinki. ~Espoo#No, Espoo is next door.}")
    assert answers(question) == [
        ("Helsinki", 1, "Yes, Helsinki."),
        ("Espoo", 0, "No, Espoo is next door."),
    ]


def test_general_feedback_follows_four_hashes():
    question = only("Capital?{=Rome#Right ~Milan####Rome has been the capital since 1871.}")
    assert question.general_feedback == "Rome has been the capital since 1871."
    assert answers(question)[0] == ("Rome", 1, "Right")


def test_true_false_short_and_long_forms():
    assert only("Bologna is in Italy.{T}").correct is True
    assert only("Bologna is in Italy.{TRUE}").correct is True
    assert only("Luleå is in Spain.{F}").correct is False
    assert only("Luleå is in Spain.{FALSE}").correct is False


def test_true_false_feedback_is_wrong_then_right():
    question = only("The meeting in Bologna was in March 2010.{T#No, it was in March.#Yes.}")
    assert isinstance(question, TrueFalseQuestion)
    assert question.true_feedback == "Yes."
    assert question.false_feedback == "No, it was in March."
    false = only("The Helsinki meeting was in 2009.{F#It was in 2010.#Right, 2010.}")
    assert false.false_feedback == "Right, 2010."
    assert false.true_feedback == "It was in 2010."


def test_lowercase_true_is_a_short_answer_as_in_moodle():
    assert isinstance(only("Say yes{true}"), ShortAnswerQuestion)


def test_short_answer_accepts_several_answers_with_weights():
    question = only("Who's buried in Grant's tomb?{=no one =nobody =%50%Grant#Half right}")
    assert isinstance(question, ShortAnswerQuestion)
    assert answers(question) == [("no one", 1, ""), ("nobody", 1, ""), ("Grant", 0.5, "Half right")]


def test_short_answer_without_equals_sign():
    assert answers(only("Capital of Sweden?{Stockholm}")) == [("Stockholm", 1, "")]


def test_numerical_value_and_tolerance():
    question = only("When was Ulysses S. Grant born?{#1822:5}")
    assert isinstance(question, NumericalQuestion)
    assert question.answers == [NumericalAnswer(1822.0, 5.0, 1.0, "")]


def test_numerical_exact_value():
    assert only("Two plus two?{#4}").answers == [NumericalAnswer(4.0, 0.0, 1.0, "")]


def test_numerical_range_is_midpoint_and_half_width():
    assert only("A number from 1 to 5{#1..5}").answers == [NumericalAnswer(3.0, 2.0, 1.0, "")]


def test_numerical_negative_and_decimal_values():
    assert only("Q{#-2.5:0.25}").answers[0] == NumericalAnswer(-2.5, 0.25, 1.0, "")
    assert only("Q{#-10..-6}").answers[0] == NumericalAnswer(-8.0, 2.0, 1.0, "")


def test_several_numerical_answers_with_weights_and_feedback():
    question = only(
        "When was Grant born?{#\n"
        "    =1822:0      # Correct! Full credit.\n"
        "    =%50%1822:2  # Close: half credit.\n"
        "}"
    )
    assert question.answers == [
        NumericalAnswer(1822.0, 0.0, 1.0, "Correct! Full credit."),
        NumericalAnswer(1822.0, 2.0, 0.5, "Close: half credit."),
    ]


def test_numerical_answers_on_one_line():
    question = only("Q{#=%100%5:0 =%50%5:2}")
    assert [(a.value, a.tolerance, a.fraction) for a in question.answers] == [
        (5.0, 0.0, 1.0),
        (5.0, 2.0, 0.5),
    ]


def test_numerical_feedback_for_any_other_number():
    question = only("Q{#=5:0#Right ~#Count again.}")
    assert question.answers[-1] == NumericalAnswer(None, 0.0, 0.0, "Count again.")


def test_matching_pairs():
    question = only(
        "Match the towns with their countries. {\n"
        "    =Bologna -> Italy\n    =Luleå -> Sweden\n    =La Coruña -> Spain\n"
        "    ####Four countries took part.\n}"
    )
    assert isinstance(question, MatchingQuestion)
    assert question.pairs == [
        MatchingPair("Bologna", "Italy"),
        MatchingPair("Luleå", "Sweden"),
        MatchingPair("La Coruña", "Spain"),
    ]
    assert question.general_feedback == "Four countries took part."


def test_matching_pair_without_question_is_an_extra_choice():
    question = only("Match{=Bologna -> Italy =Luleå -> Sweden = -> Norway}")
    assert question.pairs[-1] == MatchingPair("", "Norway")


def test_empty_braces_make_an_essay():
    question = only("Describe your town's needs in youth policy.{}")
    assert isinstance(question, EssayQuestion)
    assert question.text == "Describe your town's needs in youth policy."


def test_essay_with_general_feedback_only():
    assert only("Describe{####Mention the partners.}").general_feedback == "Mention the partners."


def test_text_without_braces_is_a_description():
    question = only("The next questions are about the budget.")
    assert isinstance(question, DescriptionQuestion)


# -- titles, comments, categories, formats -----------------------------------------------------


def test_title_between_double_colons():
    question = only("::Grant's tomb:: Who's buried in Grant's tomb?{=no one ~Grant}")
    assert question.name == "Grant's tomb"
    assert question.text == "Who's buried in Grant's tomb?"


def test_untitled_question_is_named_after_its_text_without_html():
    question = only("[html]<p>Which <b>town</b> hosted the first meeting?</p>{=Bologna ~Luleå}")
    assert question.name == "Which town hosted the first meeting?"


def test_long_untitled_question_name_is_shortened():
    text = "word " * 40 + "end"
    name = only(text + "{=a ~b}").name
    assert name.endswith("...") and len(name) <= 80


def test_comment_lines_are_ignored_even_inside_a_question():
    result = parse_gift(
        "// GIFT file for module 1\n"
        "::Q1:: Which town?\n// the right one is Bologna\n{=Bologna ~Luleå}\n"
        "// trailing comment\n"
    )
    assert result.errors == []
    assert [q.name for q in result.questions] == ["Q1"]
    assert result.questions[0].text == "Which town?"


def test_category_applies_to_the_questions_that_follow():
    result = parse_gift(
        "::A::first{T}\n\n$CATEGORY: $course$/top/Networks/Funding\n\n::B::second{T}\n\n"
        "::C::third{F}\n\n$CATEGORY: Energy\n\n::D::fourth{T}\n"
    )
    assert [(q.name, q.category) for q in result.questions] == [
        ("A", None),
        ("B", "$course$/top/Networks/Funding"),
        ("C", "$course$/top/Networks/Funding"),
        ("D", "Energy"),
    ]


def test_category_line_directly_followed_by_a_question():
    result = parse_gift("$CATEGORY: Youth\n::A::Q{T}\n")
    assert [(q.name, q.category) for q in result.questions] == [("A", "Youth")]


def test_category_path_drops_moodle_context_and_top():
    assert category_path("$course$/top/Networks/Funding") == ["Networks", "Funding"]
    assert category_path("Energy/Solar//Wind") == ["Energy", "Solar/Wind"]


@pytest.mark.parametrize("fmt", ["moodle", "html", "markdown", "plain"])
def test_format_marker_sets_the_format_and_is_removed(fmt):
    question = only(f"::Q::[{fmt}]Which *town*?{{=Bologna ~Luleå}}")
    assert question.format == fmt
    assert question.text == "Which *town*?"


def test_format_defaults_to_moodle_and_unknown_markers_stay_in_the_text():
    assert only("Which town?{=Bologna ~Luleå}").format == "moodle"
    question = only("[latex]x^2{=a ~b}")
    assert (question.format, question.text) == ("moodle", "[latex]x^2")


def test_format_markers_on_answers_and_feedback_are_removed():
    question = only("::Q::[html]Pick{=[html]<b>yes</b>#[html]<i>good</i> ~no}")
    assert answers(question)[0] == ("<b>yes</b>", 1, "<i>good</i>")


# -- escapes and file encodings ----------------------------------------------------------------


def test_escaped_control_characters_are_literal():
    question = only(
        "::A\\:B:: Is 1 \\= 1 \\~ \\#1 \\{set\\}?{=yes\\: it is#\\# means number ~no \\= wrong}"
    )
    assert question.name == "A:B"
    assert question.text == "Is 1 = 1 ~ #1 {set}?"
    assert answers(question) == [("yes: it is", 1, "# means number"), ("no = wrong", 0, "")]


def test_escaped_newline_and_backslash():
    question = only("Line one\\nline two \\\\ done{T}")
    assert question.text == "Line one\nline two \\ done"


def test_backslash_before_other_characters_stays():
    assert only("C:\\Users\\x path{T}").text == "C:\\Users\\x path"


def test_blank_lines_separate_questions_and_extra_ones_do_no_harm():
    result = parse_gift("\n\n::A::a{T}\n\n\n   \n::B::b{F}\n\n\n")
    assert [q.name for q in result.questions] == ["A", "B"]


def test_windows_line_endings():
    result = parse_gift("::A::Q{\r\n=yes\r\n~no\r\n}\r\n\r\n::B::R{T}\r\n")
    assert result.errors == []
    assert [q.name for q in result.questions] == ["A", "B"]
    assert answers(result.questions[0]) == [("yes", 1, ""), ("no", 0, "")]


def test_utf8_with_byte_order_mark():
    question = only("\ufeff::Città::Quale città?{=Bologna ~Luleå}")
    assert question.name == "Città"


def test_unicode_noncharacters_in_a_file_cannot_fake_escapes():
    question = only("a\ufdd0b{T}")
    assert question.text == "a\ufffdb"


# -- errors -----------------------------------------------------------------------------------


def test_errors_name_the_line_of_each_bad_question_and_reading_goes_on():
    text = (
        "::ok1::Fine{T}\n"  # 1
        "\n"  # 2
        "// a comment before the bad question\n"  # 3
        "::bad1::Missing brace{=a ~b\n"  # 4
        "\n"  # 5
        "::ok2::Also fine{F}\n"  # 6
        "\n"  # 7
        "::bad2::Only one choice{\n"  # 8
        "  ~only\n"  # 9
        "}\n"  # 10
    )
    result = parse_gift(text, "module1.gift")
    assert [q.name for q in result.questions] == ["ok1", "ok2"]
    assert [e.line for e in result.errors] == [4, 8]
    assert str(result.errors[0]).startswith("module1.gift:4: ")


def test_error_in_an_answer_names_the_answer_line():
    result = parse_gift("::N::Number{#\n  =5:1\n  =%50%five:2\n}\n")
    assert [e.line for e in result.errors] == [3]
    assert "five" in result.errors[0].message


@pytest.mark.parametrize(
    "text",
    [
        "Q{=a ~b",  # no closing brace
        "Q =a ~b}",  # no opening brace
        "Q } {=a ~b}",  # closing before opening
        "Q {=a {~b}",  # brace inside the block
        "Q {=a ~b} and {=c ~d}",  # two answer blocks
        "Q{~only}",  # one choice
        "Q{~a ~b}",  # nobody can earn marks
        "Q{~%50%a ~b}",  # nobody can earn full marks
        "Q{=a ~}",  # empty answer
        "Q{~%150%a ~b}",  # weight beyond 100%
        "Q{=%50%half}",  # short answer without full marks
        "Q{=a->b}",  # matching with one pair
        "Q{=a->b =c}",  # matching pair without arrow
        "Q{=a->b =c->}",  # matching pair without answer
        "Q{#abc}",  # not a number
        "Q{#5:-1}",  # negative tolerance
        "Q{#5..1}",  # reversed range
        "Q{#1e999}",  # overflowing number
        "Q{#~#feedback only}",  # numerical without a number
    ],
)
def test_invalid_questions_are_reported_not_imported(text):
    result = parse_gift(text, "f.gift")
    assert result.questions == []
    assert len(result.errors) == 1
    assert result.errors[0].line == 1
    assert str(result.errors[0]).startswith("f.gift:1: ")


def test_error_string_is_source_line_message():
    assert str(GiftError(7, "Broken.", "quiz.gift")) == "quiz.gift:7: Broken."


def test_numbers_are_read_never_evaluated():
    result = parse_gift("Q{#2**10}\n\nR{#__import__('os').getcwd()}\n\nS{#0x10}")
    assert result.questions == []
    assert [e.line for e in result.errors] == [1, 3, 5]


# -- JSON shape -------------------------------------------------------------------------------

COMMON = {"category": None, "general_feedback": None, "format": "moodle"}


def test_json_of_multichoice():
    data = only("::Q::Pick{=a#yes ~%-50%b}").to_json()
    assert data == {
        **COMMON,
        "type": "multichoice",
        "name": "Q",
        "text": "Pick",
        "single": False,
        "answers": [
            {"text": "a", "fraction": 1.0, "feedback": "yes"},
            {"text": "b", "fraction": -0.5, "feedback": ""},
        ],
    }


def test_json_of_truefalse():
    data = only("::Q::Sky is blue{T#Look up.#Yes.####Rayleigh.}").to_json()
    assert data == {
        **COMMON,
        "type": "truefalse",
        "name": "Q",
        "text": "Sky is blue",
        "general_feedback": "Rayleigh.",
        "answers": [
            {"text": "true", "fraction": 1.0, "feedback": "Yes."},
            {"text": "false", "fraction": 0.0, "feedback": "Look up."},
        ],
    }


def test_json_of_shortanswer():
    data = only("::Q::Capital?{=Rome =%50%Roma#Italian}").to_json()
    assert data == {
        **COMMON,
        "type": "shortanswer",
        "name": "Q",
        "text": "Capital?",
        "answers": [
            {"text": "Rome", "fraction": 1.0, "feedback": ""},
            {"text": "Roma", "fraction": 0.5, "feedback": "Italian"},
        ],
    }


def test_json_of_numerical():
    data = only("::Q::Year?{#=1822:0#Exact =%50%1820..1824}").to_json()
    assert data == {
        **COMMON,
        "type": "numerical",
        "name": "Q",
        "text": "Year?",
        "answers": [
            {"value": 1822.0, "tolerance": 0.0, "fraction": 1.0, "feedback": "Exact"},
            {"value": 1822.0, "tolerance": 2.0, "fraction": 0.5, "feedback": ""},
        ],
    }


def test_json_of_matching():
    data = only("::Q::Match{=Bologna -> Italy =Luleå -> Sweden}").to_json()
    assert data == {
        **COMMON,
        "type": "matching",
        "name": "Q",
        "text": "Match",
        "pairs": [
            {"question": "Bologna", "answer": "Italy"},
            {"question": "Luleå", "answer": "Sweden"},
        ],
    }


def test_json_of_essay_and_description():
    assert only("::E::[markdown]Write{}").to_json() == {
        **COMMON,
        "type": "essay",
        "name": "E",
        "text": "Write",
        "format": "markdown",
    }
    assert only("$CATEGORY: Intro\n::D::Read this.").to_json() == {
        **COMMON,
        "type": "description",
        "name": "D",
        "text": "Read this.",
        "category": "Intro",
    }


def test_gift_to_json_document_is_serialisable_and_reads_back():
    result = parse_gift("::A::Q{=a ~b}\n\n::B::R{#1..3}\n\n::C::S{T}\n")
    document = json.loads(json.dumps(questions_to_json(result.questions)))
    assert [Question.from_dict(q) for q in document["questions"]] == result.questions


def test_result_json_carries_the_errors():
    result = parse_gift("::A::Q{=a ~b}\n\n::B::R{=x\n")
    assert result.to_json()["errors"] == [{"line": 3, "message": result.errors[0].message}]


def test_from_dict_rejects_a_wrong_shape():
    with pytest.raises(ValueError):
        Question.from_dict({"type": "quiz", "name": "x", "text": "y"})
    with pytest.raises(ValueError):
        Question.from_dict(
            {
                "type": "multichoice",
                "name": "x",
                "text": "y",
                "answers": [{"text": "a", "fraction": 2}],
            }
        )


# -- writing GIFT -----------------------------------------------------------------------------

SAMPLE = """// Module 2
$CATEGORY: $course$/top/Project cycle

::Phase::[markdown]Which phase comes **first**?{
    =Idea#Yes\\: it all starts there.
    ~%-50%Budget#Not yet.
    ####See lesson 2.
}

The {=needs analysis ~budget} follows the idea.

::TF::NTT+ ended in 2010.{T##Right.}

::SA::Name a partner town.{=Bologna =Lule* =%50%Helsink*#Spelling?}

::Num::How many participants?{#=69:0 =%50%60..78 ~#Count again.}

$CATEGORY: Countries

::Match::Match.{=Bologna -> Italy =Luleå -> Sweden = -> Norway}

::Essay::Describe your town \\{in brief\\}.{####Mention partners.}

Read this first\\nand this.
"""


def test_exported_gift_reads_back_as_the_same_questions():
    questions = parse_gift(SAMPLE).questions
    assert len(questions) == 8
    again = parse_gift(export_gift(questions))
    assert again.errors == []
    assert again.questions == questions


def test_export_writes_category_lines_only_when_the_category_changes():
    text = export_gift(parse_gift(SAMPLE).questions)
    assert text.count("$CATEGORY:") == 2


def test_export_puts_missing_word_answers_back_in_the_text():
    text = export_gift(parse_gift("The {=needs analysis ~budget} follows the idea.").questions)
    assert text.strip() == "The {=needs analysis ~budget} follows the idea."


def test_export_refuses_what_gift_cannot_say():
    question = ShortAnswerQuestion(name="x", text="y", answers=[Answer("a->b", 1.0)])
    with pytest.raises(ValueError):
        export_gift([question])


def test_category_can_go_back_to_none():
    questions = [
        EssayQuestion(name="a", text="A", category="X"),
        EssayQuestion(name="b", text="B", category=None),
    ]
    assert parse_gift(export_gift(questions)).questions == questions


# Texts as the reader produces them: no surrounding white space, no carriage returns, and
# none of the noncharacters the reader uses internally.
_ALPHABET = st.sampled_from(list("ab Z09%[]-><_*/\\:#=~{}$\n\t.,éß") + ["->", "//", "_____"])
_text = st.lists(_ALPHABET, max_size=12).map("".join).map(lambda s: s.strip(" \t\n\r\x00\x0b"))
_nonempty = _text.filter(bool)
_format = st.sampled_from(["moodle", "html", "markdown", "plain"])
_fraction = st.one_of(
    st.sampled_from([0.0, 1.0, 0.5, -0.5, -1.0, 0.3333333]),
    st.floats(min_value=-1, max_value=1, allow_nan=False),
)
_number = st.floats(allow_nan=False, allow_infinity=False, width=64)
_category = st.one_of(st.none(), _nonempty.filter(lambda s: "\n" not in s))


def _common(draw):
    return {
        "name": draw(_nonempty),
        "text": draw(_text),
        "format": draw(_format),
        "category": draw(_category),
        "general_feedback": draw(st.one_of(st.none(), _nonempty)),
    }


@st.composite
def gift_questions(draw) -> Question:
    kind = draw(st.sampled_from(["mc", "tf", "sa", "num", "match", "essay", "description"]))
    common = _common(draw)
    if kind == "mc":
        fractions = draw(st.lists(_fraction, min_size=2, max_size=5))
        fractions[0] = 1.0  # somebody can earn full marks
        return MultipleChoiceQuestion(
            **common, answers=[Answer(draw(_nonempty), f, draw(_text)) for f in fractions]
        )
    if kind == "tf":
        return TrueFalseQuestion(
            **common,
            correct=draw(st.booleans()),
            true_feedback=draw(_text),
            false_feedback=draw(_text),
        )
    if kind == "sa":
        no_arrow = _nonempty.filter(lambda s: "->" not in s)
        fractions = [1.0] + draw(st.lists(_fraction, max_size=3))
        feedback = _text.filter(lambda s: "->" not in s)
        return ShortAnswerQuestion(
            **common, answers=[Answer(draw(no_arrow), f, draw(feedback)) for f in fractions]
        )
    if kind == "num":
        answers = [
            NumericalAnswer(draw(_number), abs(draw(_number)), f, draw(_text))
            for f in [1.0] + draw(st.lists(_fraction, max_size=2))
        ]
        if draw(st.booleans()):
            answers.append(NumericalAnswer(None, 0.0, 0.0, draw(_text)))
        return NumericalQuestion(**common, answers=answers)
    if kind == "match":
        left = _nonempty.filter(lambda s: "->" not in s)
        pairs = [MatchingPair(draw(left), draw(_nonempty)) for _ in range(draw(st.integers(2, 4)))]
        if draw(st.booleans()):
            pairs.append(MatchingPair("", draw(_nonempty)))
        return MatchingQuestion(**common, pairs=pairs)
    if kind == "essay":
        return EssayQuestion(**common)
    return DescriptionQuestion(**{**common, "general_feedback": None})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(gift_questions(), min_size=1, max_size=4))
def test_any_readable_question_survives_export_and_reading_back(questions):
    result = parse_gift(export_gift(questions))
    assert result.errors == []
    assert result.questions == questions


# -- generated samples ------------------------------------------------------------------------


def test_generated_sample_has_every_type_and_reads_without_errors():
    result = parse_gift(generate_gift(100, seed=5))
    assert result.errors == []
    assert len(result.questions) == 100
    assert {q.type for q in result.questions} == {
        "multichoice",
        "truefalse",
        "shortanswer",
        "numerical",
        "matching",
        "essay",
        "description",
    }
    assert generate_gift(100, seed=5) == generate_gift(100, seed=5)
    assert parse_gift(export_gift(result.questions)).questions == result.questions


def test_ten_thousand_generated_questions_parse_without_an_error():
    """Every question of a large generated file is read; its time is measured by bench/gift.py."""
    result = parse_gift(generate_gift(10_000))
    assert len(result.questions) == 10_000 and result.errors == []


def test_a_file_with_more_questions_than_the_limit_is_refused_at_the_first_one_too_many():
    text = "::A::One{T}\n\n::B::Two{T}\n\n// a comment\n::C::Three{T}\n"

    result = parse_gift(text, "big.gift", max_questions=2)

    assert result.questions == []
    assert [str(e) for e in result.errors] == [
        "big.gift:6: The file has more than 2 questions, the most one import takes: split it into several files "
        "(the limit is the quiz setting NTTLEARN_QUIZ_GIFT_MAX_QUESTIONS)."
    ]
    assert len(parse_gift(text, "big.gift", max_questions=3).questions) == 3
