"""``manage.py match_backfill``: embed and match the claims stored before matching existed, and
embed again the archive entries of an earlier encoder."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from claims import selectors, services
from claims.matching.encoder import sentence_encoder
from claims.matching.ranking import ranker


class Command(BaseCommand):
    help = (
        "Add the claims that have no archive entry yet (stored before matching existed) to the "
        "matching archive, oldest article first, and store what each one matches. Each batch of "
        "articles commits whole: an interrupted run is resumed by running it again, and a run "
        "with nothing left to do changes nothing. Then the entries embedded by another encoder "
        "(before the committed one was changed) are embedded again, also in batches."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=50, help="articles per batch (default 50)"
        )
        parser.add_argument("--limit", type=int, help="stop after this many batches")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        size, limit = options["batch_size"], options["limit"]
        if size < 1:
            raise CommandError("--batch-size must be at least 1")
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1")
        encoder, weights = sentence_encoder(), ranker()
        # First the vectors of an earlier encoder: the claims matched below are compared with them.
        stale = self._reembed(encoder, size * 20, limit)
        waiting = selectors.claims_without_archive_entry().count()
        if not waiting:
            self.stdout.write(
                "nothing to backfill: every claim is in the matching archive"
                + (f" (embedded {stale} entries again)" if stale else "")
            )
            return
        progress = tqdm(
            total=waiting, unit="claim", disable=options["no_progress"], file=self.stderr._out
        )
        articles = claims = matched = batches = 0
        after = 0
        while limit is None or batches < limit:
            article_ids = selectors.articles_to_backfill(after=after, limit=size)
            if not article_ids:
                break
            done = services.claims_backfill_matches(
                article_ids=article_ids, encoder=encoder, ranker=weights
            )
            after = article_ids[-1]
            articles, claims, matched = (
                articles + done.articles, claims + done.claims, matched + done.matched
            )  # fmt: skip
            batches += 1
            progress.update(done.claims)
        progress.close()
        left = selectors.claims_without_archive_entry().count()
        self.stdout.write(
            f"embedded {claims} claims of {articles} articles, stored {matched} matches; "
            f"{left} claims left"
            + (" (run again to go on)" if left else "")
            + (f"; embedded {stale} entries again" if stale else "")
        )

    def _reembed(self, encoder: Any, size: int, limit: int | None) -> int:
        """Embed again, in batches of ``size``, the entries another encoder embedded."""
        done = batches = after = 0
        while limit is None or batches < limit:
            ids = selectors.archive_entries_stale(version=encoder.version, after=after, limit=size)
            if not ids:
                break
            done += services.archive_reembed(entry_ids=ids, encoder=encoder)
            after, batches = ids[-1], batches + 1
        return done
