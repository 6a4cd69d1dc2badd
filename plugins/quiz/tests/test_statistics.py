"""Item analysis checked against values worked out by hand for a small fixed data set."""

import math

import pytest

from nttlearn_quiz.statistics import answer_frequencies, quiz_statistics

# Five attempts at four questions; question 3 is worth 2 marks, the others 1.
FRACTIONS = [
    [1, 1, 1, 1],
    [1, 0, 0.5, 1],
    [0, 1, 0.5, None],  # question 4 left unanswered: counts as 0
    [1, 0, 0, 0],
    [0, 0, 1, 1],
]
MAX_MARKS = [1, 1, 2, 1]
# Scores (fraction × max mark):   totals:
#   1 1 2 1                       5
#   1 0 1 1                       3
#   0 1 1 0                       2
#   1 0 0 0                       1
#   0 0 2 1                       3
STATS = quiz_statistics(FRACTIONS, MAX_MARKS)


def test_number_of_attempts_and_maximum():
    assert STATS.attempts == 5
    assert STATS.max_mark == 5.0


def test_mean_median_and_sample_standard_deviation_of_totals():
    # mean = (5 + 3 + 2 + 1 + 3) / 5 = 14 / 5 = 2.8
    assert STATS.mean == pytest.approx(2.8)
    # sorted 1 2 3 3 5 -> median 3
    assert STATS.median == 3.0
    # deviations 2.2 0.2 -0.8 -1.8 0.2; squares 4.84 + 0.04 + 0.64 + 3.24 + 0.04 = 8.8
    # sample variance 8.8 / 4 = 2.2; sd = sqrt(2.2) = 1.48324
    assert STATS.standard_deviation == pytest.approx(1.4832397, abs=1e-6)


def test_cronbach_alpha():
    # Sample variances of the question scores:
    #   Q1 1 1 0 1 0 (mean .6): (.16 + .16 + .36 + .16 + .36) / 4 = 1.2 / 4 = 0.3
    #   Q2 1 0 1 0 0 (mean .4): (.36 + .16 + .36 + .16 + .16) / 4 = 0.3
    #   Q3 2 1 1 0 2 (mean 1.2): (.64 + .04 + .04 + 1.44 + .64) / 4 = 2.8 / 4 = 0.7
    #   Q4 1 1 0 0 1 (mean .6): 0.3
    # sum = 1.6; variance of totals = 2.2; k = 4
    # alpha = 4/3 * (1 - 1.6 / 2.2) = 4/3 * 3/11 = 4/11 = 0.363636...
    assert STATS.cronbach_alpha == pytest.approx(4 / 11)


def test_facility_index_is_the_mean_fraction_in_percent():
    # Q1 3/5, Q2 2/5, Q3 (1 + .5 + .5 + 0 + 1)/5 = 3/5, Q4 3/5
    assert [q.facility for q in STATS.questions] == pytest.approx([60.0, 40.0, 60.0, 60.0])


def test_standard_deviation_of_each_question_in_percent():
    # fractions' sample variance: Q1 0.3, Q2 0.3, Q3 (Q3 scores / 2) 0.7 / 4 = 0.175, Q4 0.3
    expected = [100 * math.sqrt(v) for v in (0.3, 0.3, 0.175, 0.3)]
    assert [q.standard_deviation for q in STATS.questions] == pytest.approx(expected)
    assert expected[0] == pytest.approx(54.772, abs=1e-3)


