"""May a claim be shown as it is? A small classifier over the claim's own parse.

The rules in ``form`` and ``atomic`` fix the failure types someone has read; each fresh sample of
real transcripts still found about one claim in ten broken in a new way (a relative clause put on
the wrong noun, a speaker's broken-off sentence, a phrase glued to the wrong clause). Most of them
are pieces cut from their sentence, and the sentence itself, in the speaker's own words, is
nearly always well-formed. So this model reads, in the sentence's parse that is already there,
what such pieces have in common: how much of the sentence the claim keeps and whether it holds
the sentence's root, gaps in it (and a verb left out of one), a subject left outside or none on
its own verb, a claim opening on a relative pronoun or a subordinator or ending on an auxiliary,
and a sentence the speaker broke off. ``screen_claims`` then lets a doubtful piece give way to the
whole sentence (once); a doubtful claim nothing replaces stays, hidden by default.

A logistic regression, trained by ``python -m workers.training.train_form_model`` on the
hand-labelled claims in ``docs/wellformed/``; its weights, feature scaling and threshold live in
``form_model.json`` next to this module. Only the standard library is used at run time.
"""

import difflib
import json
import math
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Self

from spacy.tokens import Span, Token

from workers.extraction.form import (
    FINITE_TAGS,
    RELATIVE_TAGS,
    SUBJECT_DEPS,
    SUBORDINATORS,
    is_quantity_phrase,
)
from workers.extraction.render import AtomicClaim

ARTIFACT_FORMAT = "factcheck-claim-form/1"
DEFAULT_PATH = Path(__file__).resolve().parent / "form_model.json"

DASHES = frozenset({"--", "—", "–", "-", "...", "…"})
SENTENCE_ENDS = frozenset({".", "!", "?", '"', "”", ")"})
# A claim covering this share of its sentence's words is the sentence, not a piece of it.
WHOLE_SHARE = 0.9
# The ``problem`` of a claim the model doubts and nothing could replace: hidden by default.
DOUBTFUL = "doubtful form"
_WORDS = re.compile(r"\w+|[^\w\s]")


def feature_names() -> list[str]:
    """The features, in the order ``claim_form_features`` returns them. Chosen by cross-validated
    AUC over the training samples among larger sets (all first/last tags, dependency labels at the
    claim's head, dashes, fillers): with 26 broken claims to learn from, fewer features held up
    better."""
    return [
        "share", "gaps", "skipped_verb", "cut_subject", "main_has_subject", "root_inside",
        "sentence_ragged", "first_wh", "first_subordinator", "last_aux",
    ]  # fmt: skip


def claim_form_features(span: Span, tokens: Collection[int]) -> list[float]:
    """The features of a claim rendered from ``tokens`` (indices into ``span.doc``) of the
    sentence ``span``, read off the sentence's parse."""
    doc = span.doc
    kept = [doc[i] for i in sorted(tokens) if not doc[i].is_space]
    words = [t for t in kept if not t.is_punct]
    if not words:
        return [0.0] * len(feature_names())
    ids = {t.i for t in kept}
    first, last = words[0], words[-1]
    tops = [t for t in words if t.head.i == t.i or t.head.i not in ids]
    main = next((t for t in tops if t.pos_ in ("VERB", "AUX")), tops[0] if tops else first)
    # Words of the sentence between the claim's first and last word that the claim leaves out.
    skipped = [doc[i] for i in range(first.i, last.i) if i not in ids and _is_word(doc[i])]
    gaps = sum(
        1
        for a, b in zip(kept, kept[1:], strict=False)
        if any(_is_word(doc[i]) for i in range(a.i + 1, b.i))
    )
    outside = [c for t in words for c in t.children if c.i not in ids and _is_word(c)]
    return [
        len(words) / max(sum(1 for t in span if _is_word(t)), 1),
        float(min(gaps, 3)),
        float(any(t.pos_ in ("VERB", "AUX") for t in skipped)),
        float(any(c.dep_ in SUBJECT_DEPS for c in outside)),
        float(any(c.dep_ in SUBJECT_DEPS and c.i in ids for c in main.children)),
        float(span.root.i in ids),
        float(_ragged(span)),
        float(first.tag_ in RELATIVE_TAGS),
        float(first.lower_ in SUBORDINATORS or first.lower_ == "because"),
        float(last.pos_ == "AUX" or (last.dep_ == "neg" and last.head.pos_ == "AUX")),
    ]


def is_whole(span: Span, tokens: Collection[int]) -> bool:
    """The claim is its sentence (give or take a salutation or a leading "So,")."""
    words = sum(1 for i in tokens if _is_word(span.doc[i]))
    return words >= WHOLE_SHARE * sum(1 for t in span if _is_word(t))


