"""Specification of the proposal template and rubric: defaults, dictionary form and validation."""

from __future__ import annotations

import copy
import re

import pytest
from flask_babel import LazyString

from nttlearn_peer_review.template import (
    ProposalTemplate,
    Rubric,
    count_words,
    default_rubric,
    default_template,
    validate_rubric,
    validate_template,
)


def valid_template() -> dict:
    return {
        "sections": [
            {"key": "context", "title": "Context", "guidance": "Why.", "word_limit": 300},
            {"key": "budget", "title": "Budget", "guidance": "", "word_limit": 200},
        ]
    }


def valid_rubric() -> dict:
    levels = [
        {"points": 0, "label": "Weak", "descriptor": "Missing."},
        {"points": 2, "label": "Strong", "descriptor": "Convincing."},
    ]
    return {
        "criteria": [
            {"key": "relevance", "title": "Relevance", "weight": 2, "levels": levels},
            {"key": "impact", "title": "Impact", "weight": 1.5, "levels": levels},
        ]
    }


def test_default_template_has_the_europe_for_citizens_network_sections_in_order():
    assert [s.key for s in default_template().sections] == [
        "title_policy_area",
        "context_needs",
        "objectives",
        "partners",
        "work_plan",
        "budget",
        "impact",
        "dissemination",
        "monitoring_evaluation",
    ]


def test_default_template_titles_and_guidance_are_translatable_and_helpful():
    for section in default_template().sections:
        assert isinstance(section.title, LazyString)
        assert isinstance(section.guidance, LazyString)
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", str(section.guidance)) if s]
        assert 2 <= len(sentences) <= 4, section.key
        assert section.word_limit > 0


def test_default_template_is_valid_and_survives_its_dictionary_form():
    data = default_template().to_dict()
    assert validate_template(data) == []
    again = ProposalTemplate.from_dict(data)
    assert again.to_dict() == data
    assert again.section("budget").title == "Budget summary"


def test_default_rubric_has_the_four_award_criteria_with_four_levels_and_weights_of_100():
    rubric = default_rubric()
    assert [c.key for c in rubric.criteria] == ["relevance", "design", "partnership", "impact"]
    assert str(rubric.criterion("partnership").title) == "Partnership and European dimension"
    assert sum(c.weight for c in rubric.criteria) == 100
    for criterion in rubric.criteria:
        assert [level.points for level in criterion.levels] == [0, 1, 2, 3]
        assert all(str(level.descriptor) for level in criterion.levels)


def test_default_rubric_is_valid_and_survives_its_dictionary_form():
    data = default_rubric().to_dict()
    assert validate_rubric(data) == []
    assert Rubric.from_dict(data).to_dict() == data


def test_a_valid_template_has_no_errors():
    assert validate_template(valid_template()) == []


def test_duplicate_section_keys_are_reported():
    data = valid_template()
    data["sections"][1]["key"] = "context"
    assert validate_template(data) == ["Section 2: the key “context” is used twice."]


@pytest.mark.parametrize(
    "limit", [0, -10, "300", 2.5, True, None, "1e23", 1e23, 10**23, float("inf"), 100_001]
)
def test_a_word_limit_must_be_a_whole_number_within_bounds(limit):
    data = valid_template()
    data["sections"][0]["word_limit"] = limit
    assert validate_template(data) == [
        "Section 1: the word limit must be a whole number from 1 to 100000."
    ]


def test_a_word_limit_of_one_hundred_thousand_is_accepted():
    data = valid_template()
    data["sections"][0]["word_limit"] = 100_000
    assert validate_template(data) == []


@pytest.mark.parametrize("points", [float("inf"), float("-inf"), float("nan"), 1001, 1e23, -1])
def test_rubric_points_must_be_finite_and_within_bounds(points):
    data = valid_rubric()
    data["criteria"][0]["levels"] = copy.deepcopy(
        data["criteria"][0]["levels"]
    )  # not the other criterion's
    data["criteria"][0]["levels"][1]["points"] = points
    assert validate_rubric(data) == [
        "Criterion 1, level 2: the points must be a number from 0 to 1000."
    ]


@pytest.mark.parametrize("weight", [float("inf"), float("nan"), 1001, 0, -5])
def test_a_criterion_weight_must_be_finite_and_within_bounds(weight):
    data = valid_rubric()
    data["criteria"][0]["weight"] = weight
    assert validate_rubric(data) == [
        "Criterion 1: the weight must be a number above 0 and at most 1000."
    ]


def test_a_rubric_read_from_yaml_with_infinite_points_is_refused():
    import yaml

    data = valid_rubric()
    text = yaml.safe_dump(data).replace("points: 2", "points: .inf", 1)
    assert ".inf" in text
    assert any(
        "the points must be a number from 0 to 1000" in e
        for e in validate_rubric(yaml.safe_load(text))
    )


def test_every_problem_of_a_template_is_reported_at_once():
    data = {
        "sections": [
            {"key": "Has Spaces", "title": " ", "guidance": 3, "word_limit": 100},
            "not a section",
        ]
    }
    errors = validate_template(data)
    assert len(errors) == 4
    assert errors[0].startswith("Section 1: the key must start with a lowercase letter")
    assert errors[1:] == [
        "Section 1 needs a title.",
        "Section 1: the guidance must be text.",
        "Section 2 must be a mapping.",
    ]


@pytest.mark.parametrize("data", [None, [], {"sections": []}, {"sections": "context"}])
def test_a_template_without_sections_is_refused(data):
    assert len(validate_template(data)) == 1


def test_building_a_template_from_an_invalid_dictionary_raises_with_the_problems():
    data = valid_template()
    data["sections"][0]["word_limit"] = 0
    with pytest.raises(ValueError, match="word limit must be a whole number from 1 to"):
        ProposalTemplate.from_dict(data)


def test_rubric_problems_are_reported_per_criterion_and_level():
    data = valid_rubric()
    data["criteria"][1]["key"] = "relevance"
    data["criteria"][1]["weight"] = 0
    data["criteria"][0]["levels"] = [
        {"points": 1, "label": "A", "descriptor": "x"},
        {"points": 1, "label": "", "descriptor": "y"},
        {"points": -1, "label": "C", "descriptor": "z"},
    ]
    assert validate_rubric(data) == [
        "Criterion 1, level 2 needs a label.",
        "Criterion 1, level 3: the points must be a number from 0 to 1000.",
        "Criterion 1: two levels have the same points.",
        "Criterion 2: the key “relevance” is used twice.",
        "Criterion 2: the weight must be a number above 0 and at most 1000.",
    ]


def test_a_criterion_needs_at_least_two_levels():
    data = valid_rubric()
    data["criteria"][0]["levels"] = data["criteria"][0]["levels"][:1]
    assert validate_rubric(data) == ["Criterion 1 needs at least two levels."]


def test_rubric_levels_are_kept_from_lowest_to_highest():
    data = valid_rubric()
    data["criteria"][0]["levels"].reverse()
    criterion = Rubric.from_dict(data).criterion("relevance")
    assert [level.points for level in criterion.levels] == [0, 2]
    assert (criterion.min_points, criterion.max_points) == (0, 2)


def test_words_are_counted_as_a_funders_form_counts_them():
    assert count_words("A twinned-town network's plan, in 2010 — with Luleå.") == 8
    assert count_words("") == 0


def test_a_section_knows_when_a_text_is_over_its_word_limit():
    section = default_template().section("title_policy_area")
    assert not section.is_over_limit("word " * 100)
    assert section.is_over_limit("word " * 101)