def test_discrimination_index_correlates_each_question_with_the_rest_of_the_test():
    # Q1: x = 1 1 0 1 0 (mean .6), rest = total - x = 4 2 2 0 3 (mean 2.2)
    #     dx = .4 .4 -.6 .4 -.6; dr = 1.8 -.2 -.2 -2.2 .8
    #     Σdx·dr = .72 - .08 + .12 - .88 - .48 = -0.6; Σdx² = 1.2; Σdr² = 8.8
    #     r = -0.6 / sqrt(1.2 × 8.8) = -0.6 / sqrt(10.56) = -0.184637
    # Q2: x = 1 0 1 0 0 (mean .4), rest = 4 3 1 1 3 (mean 2.4)
    #     Σdx·dr = .96 - .24 - .84 + .56 - .24 = 0.2; Σdx² = 1.2; Σdr² = 7.2
    #     r = 0.2 / sqrt(8.64) = 0.068041
    # Q3: x = 2 1 1 0 2 (mean 1.2), rest = 3 2 1 1 1 (mean 1.6)
    #     Σdx·dr = 1.12 - .08 + .12 + .72 - .48 = 1.4; Σdx² = 2.8; Σdr² = 3.2
    #     r = 1.4 / sqrt(8.96) = 0.467707
    # Q4: x = 1 1 0 0 1 (mean .6), rest = 4 2 2 1 2 (mean 2.2)
    #     Σdx·dr = .72 - .08 + .12 + .72 - .08 = 1.4; Σdx² = 1.2; Σdr² = 4.8
    #     r = 1.4 / sqrt(5.76) = 1.4 / 2.4 = 0.583333
    assert [q.discrimination for q in STATS.questions] == pytest.approx(
        [-18.4637, 6.8041, 46.7707, 58.3333], abs=1e-4
    )


def test_how_often_each_answer_was_chosen():
    # Q1 as a choice question with three answers: attempts chose A, A, C, A and B.
    assert answer_frequencies([0, 0, 2, 0, 1], 3) == [3, 1, 1]
    # A multiple-answer question: lists of ticked answers; None = not answered.
    assert answer_frequencies([[0, 1], [1], None, [], [1, 2]], 4) == [1, 3, 1, 0]
    with pytest.raises(ValueError):
        answer_frequencies([3], 3)


def test_one_attempt_gives_no_spread_statistics_instead_of_crashing():
    stats = quiz_statistics([[1, 0.5, None, 0]], MAX_MARKS)
    # total = 1×1 + 0.5×1 + 0×2 + 0×1 = 1.5
    assert (stats.attempts, stats.mean, stats.median) == (1, 1.5, 1.5)
    assert stats.standard_deviation is None
    assert stats.cronbach_alpha is None
    assert [q.facility for q in stats.questions] == [100.0, 50.0, 0.0, 0.0]
    assert [q.discrimination for q in stats.questions] == [None] * 4
    assert [q.standard_deviation for q in stats.questions] == [None] * 4


def test_no_attempts():
    stats = quiz_statistics([], MAX_MARKS)
    assert stats.attempts == 0
    assert (stats.mean, stats.median, stats.standard_deviation) == (None, None, None)
    assert [q.facility for q in stats.questions] == [None] * 4


def test_zero_variance_gives_none_not_a_division_error():
    stats = quiz_statistics([[1, 0.5], [1, 0.5], [1, 0.5]], [1, 1])
    assert stats.standard_deviation == 0.0
    assert stats.cronbach_alpha is None
    assert [q.discrimination for q in stats.questions] == [None, None]


def test_a_question_everyone_got_right_has_no_discrimination():
    stats = quiz_statistics([[1, 1], [1, 0], [1, 0.5]], [1, 1])
    assert stats.questions[0].discrimination is None
    assert stats.questions[1].discrimination is None  # the rest of the test is constant


def test_questions_without_marks_do_not_count_in_alpha():
    with_description = quiz_statistics([row + [None] for row in FRACTIONS], MAX_MARKS + [0])
    assert with_description.cronbach_alpha == pytest.approx(4 / 11)


def test_rejects_malformed_input():
    with pytest.raises(ValueError):
        quiz_statistics([[1, 1]], MAX_MARKS)
    with pytest.raises(ValueError):
        quiz_statistics([[1.5, 0, 0, 0]], MAX_MARKS)
