"""Choose the sentences of a well-formedness sample, and list their claims to be labelled.

Reads claims made by the extractor from whole documents, one JSON file per source
(``{"claims": [ClaimCandidate fields...]}``, written by ``dump_claims.py``), and draws sentences
at random with a fixed seed until each source has its quota of claims shown by default. Sentences
listed in an ``--exclude`` file (an earlier sample) are never drawn again.

The first sample (seed 14, before any claim rule changed, extractor atomic-3):

    python docs/wellformed/choose_sample.py ct19.json:170 devtest.json:30 > sentences.jsonl

(the ``source`` of each line was then renamed to the labelled file the claims came from). The
held-out sample used seed 15 and excluded ``sentences.jsonl``. The third (``fresh2``, seed 16,
extractor atomic-5, drawn after the rules prompted by the held-out sample were in):

    python docs/wellformed/choose_sample.py --seed 16 --exclude sentences.jsonl \\
        --exclude heldout_sentences.jsonl --claims fresh2.jsonl \\
        ct19.json:100 ct24-heldout-fold.json:80 > fresh2_sentences.jsonl

The seventh (``fresh6``, seed 20, extractor atomic-8) drew from CT19 and from 120 CT24 train
pseudo-documents (``dump_claims.py --draw 120 --seed 20``), excluding all six samples before:

    python docs/wellformed/choose_sample.py --seed 20 --exclude sentences.jsonl \\
        --exclude heldout_sentences.jsonl --exclude fresh2_sentences.jsonl \\
        --exclude fresh3_sentences.jsonl --exclude fresh4_sentences.jsonl \\
        --exclude fresh5_sentences.jsonl --claims fresh6.jsonl \\
        ct19.json:75 ct24train-drawn.json:75 > fresh6_sentences.jsonl

``--claims`` writes every shown claim of the chosen sentences, one line each, with ``label`` and
``reason`` left empty for the reader to fill in (``GUIDE.md``).
"""

import argparse
import json
import random
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="+", metavar="CLAIMS.json:QUOTA")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--exclude", action="append", type=Path, default=[])
    parser.add_argument("--claims", type=Path, help="write the chosen sentences' claims here")
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    excluded = {
        json.loads(line)["sentence"]
        for path in arguments.exclude
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    to_label: list[dict[str, Any]] = []
    chosen: set[str] = set()
    for argument in arguments.sources:
        path, quota = argument.rsplit(":", 1)
        source = path.rsplit("/", 1)[-1]
        with open(path, encoding="utf-8") as file:
            claims = [c for c in json.load(file)["claims"] if c["kind"] != "not_checkable"]
        by_sentence: dict[str, list[dict[str, Any]]] = {}
        for claim in claims:
            by_sentence.setdefault(claim["sentence"], []).append(claim)
        sentences = sorted(s for s in by_sentence if s not in excluded)
        rng.shuffle(sentences)
        taken = 0
        for sentence in sentences:
            if taken >= int(quota):
                break
            if sentence in chosen:
                continue  # CT24 train repeats some CT19 debates: a sentence is labelled once
            chosen.add(sentence)
            taken += len(by_sentence[sentence])
            print(json.dumps({"source": source, "sentence": sentence}, ensure_ascii=False))
            to_label += [
                {"source": source, "sentence": sentence, "claim": c["text"], "kind": c["kind"],
                 "label": "", "reason": ""}
                for c in by_sentence[sentence]
            ]  # fmt: skip
    if arguments.claims is not None:
        lines = [json.dumps(row, ensure_ascii=False) for row in to_label]
        arguments.claims.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
