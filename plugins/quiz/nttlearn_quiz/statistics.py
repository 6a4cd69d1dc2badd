"""Item analysis of a quiz, as Moodle's quiz statistics report defines it: how hard each
question was, how well it told stronger from weaker learners, and how consistent the quiz is.

Input is a matrix of attempts × questions holding the fraction each attempt earned on each
question (0..1; None, not answered, counts as 0) and the maximum mark of each question. A
question's score in an attempt is its fraction times its maximum mark; an attempt's total is the
sum of its scores. Every statistic that cannot be computed (no attempts, a single attempt, no
variation) is None rather than an error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class QuestionStatistics:
    """One question (column ``index`` of the matrix).

    ``facility``: the mean fraction earned, as a percentage (100 = everybody got it right).
    ``standard_deviation``: the sample standard deviation of the fraction, as a percentage.
    ``discrimination``: the Pearson correlation between the question's score and the rest of
    the test (the total without this question), times 100: positive when learners who did well
    elsewhere did well here too.
    """

    index: int
    max_mark: float
    facility: float | None
    standard_deviation: float | None
    discrimination: float | None


@dataclass(frozen=True)
class QuizStatistics:
    """The whole quiz. ``mean``, ``median`` and ``standard_deviation`` (sample) are of attempt
    totals, in marks out of ``max_mark``. ``cronbach_alpha`` is the internal consistency
    k/(k-1)·(1 - Σ var(question scores) / var(totals)) over the k questions that carry marks."""

    attempts: int
    max_mark: float
    mean: float | None
    median: float | None
    standard_deviation: float | None
    cronbach_alpha: float | None
    questions: list[QuestionStatistics]


def quiz_statistics(
    fractions: Sequence[Sequence[float | None]], max_marks: Sequence[float]
) -> QuizStatistics:
    """Compute the statistics of a quiz from its attempts (see the module docstring).

    Raises ValueError when a row's length differs from ``max_marks`` or a fraction is outside
    0..1.
    """
    rows = [_row(row, len(max_marks)) for row in fractions]
    n = len(rows)
    scores = [[f * m for f, m in zip(row, max_marks, strict=True)] for row in rows]
    totals = [sum(row) for row in scores]

    questions = []
    for q, max_mark in enumerate(max_marks):
        column = [row[q] for row in rows]
        item = [row[q] for row in scores]
        rest = [total - score for total, score in zip(totals, item, strict=True)]
        correlation = _pearson(item, rest)
        sd = _sample_sd(column)
        questions.append(
            QuestionStatistics(
                index=q,
                max_mark=float(max_mark),
                facility=100 * _mean(column) if n else None,
                standard_deviation=None if sd is None else 100 * sd,
                discrimination=None if correlation is None else 100 * correlation,
            )
        )

    return QuizStatistics(
        attempts=n,
        max_mark=float(sum(max_marks)),
        mean=_mean(totals) if n else None,
        median=_median(totals),
        standard_deviation=_sample_sd(totals),
        cronbach_alpha=_cronbach_alpha(scores, totals, max_marks),
        questions=questions,
    )


def answer_frequencies(
    chosen: Sequence[int | Sequence[int] | None], answer_count: int
) -> list[int]:
    """How many attempts chose each answer of a choice question.

    ``chosen`` has one entry per attempt: the index of the answer chosen, a list of indices for
    a multiple-answer question, or None when not answered.
    """
    counts = [0] * answer_count
    for entry in chosen:
        if entry is None:
            continue
        for index in [entry] if isinstance(entry, int) else entry:
            if not 0 <= index < answer_count:
                raise ValueError(f"answer index {index} is outside 0..{answer_count - 1}")
            counts[index] += 1
    return counts


def _row(row: Sequence[float | None], width: int) -> list[float]:
    if len(row) != width:
        raise ValueError(f"an attempt has {len(row)} fractions for {width} questions")
    values = [0.0 if f is None else float(f) for f in row]
    if any(not 0.0 <= f <= 1.0 for f in values):
        raise ValueError("fractions must be between 0 and 1")
    return values


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _sample_variance(values: Sequence[float]) -> float | None:
    if len(values) < 2:
        return None
    mean = _mean(values)
    return math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1)


def _sample_sd(values: Sequence[float]) -> float | None:
    variance = _sample_variance(values)
    return None if variance is None else math.sqrt(variance)


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    if len(xs) < 2:
        return None
    mean_x, mean_y = _mean(xs), _mean(ys)
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    sxx = math.fsum((x - mean_x) ** 2 for x in xs)
    syy = math.fsum((y - mean_y) ** 2 for y in ys)
    if _negligible(sxx, xs) or _negligible(syy, ys):
        return None
    return sxy / math.sqrt(sxx * syy)


def _negligible(sum_of_squares: float, values: Sequence[float]) -> bool:
    """Zero variation, allowing for the rounding of values that are all equal."""
    scale = max((abs(v) for v in values), default=0.0)
    return sum_of_squares <= (1e-12 * max(scale, 1.0)) ** 2 * len(values)


def _cronbach_alpha(
    scores: list[list[float]], totals: list[float], max_marks: Sequence[float]
) -> float | None:
    items = [q for q, mark in enumerate(max_marks) if mark > 0]
    k = len(items)
    total_variance = _sample_variance(totals)
    if k < 2 or total_variance is None or _negligible(total_variance, totals):
        return None
    item_variances = math.fsum(_sample_variance([row[q] for row in scores]) or 0.0 for q in items)
    return k / (k - 1) * (1 - item_variances / total_variance)
