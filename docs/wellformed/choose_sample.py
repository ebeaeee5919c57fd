"""Choose the sentences of the well-formedness sample (run once, before the claim rules changed).

Reads claims made by the extractor (atomic-3) from whole documents, one JSON file per source
(``{"claims": [ClaimCandidate fields...]}``, written from
``workers.training.wellformed.transcript_claims`` over each labelled JSONL file), and draws sentences at random with a fixed seed
until each source has its quota of claims shown by default. The sentences, not the claims, are
the sample: ``docs/wellformed/sample.jsonl`` holds what the extractor makes of them now.

    python docs/wellformed/choose_sample.py ct19.json:170 devtest.json:30 > sentences.jsonl

(the ``source`` of each line was then renamed to the labelled file the claims came from).
"""

import json
import random
import sys

SEED = 14


def main(arguments: list[str]) -> None:
    rng = random.Random(SEED)
    for argument in arguments:
        path, quota = argument.rsplit(":", 1)
        with open(path, encoding="utf-8") as file:
            claims = [c for c in json.load(file)["claims"] if c["kind"] != "not_checkable"]
        by_sentence: dict[str, int] = {}
        for claim in claims:
            by_sentence[claim["sentence"]] = by_sentence.get(claim["sentence"], 0) + 1
        sentences = sorted(by_sentence)
        rng.shuffle(sentences)
        taken = 0
        for sentence in sentences:
            if taken >= int(quota):
                break
            taken += by_sentence[sentence]
            print(json.dumps({"source": path.rsplit("/", 1)[-1], "sentence": sentence}))


if __name__ == "__main__":
    main(sys.argv[1:])
