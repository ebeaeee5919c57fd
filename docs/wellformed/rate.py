"""The well-formed rate of the claims an extractor shows by default on a labelled sample.

Reads the labelled claims (``fresh4.jsonl``, labelled as an earlier extractor produced them,
plus any ``--labels`` file labelling claims that extractor did not make) and the claims the
extractor under test made from the same documents (``dump_claims.py``, run from the repository
root with ``PYTHONPATH=.`` so that the worktree's code is the one imported), and counts, over the
sample's sentences, the claims now shown by default and how many of them are labelled ``ok``:

    PYTHONPATH=. python docs/wellformed/dump_claims.py ct19_task1_debates_train.jsonl ct19.json
    PYTHONPATH=. python docs/wellformed/dump_claims.py ct24_task1_en_dev.jsonl ct24dev.json
    python docs/wellformed/rate.py docs/wellformed/fresh4.jsonl \\
        --labels docs/wellformed/fresh4_atomic7.jsonl ct19.json ct24dev.json

A shown claim nobody has labelled is listed (``--unlabelled FILE`` writes it, ready to label)
and counted apart: the rate is given only over labelled claims, with the count left out.
"""

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sample", type=Path)
    parser.add_argument("dumps", nargs="+", type=Path)
    parser.add_argument("--labels", action="append", type=Path, default=[])
    parser.add_argument("--unlabelled", type=Path)
    arguments = parser.parse_args()
    rows = read_jsonl(arguments.sample)
    labels = {(r["sentence"], r["claim"]): r["label"] for r in rows}
    for path in arguments.labels:
        labels.update({(r["sentence"], r["claim"]): r["label"] for r in read_jsonl(path)})
    sentences = {r["sentence"]: r["source"] for r in rows}
    # A sentence is labelled once, even where two sources repeat a debate: each distinct claim
    # of it counts once.
    shown: dict[tuple[str, str], dict[str, Any]] = {}
    hidden: set[tuple[str, str]] = set()
    for path in arguments.dumps:
        for claim in json.loads(path.read_text(encoding="utf-8"))["claims"]:
            key = (claim["sentence"], claim["text"])
            if claim["sentence"] not in sentences:
                continue
            if claim["kind"] == "not_checkable":
                hidden.add(key)
            else:
                shown[key] = claim
    counts: Counter[str] = Counter()
    unlabelled = []
    for claim in shown.values():
        label = labels.get((claim["sentence"], claim["text"]), "")
        counts[label or "unlabelled"] += 1
        if not label:
            unlabelled.append(
                {"source": sentences[claim["sentence"]], "sentence": claim["sentence"],
                 "claim": claim["text"], "kind": claim["kind"], "label": "", "reason": ""}
            )  # fmt: skip
    labelled = counts["ok"] + counts["broken"]
    print(
        f"sentences: {len(sentences)}; claims shown by default: {len(shown)}; hidden: {len(hidden)}"
    )
    print(
        f"well-formed: {counts['ok']} of {labelled} labelled "
        f"({counts['ok'] / max(labelled, 1):.1%}); unlabelled: {counts['unlabelled']}"
    )
    for row in unlabelled:
        print(f"  unlabelled: {row['claim']}")
    if arguments.unlabelled is not None:
        lines = [json.dumps(row, ensure_ascii=False) for row in unlabelled]
        arguments.unlabelled.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


if __name__ == "__main__":
    main()
