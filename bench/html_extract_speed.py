"""Main-text extraction speed (claims/html_extract.py, trafilatura): a 1 KB news page and a 40 KB
page of 400 paragraphs. Run: python bench/html_extract_speed.py"""

import os
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

import django  # noqa: E402

django.setup()

from claims.html_extract import html_extract  # noqa: E402
from tests.fetch_server import NEWS_PAGE  # noqa: E402


def main() -> None:
    page = NEWS_PAGE.format(base="http://x.test")
    paragraphs = "".join(
        f"<p>Paragraph {i} says the council spent {i} million pounds on roads in 2023.</p>"
        for i in range(400)
    )
    big = page.replace("<footer>", paragraphs + "<footer>")
    for name, html, runs in (("news page", page, 200), ("400 paragraphs", big, 20)):
        seconds = timeit.timeit(lambda html=html: html_extract(html), number=runs) / runs
        print(f"{name} ({len(html):,} chars): {seconds * 1000:.1f} ms per page")


if __name__ == "__main__":
    main()
