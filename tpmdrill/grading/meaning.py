"""A meaning signal beside the words: static word embeddings (WordLlama's 256-dimension
model, which ships inside its wheel and runs offline).

It never decides alone. A point the words half-support (at least one of its ideas
found, on the answer's own evidence, but fewer than it needs) is also hit when a
sentence holding that evidence, without the words that matched and not negated,
means much the same as the point's text or one of its `examples`: cosine similarity
of their mean token embeddings at least SIMILARITY. On the labelled set in
tests/grading_realistic this lifts point recall from 0.84 to 0.87 at precision 0.93,
and exact rating agreement from 70% to 73% (docs/grading.md).

WordLlama's own offline loader looks for the tokenizer under `tokenizer/` while the
wheel ships `tokenizers/`, so the tokenizer and the weights are read here directly
(without importing the package). numpy, tokenizers and safetensors cost some 0.4 s
to import, so only grading imports this module, and only when a point is
half-supported; without them grading is lexical only.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import Any

SIMILARITY = 0.4


@functools.cache
def _model() -> tuple[Any, Any] | None:
    """(tokenizer, embedding matrix), or None when WordLlama is not installed."""
    spec = importlib.util.find_spec("wordllama")
    if spec is None or spec.origin is None:
        return None
    try:
        from safetensors import safe_open
        from tokenizers import Tokenizer
    except ImportError:
        return None
    folder = Path(spec.origin).parent
    tokenizer = Tokenizer.from_file(str(folder / "tokenizers" / "l2_supercat_tokenizer_config.json"))
    tokenizer.no_padding()
    with safe_open(str(folder / "weights" / "l2_supercat_256.safetensors"), framework="np", device="cpu") as f:
        embedding = f.get_tensor("embedding.weight").astype("float32")
    return tokenizer, embedding


def available() -> bool:
    return _model() is not None


def _embed(texts: list[str]) -> Any:
    """Unit vectors: each text's mean token embedding (WordLlama's pooling)."""
    import numpy as np

    model = _model()
    assert model is not None
    tokenizer, embedding = model
    rows = []
    for encoded in tokenizer.encode_batch(texts, add_special_tokens=False):
        ids = np.clip(np.asarray(encoded.ids, dtype=np.int64), 0, embedding.shape[0] - 1)
        rows.append(embedding[ids].mean(axis=0) if len(ids) else np.zeros(embedding.shape[1], np.float32))
    vectors = np.vstack(rows)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


@functools.lru_cache(maxsize=512)
def _targets(texts: tuple[str, ...]) -> Any:
    """Embeddings of a point's text and examples, lower-cased (case never matters)."""
    return _embed([t.lower() for t in texts])


@functools.lru_cache(maxsize=4096)
def _sentence(sentence: str) -> Any:
    return _embed([sentence.lower()])


def similarity(sentences: tuple[str, ...], texts: tuple[str, ...]) -> float:
    """The best cosine similarity between one of `sentences` and one of `texts`."""
    if _model() is None or not sentences or not texts:
        return 0.0
    import numpy as np

    found = np.vstack([_sentence(s) for s in sentences]) @ _targets(texts).T
    return float(found.max())
