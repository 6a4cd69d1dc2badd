"""Specification of peer-review grades, checked against values computed by hand.

The default rubric weighs relevance 30, design 25, partnership 20 and impact 25, with levels
worth 0-3 points. Reviews A, B and C of one proposal score (relevance, design, partnership,
impact) = (3, 3, 3, 3), (2, 2, 2, 2) and (3, 3, 0, 0).
"""

from __future__ import annotations

import pytest

from nttlearn_peer_review.grades import (
    GradingSettings,
    Review,
    agreement,
    agreement_statistics,
    criterion_fractions,
    final_grade,
    krippendorff_alpha_interval,
    review_total,
    reviewing_grades,
    strong_disagreements,
    submission_grade,
)
from nttlearn_peer_review.template import Rubric, default_rubric

RUBRIC = default_rubric()
KEYS = ("relevance", "design", "partnership", "impact")


def review(reviewer: str, points: tuple[int, ...], submission: str = "p1", late: bool = False):
    return Review(reviewer, submission, dict(zip(KEYS, points, strict=True)), late)


A = review("A", (3, 3, 3, 3))
B = review("B", (2, 2, 2, 2))
C = review("C", (3, 3, 0, 0))


def test_a_review_total_weighs_each_criterions_share_of_its_points():
    # 30*1 + 25*2/3 + 20*1/3 + 25*0 = 53.33 of 100
    assert review_total(RUBRIC, dict(zip(KEYS, (3, 2, 1, 0), strict=True))) == pytest.approx(
        53.3333, abs=1e-4
    )
    assert review_total(RUBRIC, A.scores) == 100
    assert review_total(RUBRIC, C.scores) == pytest.approx(55)


def test_the_lowest_level_counts_zero_even_when_it_is_worth_points():
    levels = [{"points": p, "label": str(p), "descriptor": "d"} for p in (1, 2, 3, 4)]
    rubric = Rubric.from_dict(
        {"criteria": [{"key": "quality", "title": "Quality", "weight": 1, "levels": levels}]}
    )
    assert criterion_fractions(rubric, {"quality": 1}) == {"quality": 0}
    assert review_total(rubric, {"quality": 2}) == pytest.approx(100 / 3)


@pytest.mark.parametrize(
    "scores",
    [
        {"relevance": 3, "design": 3, "partnership": 3},
        {"relevance": 3, "design": 3, "partnership": 3, "impact": 3, "budget": 1},
        {"relevance": 4, "design": 3, "partnership": 3, "impact": 3},
    ],
)
def test_incomplete_unknown_or_out_of_range_scores_are_refused(scores):
    with pytest.raises(ValueError):
        review_total(RUBRIC, scores)


def test_submission_grade_is_the_mean_or_median_of_its_review_totals():
    assert submission_grade([60, 70, 95]) == 75
    assert submission_grade([60, 70, 95], method="median") == 70
    assert submission_grade([60, 70], method="median") == 65


def test_a_trainers_override_wins_and_no_reviews_give_no_grade():
    assert submission_grade([60, 70, 95], override=88) == 88
    assert submission_grade([], override=0) == 0
    assert submission_grade([]) is None
    with pytest.raises(ValueError):
        submission_grade([50], override=101)


def test_agreement_measures_the_distance_to_the_other_reviews_consensus():
    # A against the mean of B and C: distances 1/6, 1/6, 2/3, 2/3 -> 100 * (1 - 39.17/100)
    assert agreement(RUBRIC, A, [A, B, C]) == pytest.approx(60.8333, abs=1e-4)
    # B against A and C: 1/3, 1/3, 1/6, 1/6 -> 100 * (1 - 25.83/100)
    assert agreement(RUBRIC, B, [A, B, C]) == pytest.approx(74.1667, abs=1e-4)
    # C against A and B: 1/6, 1/6, 5/6, 5/6 -> 100 * (1 - 46.67/100)
    assert agreement(RUBRIC, C, [A, B, C]) == pytest.approx(53.3333, abs=1e-4)


def test_identical_reviews_agree_fully_and_a_lone_review_has_no_agreement():
    twin = review("D", (3, 3, 3, 3))
    assert agreement(RUBRIC, A, [twin]) == 100
    assert agreement(RUBRIC, A, [A]) is None


def test_reviewing_grades_average_agreement_with_late_and_missing_reviews_counted():
    lone = review("D", (1, 1, 1, 1), submission="p2")
    late_c = review("C", (3, 3, 0, 0), late=True)
    grades = reviewing_grades(
        RUBRIC,
        [A, B, late_c, lone],
        GradingSettings(late_penalty=0.5),
        missing={"B": 1, "E": 2},
    )
    assert grades["A"] == pytest.approx(60.8333, abs=1e-4)
    assert grades["B"] == pytest.approx(74.1667 / 2, abs=1e-4)
    assert grades["C"] == pytest.approx(53.3333 / 2, abs=1e-4)
    assert grades["D"] is None
    assert grades["E"] == 0


