"""Specification of the word-level comparison of section and proposal versions."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from nttlearn_peer_review.diff import changed_word_counts, compare_texts, render_diff_html


def test_a_changed_word_is_shown_as_a_deletion_then_an_insertion():
    assert compare_texts("the quick brown fox", "the slow brown fox") == [
        ("equal", "the "),
        ("delete", "quick"),
        ("insert", "slow"),
        ("equal", " brown fox"),
    ]


def test_neighbouring_changed_words_read_as_one_replacement():
    assert compare_texts("the quick fox", "a slow fox") == [
        ("delete", "the quick"),
        ("insert", "a slow"),
        ("equal", " fox"),
    ]


def test_added_and_removed_sentences():
    old = "Bologna hosts the kick-off."
    new = "Bologna hosts the kick-off. Luleå hosts the final conference."
    assert compare_texts(old, new) == [
        ("equal", old),
        ("insert", " Luleå hosts the final conference."),
    ]
    assert compare_texts(new, old) == [
        ("equal", old),
        ("delete", " Luleå hosts the final conference."),
    ]


def test_identical_and_empty_texts():
    assert compare_texts("same text", "same text") == [("equal", "same text")]
    assert compare_texts("", "new text") == [("insert", "new text")]
    assert compare_texts("old text", "") == [("delete", "old text")]
    assert compare_texts("", "") == []


texts = st.text(alphabet=st.sampled_from(list("ab c\n.<&>'\"")), max_size=40)


@given(texts, texts)
def test_the_changes_rebuild_both_texts(old, new):
    changes = compare_texts(old, new)
    assert "".join(text for op, text in changes if op != "insert") == old
    assert "".join(text for op, text in changes if op != "delete") == new
    assert all(text for _op, text in changes)
    assert all(a[0] != b[0] for a, b in pairwise(changes))


def test_rendered_html_escapes_every_text_and_marks_changes():
    changes = compare_texts("<b>Budget</b> & plan", "<script>alert('x')</script> & plan")
    html = render_diff_html(changes)
    assert isinstance(html, Markup)
    assert html == (
        "<del>&lt;b&gt;Budget&lt;/b&gt;</del>"
        "<ins>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</ins> &amp; plan"
    )


@given(texts, texts)
def test_rendered_html_has_no_markup_but_ins_and_del(old, new):
    html = str(render_diff_html(compare_texts(old, new)))
    for tag in ("<ins>", "</ins>", "<del>", "</del>"):
        html = html.replace(tag, "")
    assert "<" not in html and ">" not in html


def test_changed_words_are_counted_for_the_version_list():
    changes = compare_texts("We meet in Bologna in March.", "We meet in Luleå and Helsinki in May.")
    # "Bologna" -> "Luleå and Helsinki", "March." -> "May."
    assert changed_word_counts(changes) == (4, 2)
