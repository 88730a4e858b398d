"""Accuracy of the reply classifier on labelled replies: all labels, and interested-vs-not."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from openpin.inbox.classifier import Example, ReplyClassifier
from openpin.models.inbox import ReplyLabel


@dataclass
class EvaluationReport:
    total: int
    correct: int
    binary_correct: int  # interested vs everything else
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def binary_accuracy(self) -> float:
        return self.binary_correct / self.total if self.total else 0.0

    def summary(self) -> str:
        return (
            f"reply classifier on {self.total} held-out replies: "
            f"interested-vs-not {self.binary_accuracy:.1%}, all 7 labels {self.accuracy:.1%}"
        )


def evaluate(classifier: ReplyClassifier, examples: list[Example]) -> EvaluationReport:
    predictions = classifier.predict([e.text for e in examples])
    report = EvaluationReport(total=len(examples), correct=0, binary_correct=0)
    for example, prediction in zip(examples, predictions, strict=True):
        if prediction.label == example.label:
            report.correct += 1
        else:
            report.confusions[(example.label.value, prediction.label.value)] += 1
        is_interested = example.label == ReplyLabel.INTERESTED
        if (prediction.label == ReplyLabel.INTERESTED) == is_interested:
            report.binary_correct += 1
    return report
