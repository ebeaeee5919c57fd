"""Check-worthiness scores: how likely a fact-checker is to check a sentence, from 0 to 1.

The average of two logistic regressions over the sentence as the full en_core_web_sm pipeline
parsed it. The main one (70% of the score) sees features abstracted away from topic words, because
the model has to work on debates, speakers and topics that it never saw in training:

* ``l``: lemma unigrams and bigrams with every entity replaced by its label (``<GPE>``,
  ``<PERCENT>``), other numbers by ``<NUM>`` and other proper nouns by ``<PROPN>``;
* ``p``: part-of-speech unigrams to trigrams and fine tags;
* ``d``: dependency relations with the POS of both ends, and the root verb's lemma, tense, mood,
  subject and auxiliaries;
* ``e``: entity labels and counts, how many numbers, sentence length bucket.

The other one (30%) is lexical: TF-IDF of lower-cased word unigrams and bigrams (``w``) and of
character 2- to 5-grams inside words (``c``), as scikit-learn's ``TfidfVectorizer`` computes them.
Alone it memorises topics, but averaged with the abstract model it ranked the sentences of
held-out debates better in every fold tried (``workers.training.train_checkworthiness`` has the
figures).

Each group is L2-normalised on its own, so that a long sentence does not drown one group.

The caller has already parsed the text, so scoring only reads the ``Span`` it is given: it never
parses again, and adds a few percent to the parse time. The artifact is gzipped JSON (the weights
by feature name, the biases, the IDF of the lexical features and the threshold), read with the
standard library only: no pickle and no numpy at run time.
``workers.training.train_checkworthiness`` writes it.
"""

import gzip
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import chain
from pathlib import Path
from typing import Any, Self

from spacy.language import Language
from spacy.tokens import Span, Token

ARTIFACT_FORMAT = "factcheck-checkworthiness-ensemble/2"
# workers/artifacts/: the model is data the worker ships, not code of the extraction package.
DEFAULT_ARTIFACT_PATH = (
    Path(__file__).resolve().parents[1] / "artifacts" / "checkworthiness.json.gz"
)

NUMERIC_ENTITY_LABELS = frozenset(
    {"CARDINAL", "QUANTITY", "PERCENT", "MONEY", "DATE", "TIME", "ORDINAL"}
)
# Punctuation that says something about the kind of sentence; the rest is noise.
KEPT_PUNCTUATION = frozenset({"?", "!"})
# Children of the root that tell who asserts what, and how firmly.
ROOT_CHILD_DEPS = frozenset({"nsubj", "nsubjpass", "aux", "auxpass", "neg", "expl"})
CLOSED_CLASS_POS = frozenset({"PRON", "AUX", "PART", "DET"})
LENGTH_BUCKETS = (5, 10, 15, 25, 40)
# scikit-learn's default word pattern and whitespace rule, so the lexical features match the
# TfidfVectorizer(ngram_range=(1, 2)) / TfidfVectorizer(analyzer="char_wb") they were tested as.
WORD_PATTERN = re.compile(r"(?u)\b\w\w+\b")
WHITESPACE = re.compile(r"\s\s+")
CHAR_NGRAM_SIZES = (2, 3, 4, 5)


class ArtifactError(ValueError):
    """The file is not a check-worthiness artifact this code can read."""


def masked_lemmas(sent: Span) -> list[str]:
    """Lower-case lemmas with entities, numbers and proper nouns replaced by their kind."""
    out: list[str] = []
    for token in sent:
        if token.is_space:
            continue
        if token.ent_type_:
            # One placeholder per entity: its first token inside this span.
            if token.ent_iob_ == "B" or token.i == sent.start:
                out.append(f"<{token.ent_type_}>")
            continue
        if token.like_num:
            out.append("<NUM>")
        elif token.pos_ == "PROPN":
            out.append("<PROPN>")
        elif token.is_punct and token.text not in KEPT_PUNCTUATION:
            continue
        else:
            out.append(token.lemma_.lower())
    return out


def sentence_features(sent: Span) -> dict[str, float]:
    """The model's input for one sentence: feature name to value, each group L2-normalised."""
    features: dict[str, float] = {}
    if len(sent) == 0:
        return features
    for group, counts in (
        ("l", _lemma_ngrams(sent)),
        ("p", _pos_ngrams(sent)),
        ("d", _dependency_features(sent)),
        ("e", _entity_features(sent)),
    ):
        norm = math.sqrt(sum(v * v for v in counts.values())) or 1.0
        for name, count in counts.items():
            features[f"{group}|{name}"] = count / norm
    return features


