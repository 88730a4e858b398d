"""The offline reply classifier on its fixed held-out replies (target: >= 90% interested-vs-not)."""

from __future__ import annotations

from collections import Counter

import numpy as np

from openpin.inbox.classifier import (
    HEAD_FILE,
    dataset_digest,
    load_classifier,
    load_examples,
    rule_label,
)
from openpin.inbox.evaluation import evaluate
from openpin.models.inbox import ReplyLabel
from tests.inbox.conftest import SUMMARY_LINES


def test_the_labelled_set_is_large_varied_and_split_once() -> None:
    examples = load_examples()
    assert len(examples) >= 300
    assert len({e.text for e in examples}) == len(examples)  # no duplicates leak across the split
    by_label = Counter(e.label for e in examples)
    assert set(by_label) == set(ReplyLabel)
    assert min(by_label.values()) >= 30
    held_out = Counter(e.label for e in examples if e.split == "test")
    assert set(held_out) == set(ReplyLabel)
    assert sum(held_out.values()) >= 60


def test_the_stored_head_was_trained_on_todays_training_rows() -> None:
    with np.load(HEAD_FILE) as stored:
        assert str(stored["digest"]) == dataset_digest(load_examples("train")), (
            "data/replies.jsonl changed: run `python -m openpin.inbox.train_classifier`"
        )


def test_held_out_accuracy_meets_the_target() -> None:
    report = evaluate(load_classifier(), load_examples("test"))
    SUMMARY_LINES.append(report.summary())
    print(report.summary())
    assert report.binary_accuracy >= 0.90, report.confusions
    assert report.accuracy >= 0.80, report.confusions


def test_rules_catch_explicit_unsubscribes_and_away_messages_in_several_languages() -> None:
    assert rule_label("Please take me off your list") == ReplyLabel.UNSUBSCRIBE
    assert rule_label("Bitte entfernen Sie mich aus dem Verteiler") == ReplyLabel.UNSUBSCRIBE
    assert rule_label("Je suis absent du bureau jusqu'au 3 mai") == ReplyLabel.OUT_OF_OFFICE
    assert rule_label("Yes, I'd love to talk") is None
