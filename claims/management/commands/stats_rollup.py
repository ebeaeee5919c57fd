"""Recount the stats rollups now: after a bulk import or restore, or where no beat runs."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from claims import services


class Command(BaseCommand):
    help = "Recount the stats page's rollups (claims by status, verdicts per day, queue age)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--full",
            action="store_true",
            help="recount every day's verdicts, not just changed ones",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rollup = services.stats_rollup_refresh(full=options["full"])
        self.stdout.write(f"stats rolled up: {rollup.open_claims:,} open claims")