def _lemma_ngrams(sent: Span) -> Counter[str]:
    words = masked_lemmas(sent)
    padded = ["<s>", *words, "</s>"]
    counts = Counter(words)
    counts.update(f"{a} {b}" for a, b in zip(padded, padded[1:], strict=False))
    return counts


def _pos_ngrams(sent: Span) -> Counter[str]:
    tags = [token.pos_ for token in sent if not token.is_space]
    padded = ["<s>", *tags, "</s>"]
    counts = Counter(tags)
    counts.update(f"{a}_{b}" for a, b in zip(padded, padded[1:], strict=False))
    counts.update(f"{a}_{b}_{c}" for a, b, c in zip(padded, padded[1:], padded[2:], strict=False))
    counts.update(f"t:{token.tag_}" for token in sent)
    return counts


def _dependency_features(sent: Span) -> Counter[str]:
    counts: Counter[str] = Counter()
    for token in sent:
        if token.is_space or token.is_punct:
            continue
        counts[token.dep_] += 1
        counts[f"{token.dep_}:{token.pos_}>{token.head.pos_}"] += 1
    root = sent.root
    counts[f"root:{root.lemma_.lower()}"] += 1
    counts[f"roottag:{root.tag_}"] += 1
    for key, value in root.morph.to_dict().items():
        counts[f"rootm:{key}={value}"] += 1
    for child in root.children:
        if child.dep_ in ROOT_CHILD_DEPS:
            counts[f"rk:{child.dep_}:{_abstract_word(child)}"] += 1
    return counts


def _abstract_word(token: Token) -> str:
    """Closed-class words as themselves (``we``, ``will``, ``not``); the rest as their kind."""
    if token.pos_ in CLOSED_CLASS_POS:
        return token.lower_
    if token.ent_type_:
        return f"<{token.ent_type_}>"
    return token.pos_


def _entity_features(sent: Span) -> Counter[str]:
    counts: Counter[str] = Counter()
    entities = sent.ents
    for entity in entities:
        counts[f"e:{entity.label_}"] += 1
    numbers = sum(1 for entity in entities if entity.label_ in NUMERIC_ENTITY_LABELS)
    numbers += sum(1 for token in sent if token.like_num and not token.ent_type_)
    counts[f"nnum:{min(numbers, 3)}"] = 1
    counts[f"nent:{min(len(entities), 4)}"] = 1
    length = len(sent)
    bucket = next((f"len<{b}" for b in LENGTH_BUCKETS if length < b), "len>=40")
    counts[bucket] = 1
    return counts


def lexical_counts(text: str) -> dict[str, Counter[str]]:
    """Raw counts of the lexical model's terms: ``w`` word 1-2-grams, ``c`` character n-grams."""
    lowered = text.lower()
    words = WORD_PATTERN.findall(lowered)
    word_counts = Counter(words)
    word_counts.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    char_counts = Counter(
        chain.from_iterable(map(_char_ngrams, WHITESPACE.sub(" ", lowered).split()))
    )
    return {"w": word_counts, "c": char_counts}


@lru_cache(maxsize=50_000)
def _char_ngrams(word: str) -> tuple[str, ...]:
    # Cached: most words of a debate are common ones, and slicing them again is most of the cost.
    padded = f" {word} "
    length = len(padded)
    ngrams: list[str] = []
    for n in CHAR_NGRAM_SIZES:
        if length <= n:
            # A word no longer than n gives one n-gram, itself, and none for larger n.
            ngrams.append(padded)
            break
        ngrams.extend(padded[i : i + n] for i in range(length - n + 1))
    return tuple(ngrams)


def lexical_features(text: str, idf: dict[str, float]) -> dict[str, float]:
    """Sublinear TF-IDF of the terms in ``idf`` (keyed ``w|...``, ``c|...``), each group L2-normalised."""
    features: dict[str, float] = {}
    for group, counts in lexical_counts(text).items():
        values: dict[str, float] = {}
        for term, count in counts.items():
            name = f"{group}|{term}"
            weight = idf.get(name)
            if weight is not None:
                values[name] = (1.0 + math.log(count)) * weight
        norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
        for name, value in values.items():
            features[name] = value / norm
    return features


