"""``manage.py import_factchecks FILE_OR_URL``: other outlets' fact-checks into the matching archive."""

import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from claims import services
from claims.matching.encoder import sentence_encoder
from claims.matching.formats import parse_factchecks
from claims.text import decode_upload

MAX_BYTES = 200 * 1024 * 1024
FETCH_TIMEOUT_SECONDS = 30


class Command(BaseCommand):
    help = (
        "Import fact-checks (ClaimReview JSON-LD: a page, a DataFeed or NDJSON; or the "
        "verified_claims.jsonl format) into the matching archive. Already imported ones are "
        "skipped; broken lines are reported and the good ones imported."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("location", metavar="FILE_OR_URL")
        parser.add_argument("--outlet", default="", help="outlet for records that name none")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        text = _read(options["location"])
        records, errors = parse_factchecks(text, default_outlet=options["outlet"])
        for error in errors:
            self.stderr.write(f"error: {error.where}: {error.reason}")
        progress = tqdm(
            total=len(records), unit="fact-check", disable=options["no_progress"],
            file=self.stderr._out,
        )  # fmt: skip

        def advance(done: int, total: int) -> None:
            progress.update(done - progress.n)

        summary = services.factchecks_import(
            records=records, encoder=sentence_encoder(), progress=advance
        )
        progress.close()
        line = f"imported {summary.created}, already there {summary.skipped}, bad {len(errors)}" + (
            f" ({', '.join(e.where for e in errors)})" if errors else ""
        )
        if errors:
            raise CommandError(line)
        self.stdout.write(line)


def _read(location: str) -> str:
    if location.startswith(("http://", "https://")):
        request = urllib.request.Request(location, headers={"User-Agent": "factcheck-import/1"})
        try:
            with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310 - http(s) only, checked above
                data = response.read(MAX_BYTES + 1)
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            raise CommandError(
                f"could not fetch {location}: {getattr(exc, 'reason', exc)}"
            ) from None
    else:
        path = Path(location)
        if not path.is_file():
            raise CommandError(f"no such file: {location}")
        data = path.read_bytes()[: MAX_BYTES + 1]
    if len(data) > MAX_BYTES:
        raise CommandError(f"{location} is larger than {MAX_BYTES:,} bytes")
    try:
        return decode_upload(data, name=location)
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from None
