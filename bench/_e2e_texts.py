"""The articles the end-to-end bench ingests: real transcripts cut into news-length pieces.

Used by bench/end_to_end.py; not a bench of its own."""

import json
import os
import random
from pathlib import Path

from _load_setup import ROOT, SAMPLE, distinct_text

SHARED = Path(os.environ.get("FACTCHECK_SHARED_DATA", ROOT.parent / "shared" / "data"))
TRANSCRIPTS = (
    SHARED / "checkworthiness" / "ct19_task1_debates_train.jsonl",
    SHARED / "checkworthiness" / "ct24_task1_en_train.jsonl",
)
# An article's length in words is drawn from this range, as a news story's would be.
WORDS_MIN, WORDS_MAX = 500, 900
SENTENCES_PER_PARAGRAPH = 5


def _pieces(sentences: list[str], rng: random.Random) -> list[str]:
    """Consecutive sentences in pieces of WORDS_MIN..WORDS_MAX words, in paragraphs."""
    pieces: list[str] = []
    current: list[str] = []
    words, target = 0, rng.randint(WORDS_MIN, WORDS_MAX)
    for sentence in sentences:
        current.append(sentence)
        words += len(sentence.split())
        if words >= target:
            pieces.append(_paragraphs(current))
            current, words, target = [], 0, rng.randint(WORDS_MIN, WORDS_MAX)
    if words >= WORDS_MIN:
        pieces.append(_paragraphs(current))
    return pieces


def _paragraphs(sentences: list[str]) -> str:
    step = SENTENCES_PER_PARAGRAPH
    return "\n\n".join(" ".join(sentences[i : i + step]) for i in range(0, len(sentences), step))


def transcript_pieces(seed: int = 16) -> list[str]:
    """Every piece of the CT19 debates and the CT24 training transcripts, shuffled so any prefix
    mixes the two; empty when the shared data is absent."""
    if not all(path.exists() for path in TRANSCRIPTS):
        return []
    rng = random.Random(seed)
    pieces: list[str] = []
    for path in TRANSCRIPTS:
        # One stream per file: CT24's documents are mostly shorter than an article.
        with path.open(encoding="utf-8") as lines:
            documents = [json.loads(line) for line in lines if line.strip()]
        pieces += _pieces([s["text"] for d in documents for s in d["sentences"]], rng)
    rng.shuffle(pieces)
    return pieces


def article_bodies(count: int) -> tuple[str, list[str]]:
    """(where the text comes from, ``count`` distinct bodies). Past the last piece the pieces
    come round again with their names and numbers changed, so no body, and few claims, repeat."""
    pieces = transcript_pieces()
    source = "CT19 debates and CT24 transcripts, 500-900 words a piece"
    if not pieces:
        pieces = [SAMPLE.read_text(encoding="utf-8")]
        source = f"the sample article ({SAMPLE.name}; shared data absent), renamed per copy"
    bodies = [distinct_text(i // len(pieces), pieces[i % len(pieces)]) for i in range(count)]
    if len(pieces) == 1:
        # Copies of one text: each also says which it is, so no two bodies are equal.
        bodies = [f"Copy {i} of the sample.\n\n{body}" for i, body in enumerate(bodies)]
    return source, bodies
