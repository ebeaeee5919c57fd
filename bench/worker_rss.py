"""Peak memory of a worker process: Django and the Celery app, the spaCy pipeline, the configured
check-worthiness scorer, then the split of real articles.

    python bench/worker_rss.py [--with-torch] [TRANSCRIPTS.jsonl]

The process does what a split worker's child does (``workers.nlp.extract_article``) on the sample
article and on the longest transcripts of the JSONL file (CT19's by default), then prints its
peak resident set size. spaCy's thinc imports PyTorch whenever it is installed (CI installs it for
the training tests), which no worker needs: by default the import is refused here as it fails in
the venv ``make run`` builds; ``--with-torch`` lets it load.
"""

import argparse
import json
import os
import resource
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FACTCHECK_SHARED_DATA", REPO.parent / "shared" / "data"))
LONGEST = 3


def rss_mb() -> float:
    """The current resident set size, from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = SHARED / "checkworthiness" / "ct19_task1_debates_train.jsonl"
    parser.add_argument("transcripts", nargs="?", type=Path, default=default)
    parser.add_argument("--with-torch", action="store_true", help="let spaCy's thinc load torch")
    args = parser.parse_args()
    if not args.with_torch:
        sys.path.insert(0, str(REPO / "bench" / "_no_torch"))
        import sitecustomize  # noqa: F401 - refuses torch from here on
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    from django.conf import settings

    import workers.tasks  # noqa: F401 - what the worker imports before its first task
    from workers.nlp import extract_article, get_nlp, get_scorer

    print(f"after Django, Celery and the imports of a worker: {rss_mb():.0f} MB")
    get_nlp()
    scorer = get_scorer()
    print(f"after loading spaCy and the {settings.FACTCHECK_CHECKWORTHINESS_SCORER} scorer "
          f"({scorer.version}): {rss_mb():.0f} MB")  # fmt: skip
    articles = [(REPO / "claims" / "sample" / "patriot-article.txt").read_text(encoding="utf-8")]
    with args.transcripts.open(encoding="utf-8") as lines:
        documents = [json.loads(line) for line in lines if line.strip()]
    documents.sort(key=lambda d: -len(d["sentences"]))
    articles += ["\n".join(s["text"] for s in d["sentences"]) for d in documents[:LONGEST]]
    for article in articles:
        candidates, _ = extract_article(article)
        print(f"split {len(article):,} characters into {len(candidates)} claims: {rss_mb():.0f} MB")
    torch = "loaded" if "torch" in sys.modules else "not loaded"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB (torch {torch})")


if __name__ == "__main__":
    main()
