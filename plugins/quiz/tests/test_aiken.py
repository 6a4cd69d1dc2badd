"""Aiken files as Moodle reads them: single-answer multiple choice, errors with line numbers."""

from nttlearn_quiz.aiken import parse_aiken
from nttlearn_quiz.questions import MultipleChoiceQuestion

TWO_QUESTIONS = """What is the first phase of the project cycle?
A) Needs analysis
B) Submitting the proposal
C) Writing the budget
ANSWER: A

Which town hosted the transnational meeting of 11-12 March 2010?
A. Bologna
B. Luleå
ANSWER: B
"""


def test_reads_questions_options_and_the_right_answer():
    result = parse_aiken(TWO_QUESTIONS)
    assert result.errors == []
    first, second = result.questions
    assert isinstance(first, MultipleChoiceQuestion)
    assert first.text == "What is the first phase of the project cycle?"
    assert [(a.text, a.fraction) for a in first.answers] == [
        ("Needs analysis", 1.0),
        ("Submitting the proposal", 0.0),
        ("Writing the budget", 0.0),
    ]
    assert first.single is True
    assert [(a.text, a.fraction) for a in second.answers] == [("Bologna", 0.0), ("Luleå", 1.0)]


def test_questions_are_plain_text_named_after_their_text_and_know_their_line():
    result = parse_aiken(TWO_QUESTIONS)
    assert [q.format for q in result.questions] == ["plain", "plain"]
    assert [q.line for q in result.questions] == [1, 7]
    assert result.questions[1].name == "Which town hosted the transnational meeting of..."


def test_question_text_may_take_several_lines():
    result = parse_aiken("Read the case.\nWhich partner leads?\nA) Bologna\nB) Umeå\nANSWER: A\n")
    assert result.questions[0].text == "Read the case.\nWhich partner leads?"


def test_windows_line_endings_bom_and_lowercase_answer_letter():
    result = parse_aiken("\ufeffQ?\r\nA) yes\r\nB) no\r\nANSWER: b\r\n")
    assert result.errors == []
    assert [a.fraction for a in result.questions[0].answers] == [0.0, 1.0]


def test_answer_naming_no_option_is_an_error_at_its_line():
    result = parse_aiken("Q?\nA) yes\nB) no\nANSWER: D\n\n" + TWO_QUESTIONS, "bank.txt")
    assert [str(e) for e in result.errors] == [f"bank.txt:4: {result.errors[0].message}"]
    assert len(result.questions) == 2


def test_missing_answer_line_is_reported_and_the_next_question_still_reads():
    result = parse_aiken("Q1?\nA) yes\nB) no\n\nQ2?\nA) yes\nB) no\nANSWER: B\n")
    assert [e.line for e in result.errors] == [1]
    assert [q.text for q in result.questions] == ["Q2?"]


def test_missing_answer_at_the_end_of_the_file():
    result = parse_aiken("Q?\nA) yes\nB) no\n")
    assert result.questions == []
    assert [e.line for e in result.errors] == [1]


def test_a_single_option_is_not_enough():
    result = parse_aiken("Q?\nA) yes\nANSWER: A\n")
    assert [e.line for e in result.errors] == [3]


def test_option_without_question_text():
    result = parse_aiken("A) yes\nB) no\nANSWER: A\n\nQ?\nA) x\nB) y\nANSWER: A\n")
    assert [e.line for e in result.errors] == [1]
    assert [q.text for q in result.questions] == ["Q?"]


def test_repeated_option_letter():
    result = parse_aiken("Q?\nA) yes\nA) no\nANSWER: A\n")
    assert [e.line for e in result.errors] == [3]


def test_answer_line_without_letter_or_question():
    assert [e.line for e in parse_aiken("ANSWER: A\n").errors] == [1]
    assert [e.line for e in parse_aiken("Q?\nA) x\nB) y\nANSWER:\n").errors] == [4]


def test_a_file_with_more_questions_than_the_limit_is_refused():
    result = parse_aiken(TWO_QUESTIONS, "two.txt", max_questions=1)

    assert result.questions == []
    assert len(result.errors) == 1 and result.errors[0].line == 7
    assert "more than 1 questions" in result.errors[0].message
    assert len(parse_aiken(TWO_QUESTIONS, max_questions=2).questions) == 2