def test_final_grade_weighs_submission_and_reviewing_grades():
    assert final_grade(75, 50) == 70
    assert final_grade(75, 50, GradingSettings(submission_weight=1, reviewing_weight=1)) == 62.5
    assert final_grade(None, 50) == 10
    assert final_grade(None, None) is None


@pytest.mark.parametrize(
    "settings",
    [
        {"method": "mode"},
        {"late_penalty": 1.5},
        {"submission_weight": -1},
        {"submission_weight": 0, "reviewing_weight": 0},
        {"disagreement_threshold": -5},
    ],
)
def test_impossible_grading_settings_are_refused(settings):
    with pytest.raises(ValueError):
        GradingSettings(**settings)


def test_strong_disagreement_flags_reviews_far_from_the_others_mean_total():
    # Totals: A 100, B 66.67, C 55. A is 39.17 above the others' mean, C 28.33 below it.
    found = strong_disagreements(RUBRIC, [A, B, C], threshold=25)
    assert [(d.reviewer, round(d.difference, 2)) for d in found] == [("A", 39.17), ("C", -28.33)]
    assert strong_disagreements(RUBRIC, [A, B, C], threshold=40) == []


def test_krippendorffs_alpha_matches_a_hand_computed_case():
    # Values 1, 3 | 2, 2: D_o = (8 + 0) / 4 = 2, D_e = 16 / 12, alpha = 1 - 1.5
    assert krippendorff_alpha_interval([[1, 3], [2, 2]]) == pytest.approx(-0.5)


def test_krippendorffs_alpha_matches_the_published_reliability_example():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": four coders, twelve
    # units, missing values; the interval alpha is 0.849.
    units = [
        [1, 1, 1],
        [2, 2, 3, 2],
        [3, 3, 3, 3],
        [3, 3, 3, 3],
        [2, 2, 2, 2],
        [1, 2, 3, 4],
        [4, 4, 4, 4],
        [1, 1, 2, 1],
        [2, 2, 2, 2],
        [5, 5, 5],
        [1, 1],
        [3],
    ]
    assert krippendorff_alpha_interval(units) == pytest.approx(0.849, abs=5e-4)


def test_krippendorffs_alpha_is_one_for_perfect_agreement_and_undefined_without_variation():
    assert krippendorff_alpha_interval([[1, 1], [3, 3, 3]]) == 1
    assert krippendorff_alpha_interval([[2, 2], [2, 2]]) is None
    assert krippendorff_alpha_interval([[2], [3]]) is None


def test_agreement_statistics_for_the_quality_panel():
    x1 = review("X", (1, 3, 3, 3), submission="p2")
    y1 = review("Y", (3, 3, 3, 3), submission="p2")
    x2 = review("X", (2, 0, 0, 0), submission="p3")
    y2 = review("Y", (2, 0, 0, 0), submission="p3")
    stats = agreement_statistics(RUBRIC, [A, B, C, x1, y1, x2, y2, review("Z", (0, 0, 0, 0), "p4")])
    assert (stats.submissions, stats.reviews) == (3, 7)
    # Pairs on relevance: p1 |3-2|, |3-3|, |2-3|; p2 |1-3|; p3 |2-2| -> (1 + 0 + 1 + 2 + 0) / 5
    assert stats.mean_pairwise_difference["relevance"] == pytest.approx(0.8)
    # Pairs on partnership: p1 1, 3, 2; p2 0; p3 0 -> 6 / 5
    assert stats.mean_pairwise_difference["partnership"] == pytest.approx(1.2)
    assert stats.alpha["relevance"] == pytest.approx(
        krippendorff_alpha_interval([[3, 2, 3], [1, 3], [2, 2]])
    )
    # Totals: p1 100, 66.67, 55; p2 80, 100; p3 20, 20 -> (33.33 + 45 + 11.67 + 20 + 0) / 5
    assert stats.total_mean_pairwise_difference == pytest.approx(22)


def test_agreement_statistics_of_reviews_on_two_proposals_give_the_hand_computed_alpha():
    x1 = Review("X", "p1", {"relevance": 1, "design": 0, "partnership": 0, "impact": 0})
    y1 = Review("Y", "p1", {"relevance": 3, "design": 0, "partnership": 0, "impact": 0})
    x2 = Review("X", "p2", {"relevance": 2, "design": 0, "partnership": 0, "impact": 0})
    y2 = Review("Y", "p2", {"relevance": 2, "design": 0, "partnership": 0, "impact": 0})
    stats = agreement_statistics(RUBRIC, [x1, y1, x2, y2])
    assert stats.alpha["relevance"] == pytest.approx(-0.5)
    assert stats.alpha["design"] is None
