"""``manage.py ingest FILE_OR_URL...``: store articles from .txt, .html, .jsonl and .csv files, or
http(s) URLs (stored as ``fetching``; a worker fetches them through the safe fetcher)."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from claims import services
from claims.sources import read_source


class Command(BaseCommand):
    help = (
        "Ingest articles from .txt, .html, .jsonl or .csv files, or http(s) URLs (fetched by a "
        "worker), and queue their split. Re-running a file skips what is already stored."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("locations", nargs="+", metavar="FILE_OR_URL")
        parser.add_argument("--user", help="username recorded as the one who ingested them")
        parser.add_argument("--source", default="", help="outlet name for articles that lack one")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user called “{options['user']}”")
        max_bytes = settings.FACTCHECK_MAX_ARTICLE_CHARS * 4
        total = services.BulkSummary()
        progress = tqdm(
            total=len(options["locations"]),
            unit="source",
            disable=options["no_progress"],
            file=self.stderr._out,
        )
        for location in options["locations"]:
            summary = services.articles_ingest_drafts(
                drafts=read_source(location, max_bytes=max_bytes),
                ingested_by=user,
                default_source=options["source"],
                via="command",
            )
            for line in summary.lines:
                if line.result == "error":
                    progress.write(f"error: {line.origin}: {line.detail}", file=self.stderr._out)
            total.lines.extend(summary.lines)
            progress.set_postfix(
                created=total.created, duplicates=total.duplicates, errors=total.errors
            )
            progress.update(1)
        progress.close()
        fetching = total.count("fetching")
        summary_text = total.text() + (f" ({fetching} to be fetched)" if fetching else "")
        if total.errors:
            raise CommandError(summary_text)
        self.stdout.write(summary_text)
