"""Contact-level precision/recall helpers and the oracle evaluation on the corpus."""

from __future__ import annotations

from audit.evaluation import category_scores, expected_categories, load_truth, oracle_eval, truth_segments
from audit.schema import Category


def test_category_scores_counts_per_contact():
    expected = {"a": {"ABUSE"}, "b": {"ABUSE", "CONTACT_HOURS"}, "c": set()}
    predicted = {"a": {"ABUSE"}, "b": {"CONTACT_HOURS"}, "c": {"ABUSE"}}
    scores = category_scores(expected, predicted, ["a", "b", "c"])
    assert scores["ABUSE"] == {"tp": 1, "fp": 1, "fn": 1, "precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert scores["CONTACT_HOURS"]["precision"] == 1.0 and scores["CONTACT_HOURS"]["recall"] == 1.0
    assert scores["VISIT_STAFFING"]["precision"] is None      # absent on both sides
    assert set(scores) == {c.value for c in Category}


def test_truth_helpers(corpus_dir):
    truth = load_truth(corpus_dir)
    t = truth["dev-005"]
    segments = truth_segments(t)
    assert segments[0].role == "agent" and segments[0].text == t["turns"][0]["text"]
    assert expected_categories(t) == {"THIRD_PARTY_DISCLOSURE"}
    assert expected_categories(None) == set()


def test_oracle_eval_is_perfect_on_the_corpus(corpus_dir):
    scores = oracle_eval(corpus_dir)
    present = {c: s for c, s in scores.items() if s["tp"] + s["fn"] + s["fp"]}
    # every category is exercised, except CONDUCT: it is judged from the sound, which truth text lacks
    assert set(present) == {c.value for c in Category} - {Category.CONDUCT.value}
    for category, s in present.items():
        assert (s["precision"], s["recall"]) == (1.0, 1.0), (category, s)
