"""The offline reply classifier: MiniLM sentence embeddings, a softmax-regression head, and rules.

The head (a 384 x 7 weight matrix and a bias) is trained with numpy on the labelled replies in
`data/replies.jsonl` (the rows whose split is "train") and stored in `data/reply_head.npz`
together with a digest of those rows, by `python -m openpin.inbox.train_classifier`. If the file
is missing or was made from different rows, the head is trained again in memory at first use
(two seconds) and a warning says to regenerate it.

Rules decide where wording is unambiguous and the embedding model is weak (it is English-first):
an explicit unsubscribe request, or an automatic out-of-office text, in several languages.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from openpin.kit.embeddings import Vectors, get_embedder
from openpin.logging import get_logger
from openpin.models.inbox import ReplyLabel

log = get_logger("openpin.inbox")

DATA_DIR = Path(__file__).parent / "data"
DATASET_FILE = DATA_DIR / "replies.jsonl"
HEAD_FILE = DATA_DIR / "reply_head.npz"
LABELS: tuple[ReplyLabel, ...] = tuple(ReplyLabel)
MAX_CHARS = 1500  # the model reads 256 tokens; the start of a reply carries its intent
RULE_CONFIDENCE = 0.97
# Chosen by 5-fold cross-validation on the training rows only (see docs/inbox.md).
L2_PENALTY = 3e-4
LEARNING_RATE = 2.0
ITERATIONS = 2000

UNSUBSCRIBE_RULE = re.compile(
    r"\b(unsubscribe|opt[- ]?out|remove me|take me off|remove my (e-?mail|address)"
    r"|off (your|this|the) (mailing )?list|stop (emailing|e-mailing|messaging|contacting|sending"
    r"|spamming)|(do not|don'?t) (e-?mail|contact) me|no more e-?mails"
    r"|delete my (data|information|personal)|erase my|verteiler|abmelden|liste de diffusion"
    r"|d[ée]sinscri|no me env[íi]en|mailinglijst|darme de baja)",
    re.I,
)
OUT_OF_OFFICE_RULE = re.compile(
    r"(out of (the )?office|\bOOO\b|nicht im b[üu]ro|abwesend|absent du bureau"
    r"|fuera de la oficina|fuori ufficio|afwezig|limited access to (my )?e-?mail"
    r"|no access to (my )?e-?mail|automatic reply|auto[- ]?(reply|response)|automated response"
    r"|(mailbox|inbox) is (no longer monitored|unattended)|will not be forwarded"
    r"|wird nicht weitergeleitet)",
    re.I,
)

Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Example:
    text: str
    label: ReplyLabel
    split: str  # "train" or "test" (the fixed held-out part)


@dataclass(frozen=True)
class Prediction:
    label: ReplyLabel
    confidence: float
    by_rule: bool = False


def load_examples(split: str | None = None, path: Path = DATASET_FILE) -> list[Example]:
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            examples.append(Example(row["text"], ReplyLabel(row["label"]), row["split"]))
    return [e for e in examples if split is None or e.split == split]


def dataset_digest(examples: list[Example]) -> str:
    payload = json.dumps([[e.text, e.label.value] for e in examples], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def rule_label(text: str) -> ReplyLabel | None:
    if UNSUBSCRIBE_RULE.search(text):
        return ReplyLabel.UNSUBSCRIBE
    if OUT_OF_OFFICE_RULE.search(text):
        return ReplyLabel.OUT_OF_OFFICE
    return None


def train_head(vectors: Vectors, labels: list[ReplyLabel]) -> tuple[Matrix, Matrix]:
    """Class-balanced softmax regression with an L2 penalty, by full-batch gradient descent."""
    targets = np.array([LABELS.index(label) for label in labels])
    count, dims = vectors.shape
    classes = len(LABELS)
    per_class = np.bincount(targets, minlength=classes).clip(min=1)
    # Rarer labels weigh more, so the head does not just learn the most common answer.
    sample_weight = (count / (classes * per_class))[targets][:, None] / count
    one_hot = np.eye(classes)[targets]
    weights = np.zeros((dims, classes))
    bias = np.zeros(classes)
    x = vectors.astype(np.float64)
    for _ in range(ITERATIONS):
        gradient = (_softmax(x @ weights + bias) - one_hot) * sample_weight
        weights -= LEARNING_RATE * (x.T @ gradient + L2_PENALTY * weights)
        bias -= LEARNING_RATE * gradient.sum(axis=0)
    return weights, bias


def _softmax(logits: Matrix) -> Matrix:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    result: Matrix = shifted / shifted.sum(axis=1, keepdims=True)
    return result


class ReplyClassifier:
    def __init__(self, weights: Matrix, bias: Matrix) -> None:
        self.weights = weights
        self.bias = bias

    @classmethod
    def train(cls, examples: list[Example]) -> ReplyClassifier:
        vectors = get_embedder().embed([e.text[:MAX_CHARS] for e in examples])
        return cls(*train_head(vectors, [e.label for e in examples]))

    def predict(self, texts: list[str]) -> list[Prediction]:
        if not texts:
            return []
        vectors = get_embedder().embed([text[:MAX_CHARS] for text in texts])
        probabilities = _softmax(vectors.astype(np.float64) @ self.weights + self.bias)
        return [self._decide(text, row) for text, row in zip(texts, probabilities, strict=True)]

    def predict_one(self, text: str) -> Prediction:
        return self.predict([text])[0]

    @staticmethod
    def _decide(text: str, probabilities: Matrix) -> Prediction:
        ruled = rule_label(text)
        if ruled is not None:
            return Prediction(ruled, RULE_CONFIDENCE, by_rule=True)
        ranked = [int(index) for index in np.argsort(-probabilities)]
        # Unsubscribing has consequences a person cannot undo by relabelling, so it needs the
        # explicit wording the rule looks for; the model alone only offers its next best label.
        best = next(i for i in ranked if LABELS[i] != ReplyLabel.UNSUBSCRIBE)
        return Prediction(LABELS[best], round(float(probabilities[best]), 4))

    def save(self, path: Path, digest: str) -> None:
        labels = np.array([label.value for label in LABELS])
        np.savez_compressed(
            path, weights=self.weights, bias=self.bias, labels=labels, digest=np.array(digest)
        )


def load_classifier(head_file: Path = HEAD_FILE) -> ReplyClassifier:
    """The stored head if it matches today's training rows; otherwise one trained now."""
    training = load_examples("train")
    digest = dataset_digest(training)
    if head_file.exists():
        with np.load(head_file) as stored:
            labels = [str(value) for value in stored["labels"]]
            if str(stored["digest"]) == digest and labels == [lbl.value for lbl in LABELS]:
                return ReplyClassifier(stored["weights"], stored["bias"])
    log.warning(
        "inbox.classifier_head_stale",
        hint="run `python -m openpin.inbox.train_classifier` to store a head for these replies",
    )
    return ReplyClassifier.train(training)


_shared: ReplyClassifier | None = None
_lock = threading.Lock()


def get_classifier() -> ReplyClassifier:
    """The process-wide classifier, loaded on first use and then reused."""
    global _shared
    if _shared is None:
        with _lock:
            if _shared is None:
                _shared = load_classifier()
    return _shared
