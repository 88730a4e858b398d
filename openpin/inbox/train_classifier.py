"""Train the reply classifier's head on the labelled replies and store it beside them.

    python -m openpin.inbox.train_classifier

Run it after editing `data/replies.jsonl`; it prints the accuracy on the held-out rows. The test
suite fails while the stored head does not match the training rows.
"""

from __future__ import annotations

from openpin.inbox.classifier import (
    HEAD_FILE,
    ReplyClassifier,
    dataset_digest,
    load_examples,
)
from openpin.inbox.evaluation import evaluate


def main() -> None:
    training = load_examples("train")
    classifier = ReplyClassifier.train(training)
    classifier.save(HEAD_FILE, dataset_digest(training))
    report = evaluate(classifier, load_examples("test"))
    print(f"stored {HEAD_FILE} (trained on {len(training)} replies)")
    print(report.summary())


if __name__ == "__main__":
    main()
