"""``manage.py add_feed URL``: follow an RSS or Atom feed; the periodic task (or ``poll_feeds``)
polls it and ingests its new entries."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from claims import services


class Command(BaseCommand):
    help = "Follow an RSS or Atom feed; its new entries are fetched and split into claims."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("url", metavar="URL")
        parser.add_argument("--source", default="", help="outlet name for its articles")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            feed = services.feed_create(url=options["url"], source=options["source"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"following feed #{feed.pk} {feed.url}; it is polled at the next beat")
