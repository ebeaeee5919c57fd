"""Neural check-worthiness scores: a fine-tuned MiniLM-L6 encoder run with onnxruntime.

The artifact is a directory written by ``workers.training.train_neural``: ``model.onnx`` (int8,
dynamically quantised), ``tokenizer.json`` (truncation and padding already set) and ``model.json``
(version, base model and licence, maximum length, Platt calibration, threshold and the figures
measured when it was trained). Only onnxruntime, tokenizers and numpy are imported: no torch, no
spaCy, no Django, and nothing is downloaded.

``score`` returns calibrated probabilities: a score of 0.7 means that about 70% of the held-out
newer-debate sentences scored so were check-worthy.
"""

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, Self

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

ARTIFACT_FORMAT = "factcheck-checkworthiness-neural/1"
DEFAULT_ARTIFACT_PATH = (
    Path(__file__).resolve().parent.parent / "artifacts" / "checkworthiness-neural"
)
# Small batches of similar length run faster here than large ones: on one thread, int8 onnxruntime
# scored devtest at about 190 sentences/s in batches of 4 against 100/s in batches of 32.
DEFAULT_BATCH_SIZE = 4


class HasText(Protocol):
    """What the scorer reads of a spaCy ``Span``: its text (so this module never imports spaCy)."""

    @property
    def text(self) -> str: ...


class ArtifactError(ValueError):
    """The directory is not a neural check-worthiness artifact this code can read."""


class NeuralScorer:
    """``score(texts)`` for calibrated probabilities, ``threshold`` to decide, ``version`` to record.

    ``score_spans`` makes it the pipeline's ``Scorer``: it reads only each sentence's text."""

    # The pipeline may run spaCy's entity recogniser after scoring, only where claims need it.
    reads_entities = False

    def __init__(
        self,
        session: ort.InferenceSession,
        tokenizer: Tokenizer,
        *,
        calibration: tuple[float, float],
        threshold: float,
        version: str = "",
        batch_size: int = DEFAULT_BATCH_SIZE,
        meta: dict[str, Any] | None = None,
    ) -> None:
        self.session = session
        self.tokenizer = tokenizer
        self.calibration = calibration
        self.threshold = threshold
        self.version = version
        self.batch_size = batch_size
        self.meta = meta or {}

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        *,
        intra_op_threads: int = 1,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> Self:
        """Read an artifact directory (None: the committed one); one thread unless told."""
        directory = Path(path) if path is not None else DEFAULT_ARTIFACT_PATH
        meta = json.loads((directory / "model.json").read_text(encoding="utf-8"))
        if meta.get("format") != ARTIFACT_FORMAT:
            raise ArtifactError(
                f"expected format {ARTIFACT_FORMAT!r}, found {meta.get('format')!r}"
            )
        tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        # Set again here so that the artifact's own settings cannot drift from the metadata.
        tokenizer.enable_truncation(max_length=int(meta["max_length"]))
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.intra_op_num_threads = intra_op_threads
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(
            str(directory / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        calibration = meta["calibration"]
        return cls(
            session,
            tokenizer,
            calibration=(float(calibration["a"]), float(calibration["b"])),
            threshold=float(meta["threshold"]),
            version=str(meta["version"]),
            batch_size=batch_size,
            meta=meta,
        )

    def logits(self, texts: Sequence[str]) -> list[float]:
        """The model's raw logit per text, in the order given."""
        if not texts:
            return []
        # Batches of similar length pad little; the results go back to the callers' order.
        lengths = [
            len(e.ids) for e in self.tokenizer.encode_batch(list(texts), add_special_tokens=True)
        ]
        order = sorted(range(len(texts)), key=lambda i: lengths[i])
        out = np.empty(len(texts), dtype=np.float64)
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            encodings = self.tokenizer.encode_batch([texts[i] for i in batch])
            feed = {
                "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            }
            (logit,) = self.session.run(["logit"], feed)
            out[batch] = logit
        return out.tolist()

    def score(self, texts: Sequence[str]) -> list[float]:
        """Calibrated probability of being check-worthy, one per text, in the order given."""
        if not texts:
            return []
        a, b = self.calibration
        z = a * np.asarray(self.logits(texts)) + b
        return (1.0 / (1.0 + np.exp(-z))).tolist()

    def score_spans(self, spans: Sequence[HasText]) -> list[float]:
        """The pipeline's ``Scorer``: calibrated scores of the sentences' text, in order."""
        return self.score([span.text for span in spans])

    def is_checkworthy(self, score: float) -> bool:
        return score >= self.threshold
