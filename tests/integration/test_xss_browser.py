"""Hostile text in a real browser (Debian's Chromium through Playwright): an article whose title,
body, claims, speaker and verdict carry <script>, event handlers and javascript: links is shown
as text on every page that shows it, and no script of it runs."""

import os
import re

import pytest
from django.utils import timezone

from claims.models import Article, Claim, Rating, Verdict
from tests.factories import EditorFactory

# Playwright's sync API runs an event loop in this thread; the ORM calls here are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.integration, pytest.mark.browser]

PASSWORD = "correct horse battery"


def _payloads(where: str) -> str:
    """Markup that, if a page ever rendered it as HTML, would run code the test can see."""
    return (
        f"<script>window.__pwned='{where}-script';alert('{where}-script')</script>"
        f"<img src=x onerror=\"window.__pwned='{where}-img';alert('{where}-img')\">"
        f"<svg/onload=alert('{where}-svg')>"
        f'<a href="javascript:alert(\'{where}-link\')" id="{where}-link">read more</a>'
        f"</textarea></script></title>\"'><script>alert('{where}-breakout')</script>"
    )


def _hostile_article() -> tuple[Article, Claim]:
    first = f"The council approved 12 new bus lines on Monday {_payloads('body')}."
    body = f"{first}\n\nRidership rose by 14 percent in 2023, the mayor said."
    article = Article.objects.create(
        title=f"Buses {_payloads('title')}",
        body=body,
        content_hash="x" * 64,
        status=Article.Status.SPLIT,
        source=f"Wire {_payloads('source')}"[:200],
        language="en",
    )
    claim = Claim.objects.create(
        article=article,
        position=0,
        text=f"12 new bus lines {_payloads('claim')}",
        sentence=first,
        start=0,
        end=len(first),
        kind=Claim.Kind.QUANTITY,
        score=0.9,
        speaker=f"Mayor {_payloads('speaker')}"[:300],
        entities=[{"text": _payloads("entity"), "label": "ORG"}],
    )
    return article, claim


def test_no_script_from_a_hostile_article_runs_on_any_page(live_server, page):
    editor = EditorFactory(username="desk", password=PASSWORD)
    article, claim = _hostile_article()
    Verdict.objects.create(
        claim=claim,
        reviewer=editor,
        rating=Rating.FALSE,
        explanation=f"Minutes say 10 {_payloads('verdict')}",
        evidence_urls=["https://example.org/minutes?q=<script>alert('evidence')</script>"],
        published_at=timezone.now(),
    )
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_default_timeout(20_000)

    # The detector works: markup rendered as HTML in this browser does show up.
    page.set_content("<script>alert('control')</script>")
    assert dialogs == ["control"]
    dialogs.clear()

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/)"))

    pages = {
        "article": f"/articles/{article.pk}/",
        "claim": f"/claims/{claim.pk}/",
        "queue": "/",
        "queue search": f"/?q={claim.text[:20]}&all=1",
        "articles": "/articles/",
        "my work": "/my-work/?who=all",
    }
    for name, path in pages.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, name
        page.wait_for_load_state("load")
        # Hover and click where a handler or link would have been, had it been markup.
        page.mouse.move(10, 10)
        page.mouse.move(400, 300)
        assert page.evaluate("window.__pwned") is None, name
        assert page.locator("a[href^='javascript:' i]").count() == 0, name
        assert page.locator("[onerror], [onload], [onclick], [onmouseover]").count() == 0, name
        assert page.locator("[id$='-link']").count() == 0, name
        assert dialogs == [], name

    # And the text is there, as text, for the reviewer to read.
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    assert "<script>window.__pwned='claim-script'" in page.locator("body").inner_text()
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    assert "onerror=" in page.locator("h1").inner_text()
    assert page.title().startswith("Buses <script>")
    assert dialogs == []
