"""``manage.py poll_feeds``: poll the feeds that are due once, as the periodic task does."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from claims import services
from claims.models import Feed


class Command(BaseCommand):
    help = "Poll the feeds that are due (with --all, every active feed) and ingest new entries."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--all", action="store_true", help="poll every active feed now")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["all"]:
            for feed_id in Feed.objects.filter(active=True).values_list("pk", flat=True):
                services.feed_poll_soon(feed_id=feed_id)
        results = services.feeds_poll_due(now=timezone.now())
        for result in results:
            line = f"feed #{result.feed_id}: {result.status}, {len(result.created)} new"
            self.stdout.write(f"{line}: {result.error}" if result.error else line)
        failing = [r for r in results if r.status == "failing"]
        summary = f"polled {len(results)}, new articles {sum(len(r.created) for r in results)}"
        if failing:
            raise CommandError(f"{summary}, failing {len(failing)}")
        self.stdout.write(summary)
