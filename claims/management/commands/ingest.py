"""``manage.py ingest FILE_OR_URL...``: store articles from .txt, .html, .jsonl files or URLs."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from claims import services
from claims.sources import ArticleDraft, SourceError, read_source


class Command(BaseCommand):
    help = (
        "Ingest articles from .txt, .html or .jsonl files, or http(s) URLs, and queue their split."
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
        created = duplicates = errors = 0
        progress = tqdm(
            total=len(options["locations"]),
            unit="source",
            disable=options["no_progress"],
            file=self.stderr._out,
        )
        for location in options["locations"]:
            for item in read_source(location, max_bytes=max_bytes):
                if isinstance(item, SourceError):
                    errors += 1
                    progress.write(f"error: {item}", file=self.stderr._out)
                    continue
                outcome = self._store(item, user=user, default_source=options["source"])
                if outcome == "created":
                    created += 1
                elif outcome == "duplicate":
                    duplicates += 1
                else:
                    errors += 1
                    progress.write(f"error: {item.origin}: {outcome}", file=self.stderr._out)
                progress.set_postfix(created=created, duplicates=duplicates, errors=errors)
            progress.update(1)
        progress.close()
        summary = f"created {created}, duplicates {duplicates}, errors {errors}"
        if errors:
            raise CommandError(summary)
        self.stdout.write(summary)

    def _store(self, draft: ArticleDraft, *, user: Any, default_source: str) -> str:
        try:
            services.article_create(
                title=draft.title,
                body=draft.body,
                url=draft.url,
                source=draft.source or default_source,
                author=draft.author,
                published_on=draft.published_on,
                ingested_by=user,
                via="command",
            )
        except services.DuplicateArticle:
            return "duplicate"
        except ValidationError as exc:
            return " ".join(exc.messages)
        return "created"
