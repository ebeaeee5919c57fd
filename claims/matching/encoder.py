"""Sentence embeddings from the committed ONNX int8 encoder (all-MiniLM-L6-v2, mean-pooled, unit length).

Imports only onnxruntime, tokenizers and numpy: no torch, no spaCy, nothing downloaded. The web
process loads it to embed the text of ``POST /api/v1/match/``; the worker loads it to embed new
claims. The artifact is written by ``workers.training.export_sentence_encoder``.
"""

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

ARTIFACT_FORMAT = "factcheck-sentence-encoder/1"
DEFAULT_ARTIFACT_PATH = Path(__file__).resolve().parent / "artifact"
DIMENSIONS = 384


class Encoder(Protocol):
    """What matching needs of an encoder (the ONNX one, or a torch model while training)."""

    version: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class SentenceEncoder:
    """``encode(texts)`` -> float32 array (n, 384) of unit vectors; ``version`` names the artifact."""

    def __init__(self, directory: Path, *, threads: int = 1, batch_size: int = 32) -> None:
        meta = json.loads((directory / "model.json").read_text(encoding="utf-8"))
        if meta.get("format") != ARTIFACT_FORMAT:
            raise ValueError(f"expected format {ARTIFACT_FORMAT!r}, found {meta.get('format')!r}")
        self.version = str(meta["model_sha256"])[:12]
        self.batch_size = batch_size
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=int(meta["max_length"]))
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(directory / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings, one row per text, in order. Idempotent.

        Texts are batched only with others of the same token length: with no padding, a text's
        vector hardly depends on its batch (int8 activations share one scale per batch; padded
        batches moved vectors by up to 0.02 in cosine)."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        self.tokenizer.no_padding()
        encodings = self.tokenizer.encode_batch([text or " " for text in texts])
        by_length: dict[int, list[int]] = {}
        for index, encoding in enumerate(encodings):
            by_length.setdefault(len(encoding.ids), []).append(index)
        for indices in by_length.values():
            for start in range(0, len(indices), self.batch_size):
                chunk = indices[start : start + self.batch_size]
                ids = np.array([encodings[i].ids for i in chunk], dtype=np.int64)
                feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
                out[chunk] = self.session.run(None, feed)[0]
        return out


@lru_cache(maxsize=2)
def sentence_encoder(path: str | None = None) -> SentenceEncoder:
    """The encoder, loaded once per process (about 25 MB and 0.2 s)."""
    return SentenceEncoder(Path(path) if path else DEFAULT_ARTIFACT_PATH)
