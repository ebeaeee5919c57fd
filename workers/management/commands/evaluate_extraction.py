"""``manage.py evaluate_extraction --data PATH [--data PATH] [--gold PATH]``: one table of how
well and how fast the extractor works, measured in this run.

Each ``--data`` file gets the view its content calls for: whole transcripts (CT19) are ranked
through the pipeline (MAP), a CT24 train file is reported on its held-out newer fold only, and any
other labelled set (dev, devtest) sentence by sentence."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from workers.training.cw_metrics import read_jsonl_documents
from workers.training.evaluation import (
    CANONICAL_CLAIM,
    CLAIM_MATCH_F1,
    HELD_OUT_FROM,
    evaluate_documents,
    evaluate_gold_article,
    evaluate_transcripts,
    held_out_fold,
    is_train_file,
    is_transcript_file,
    measure_speed,
    speed_text,
)
from workers.training.wellformed import form_report, transcript_claims

SAMPLE_ARTICLE = Path(__file__).resolve().parents[3] / "claims" / "sample" / "patriot-article.txt"


class Command(BaseCommand):
    help = (
        "Evaluate claim extraction: check-worthiness on labelled JSONL sets (--data), the hand "
        "labels of one article (--gold), and words per second against plain spaCy."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--data", action="append", required=True, type=Path, metavar="PATH",
            help="labelled sentences, JSONL (CheckThat! format); repeat for several sets. Whole "
            "transcripts (pseudo_document false) give MAP through the pipeline; a CT24 train file "
            f"gives its held-out fold (sentence_id >= {HELD_OUT_FROM})",
        )  # fmt: skip
        parser.add_argument(
            "--gold", type=Path, metavar="PATH",
            help="hand labels of one article (patriot-gold.json format); its 'article' key names "
            "the text file, looked up beside it",
        )  # fmt: skip
        parser.add_argument("--no-speed", action="store_true", help="skip the speed measurement")
        parser.add_argument(
            "--show-malformed", action="store_true",
            help="list the claims the mechanical well-formedness check rejects",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        for path in options["data"]:
            if not path.is_file():
                raise CommandError(f"--data {path}: no such file")
        gold, article = self._gold(options["gold"])

        from workers.nlp import get_nlp, get_scorer

        nlp, scorer = get_nlp(), get_scorer()
        rows: list[tuple[str, str, str]] = []
        if gold is not None:
            report = evaluate_gold_article(nlp, scorer, article, gold)
            rows += [
                ("article", "check-worthy sentences: precision", f"{report.sentence_precision:.3f}"),
                ("article", "check-worthy sentences: recall", f"{report.sentence_recall:.3f}"),
                ("article", "check-worthy sentences: F1", f"{report.sentence_f1:.3f}"),
                (
                    "article",
                    f"gold atomic claims recalled (token F1 >= {CLAIM_MATCH_F1})",
                    f"{report.claims_recalled}/{report.claims_total}",
                ),
                (
                    "article",
                    "gold quantities right (value, unit, qualifier)",
                    f"{report.quantities_correct}/{report.quantities_total}"
                    + (f"  missed: {', '.join(report.missed_quantities)}" if report.missed_quantities else ""),
                ),
                (
                    "article",
                    "duplicate pairs linked",
                    f"{report.duplicates_linked}/{report.duplicates_total}",
                ),
                ("article", f"canonical claim “{CANONICAL_CLAIM}”", "yes" if report.canonical_claim else "NO"),
                ("article", "claims produced", str(report.claims_produced)),
            ]  # fmt: skip
        for path in options["data"]:
            rows += self._data_rows(nlp, scorer, path)
            form = form_report(nlp, transcript_claims(nlp, scorer, path))
            name = f"{Path(path).name}: well-formed claims"
            rows += [
                (name, "claims shown by default, each document whole", str(form.shown)),
                (
                    name,
                    "of them, connector at an edge or no finite verb (target <= 1%)",
                    f"{form.malformed} ({form.rate:.1%})",
                ),
            ]
            if options["show_malformed"]:
                rows += [(name, f"  {problem}", text) for text, problem in form.examples]
        if not options["no_speed"]:
            import spacy
            from django.conf import settings

            # The yardstick: the model exactly as it ships, every default component on.
            plain = spacy.load(settings.FACTCHECK_SPACY_MODEL)
            # Real, varied text: the first labelled set, one paragraph per document.
            documents = read_jsonl_documents(options["data"][0])
            text = speed_text(documents)
            speed = measure_speed(plain, nlp, scorer, text)
            name = f"speed ({speed.words:,} words of {options['data'][0].name}, one core)"
            rows += [
                (name, "plain nlp.pipe, default components: words/s", f"{speed.plain_words_per_second:,.0f}"),
                (name, "whole extractor: words/s", f"{speed.extractor_words_per_second:,.0f}"),
                (name, "extractor / plain", f"{speed.ratio:.2f}x"),
            ]  # fmt: skip
        self._print(rows, scorer_version=getattr(scorer, "version", "?"))

    def _data_rows(self, nlp: Any, scorer: Any, path: Path) -> list[tuple[str, str, str]]:
        """The view a labelled file calls for: whole transcripts (MAP through the pipeline), the
        held-out newer fold of a CT24 train file, or the sentences of any other set."""
        threshold = f"F1 of the check-worthy class at threshold {scorer.threshold:.3f}"
        try:
            documents = read_jsonl_documents(path)
            if is_transcript_file(documents):
                t = evaluate_transcripts(nlp, scorer, path.name, documents)
                name = f"{t.name} ({t.transcripts} whole transcripts, {t.sentences} lines, {t.checkworthy} check-worthy)"
                return [
                    (name, "MAP: each transcript ranked through the pipeline", f"{t.mean_average_precision:.3f}"),
                    (name, "average precision, all lines pooled", f"{t.average_precision:.3f}"),
                    (name, threshold, f"{t.f1:.3f}"),
                ]  # fmt: skip
            held_out = is_train_file(documents)
            if held_out:
                documents = held_out_fold(documents)
                if not documents:
                    raise ValueError(f"no sentence with sentence_id >= {HELD_OUT_FROM}")
            sset = evaluate_documents(nlp, scorer, path.name, documents)
        except (ValueError, KeyError, TypeError) as exc:
            raise CommandError(f"--data {path}: not in the labelled JSONL format ({exc})") from None
        name = f"{sset.name} ({sset.sentences} sentences, {sset.checkworthy} check-worthy)"
        rows = []
        if held_out:
            name = f"{path.name}, held-out fold sentence_id >= {HELD_OUT_FROM} ({sset.sentences} sentences, {sset.checkworthy} check-worthy)"
            rows.append((name, "held out from this scorer's training", _held_out_note(scorer)))
        return rows + [
            (name, threshold, f"{sset.f1:.3f}"),
            (name, "average precision", f"{sset.average_precision:.3f}"),
            (name, "mean precision@10 per document", f"{sset.precision_at_10:.3f}"),
        ]  # fmt: skip

    def _gold(self, path: Path | None) -> tuple[dict[str, Any] | None, str]:
        if path is None:
            return None, SAMPLE_ARTICLE.read_text(encoding="utf-8")
        if not path.is_file():
            raise CommandError(f"--gold {path}: no such file")
        try:
            gold = json.loads(path.read_text(encoding="utf-8"))
            article_path = path.parent / gold["article"]
            gold["checkworthy"]  # noqa: B018 - the one key every gold file has
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise CommandError(f"--gold {path}: not a gold file ({exc})") from None
        if not article_path.is_file():
            raise CommandError(f"--gold {path}: its article {article_path} does not exist")
        return gold, article_path.read_text(encoding="utf-8")

    def _print(self, rows: list[tuple[str, str, str]], *, scorer_version: str) -> None:
        from workers.extraction import EXTRACTOR_VERSION

        self.stdout.write(f"extractor {EXTRACTOR_VERSION}, check-worthiness model {scorer_version}")
        widths = [max(len(r[i]) for r in rows) for i in range(2)]
        last = None
        for section, metric, value in rows:
            label = section if section != last else ""
            self.stdout.write(f"{label:<{widths[0]}}  {metric:<{widths[1]}}  {value}")
            last = section


def _held_out_note(scorer: Any) -> str:
    training = getattr(scorer, "meta", {}).get("training", {})
    if training.get("held_out"):
        return f"yes: fitted on {training['fitted_on']} only"
    return "NO: the feature model was fitted on all of train, this fold included"