@dataclass(frozen=True)
class LexicalModel:
    """The lexical half of the ensemble: IDF and weight by term, a bias, its share of the score."""

    weights: dict[str, float]
    idf: dict[str, float]
    bias: float
    share: float
    # Per group, term to (idf * weight, idf squared): ``score`` then never builds the features.
    _table: dict[str, dict[str, tuple[float, float]]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table: dict[str, dict[str, tuple[float, float]]] = {"w": {}, "c": {}}
        for name, idf in self.idf.items():
            group, term = name.split("|", 1)
            table[group][term] = (idf * self.weights.get(name, 0.0), idf * idf)
        object.__setattr__(self, "_table", table)

    def score(self, text: str) -> float:
        """The same as the weights applied to ``lexical_features(text, idf)``, only faster."""
        z = self.bias
        for group, counts in lexical_counts(text).items():
            table = self._table[group]
            dot = squares = 0.0
            for term, count in counts.items():
                entry = table.get(term)
                if entry is None:
                    continue
                if count == 1:
                    dot += entry[0]
                    squares += entry[1]
                else:
                    tf = 1.0 + math.log(count)
                    dot += tf * entry[0]
                    squares += tf * tf * entry[1]
            if squares:
                z += dot / math.sqrt(squares)
        return _sigmoid(z)


class CheckworthinessModel:
    """Trained linear scorers averaged: ``score_spans`` for parsed sentences, ``threshold`` to decide."""

    def __init__(
        self,
        *,
        weights: dict[str, float],
        bias: float,
        threshold: float,
        version: str,
        lexical: LexicalModel | None = None,
    ) -> None:
        # weights and bias: the abstract model; without a lexical model it is the whole score.
        self.weights = weights
        self.bias = bias
        self.threshold = threshold
        self.version = version
        self.lexical = lexical

    @classmethod
    def load(cls, path: str | Path | None = None) -> Self:
        """Read an artifact written by ``workers.training.train_checkworthiness`` (None: the
        committed one)."""
        artifact_path = Path(path) if path is not None else DEFAULT_ARTIFACT_PATH
        with gzip.open(artifact_path, "rt", encoding="utf-8") as f:
            data = json.load(f)
        return cls.from_artifact(data)

    @classmethod
    def from_artifact(cls, data: dict[str, Any]) -> Self:
        if not isinstance(data, dict) or data.get("format") != ARTIFACT_FORMAT:
            found = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise ArtifactError(f"expected format {ARTIFACT_FORMAT!r}, found {found!r}")
        lexical = data.get("lexical")
        return cls(
            weights={str(k): float(v) for k, v in data["weights"].items()},
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            version=str(data["version"]),
            lexical=None
            if lexical is None
            else LexicalModel(
                weights={str(k): float(v) for k, v in lexical["weights"].items()},
                idf={str(k): float(v) for k, v in lexical["idf"].items()},
                bias=float(lexical["bias"]),
                share=float(lexical["share"]),
            ),
        )

    def to_artifact(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": ARTIFACT_FORMAT,
            "version": self.version,
            "threshold": self.threshold,
            "bias": self.bias,
            "weights": self.weights,
            "lexical": None,
        }
        if self.lexical is not None:
            data["lexical"] = {
                "share": self.lexical.share,
                "bias": self.lexical.bias,
                "weights": self.lexical.weights,
                "idf": self.lexical.idf,
            }
        return data

    def save(self, path: str | Path) -> None:
        """Write the artifact; the same model always gives the same bytes (no gzip name or timestamp)."""
        payload = json.dumps(self.to_artifact(), sort_keys=True, separators=(",", ":"))
        with (
            Path(path).open("wb") as raw,
            gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as f,
        ):
            f.write(payload.encode("utf-8"))

    def score_features(self, features: dict[str, float]) -> float:
        """The abstract model's probability alone, from ``sentence_features``."""
        weights = self.weights
        z = self.bias + sum(weights.get(name, 0.0) * value for name, value in features.items())
        return _sigmoid(z)

    def score_span(self, span: Span) -> float:
        abstract = self.score_features(sentence_features(span))
        if self.lexical is None:
            return abstract
        share = self.lexical.share
        return (1.0 - share) * abstract + share * self.lexical.score(span.text)

    def score_spans(self, spans: Sequence[Span]) -> list[float]:
        """One score in 0..1 per sentence, from the parse the caller already has."""
        return [self.score_span(span) for span in spans]

    def score_texts(self, nlp: Language, texts: Sequence[str], batch_size: int = 16) -> list[float]:
        """Parse each text with ``nlp`` and score it as one sentence."""
        docs: Iterable[Any] = nlp.pipe(texts, batch_size=batch_size)
        return self.score_spans([doc[:] for doc in docs])

    def is_checkworthy(self, score: float) -> bool:
        return score >= self.threshold


def _sigmoid(z: float) -> float:
    # Split so that exp() never overflows for very confident sentences.
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@cache
def load_default_model() -> CheckworthinessModel:
    """The committed model, read once per process."""
    return CheckworthinessModel.load()