def _verbless_quantity(span: Span, tokens: Collection[int]) -> bool:
    """A quantity phrase tied to what it counts ("up to eight launchers, four missiles each"),
    which the issue allows without a verb: the rules build and check it, and the model, trained
    on clauses, has next to none to learn from."""
    kept = [span.doc[i] for i in sorted(tokens)]
    return is_quantity_phrase(kept) and not any(t.tag_ in FINITE_TAGS for t in kept)


def _is_word(token: Token) -> bool:
    return not token.is_punct and not token.is_space


def _ragged(span: Span) -> bool:
    """The speaker broke off: the sentence ends on a dash or an ellipsis, or without a stop."""
    marks = [t for t in span if not t.is_space]
    if not marks:
        return False
    end = marks[-1].text
    return end in DASHES or end.endswith("...") or end not in SENTENCE_ENDS


@dataclass(frozen=True)
class FormModel:
    """Logistic regression over standardised ``claim_form_features``: ``probability`` that a claim
    is well-formed; a claim under ``threshold`` is doubtful and is not shown as it is."""

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float
    version: str = ""

    @classmethod
    def load(cls, path: Path | None = None) -> Self:
        data = json.loads((path or DEFAULT_PATH).read_text(encoding="utf-8"))
        if data.get("format") != ARTIFACT_FORMAT or data.get("features") != feature_names():
            raise ValueError(f"{path or DEFAULT_PATH} is not a claim-form model this code reads")
        return cls(
            weights=tuple(data["weights"]),
            bias=float(data["bias"]),
            mean=tuple(data["mean"]),
            scale=tuple(data["scale"]),
            threshold=float(data["threshold"]),
            version=str(data.get("version", "")),
        )

    def probability(self, features: Sequence[float]) -> float:
        z = self.bias + sum(
            w * (x - m) / s
            for w, x, m, s in zip(self.weights, features, self.mean, self.scale, strict=True)
        )
        return 1 / (1 + math.exp(-max(min(z, 30.0), -30.0)))

    def doubtful(self, features: Sequence[float]) -> bool:
        return self.threshold > 0 and self.probability(features) < self.threshold

    @classmethod
    def trusting(cls) -> Self:
        """A model that doubts nothing: the claims as the rules alone cut them."""
        return cls(weights=(), bias=0.0, mean=(), scale=(), threshold=0.0, version="none")


@cache
def default_form_model() -> FormModel:
    """The committed model, read once per process."""
    return FormModel.load()


def claim_tokens(span: Span, text: str) -> set[int]:
    """The tokens of ``span`` a claim's words come from, found by aligning the words (for a claim
    built with an added copula, and for claims labelled by an earlier extractor): the longest
    matching runs, so a word the claim added or changed is left out. Both sides are cut by the
    same pattern, so no tokenizer is needed."""
    pieces: list[str] = []
    owners: list[int] = []
    for token in span:
        for piece in _WORDS.findall(token.lower_):
            pieces.append(piece)
            owners.append(token.i)
    words = _WORDS.findall(text.lower())
    matcher = difflib.SequenceMatcher(None, pieces, words, autojunk=False)
    return {
        owners[block.a + k] for block in matcher.get_matching_blocks() for k in range(block.size)
    }


def screen_claims(
    span: Span,
    claims: Sequence[AtomicClaim],
    model: FormModel,
    whole: Callable[[], AtomicClaim | None],
) -> list[AtomicClaim]:
    """The sentence's claims as the queue may show them: a piece the model doubts gives way to
    the whole sentence (once, and only if the sentence is itself a clause the model does not
    doubt); a doubtful claim that nothing replaces stays, hidden by default (``DOUBTFUL``)."""
    kept: list[AtomicClaim] = []
    doubtful: list[AtomicClaim] = []
    for claim in claims:
        tokens = claim.tokens or claim_tokens(span, claim.text)
        if (
            claim.problem
            or _verbless_quantity(span, tokens)
            or not model.doubtful(claim_form_features(span, tokens))
        ):
            kept.append(claim)
        elif is_whole(span, tokens):
            kept.append(replace(claim, problem=DOUBTFUL))
        else:
            doubtful.append(claim)
    if not doubtful:
        return kept
    sentence = whole()
    if (
        sentence is not None
        and not sentence.problem
        and not model.doubtful(claim_form_features(span, sentence.tokens))
    ):
        if all(c.text != sentence.text for c in kept):
            kept.append(sentence)
    else:
        kept.extend(replace(c, problem=DOUBTFUL) for c in doubtful)
    return sorted(kept, key=lambda c: (c.start, c.end))
