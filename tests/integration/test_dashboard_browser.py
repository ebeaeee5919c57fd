"""A reviewer's day in a real browser: Debian's Chromium through Playwright, a live server and a
real Celery worker splitting the sample article.

Screenshots land in the test's tmp dir; with UPDATE_SCREENSHOTS=1 they also replace docs/*.png."""

import os
import re
import shutil
from pathlib import Path

import pytest

from claims.models import Claim, Verdict
from tests.factories import EditorFactory
from tests.integration.conftest import REPO

# Playwright's sync API runs an event loop in this thread; the ORM calls here are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.integration, pytest.mark.browser]

SAMPLE = REPO / "claims" / "sample" / "patriot-article.txt"
PASSWORD = "correct horse battery"
CLAIM_URL = re.compile(r"/claims/(\d+)/$")


def _claim_id(url: str) -> int:
    match = CLAIM_URL.search(url)
    assert match, f"not a claim page: {url}"
    return int(match.group(1))


def _shoot(page, name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    page.screenshot(path=str(path))
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(path, REPO / "docs" / name)


def test_a_reviewer_ingests_an_article_and_works_it_from_the_keyboard(
    start_worker, live_server, page, tmp_path
):
    from playwright.sync_api import expect

    start_worker()
    EditorFactory(username="desk", password=PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 860})
    page.set_default_timeout(20_000)

    # Log in.
    page.goto(f"{live_server.url}/accounts/login/?next=/articles/new/")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # Ingest the sample article by upload; the article page updates itself until it is split.
    page.get_by_label("Title").fill("Patriot missiles for Ukraine")
    page.get_by_label("Outlet").fill("Sample Wire")
    page.get_by_label("Or upload a .txt or .html file").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Ingest").click()
    expect(page).to_have_url(re.compile(r"/articles/\d+/$"))
    status = page.locator("#article-status")
    expect(status).to_have_attribute("data-status", "split", timeout=180_000)
    expect(page.locator("table.article-claims tbody tr").first).to_be_visible()

    page.goto(f"{live_server.url}/")
    expect(page.locator("table.queue tbody tr").first).to_be_visible()
    page.keyboard.press("j")
    expect(page.locator("tr.selected")).to_have_count(1)
    _shoot(page, "queue.png", tmp_path)

    # From here on, the keyboard only.
    page.keyboard.press("n")
    expect(page).to_have_url(CLAIM_URL)
    first = _claim_id(page.url)
    expect(page.locator(".lease.mine")).to_contain_text("You hold this claim")
    page.keyboard.press("2")
    expect(page.locator("#id_explanation")).to_be_focused()
    expect(page.locator("#id_rating_1")).to_be_checked()
    page.keyboard.type("The Pentagon's own statement gives the same number of launchers.")
    page.keyboard.press("Shift+Enter")  # a new line, not a save
    page.keyboard.type("Checked on the day of publication.")
    _shoot(page, "claim.png", tmp_path)
    page.keyboard.press("Enter")

    page.wait_for_url(lambda url: CLAIM_URL.search(url) and _claim_id(url) != first)
    second = _claim_id(page.url)
    verdict = Verdict.objects.get(claim_id=first)
    assert (verdict.rating, verdict.reviewer.username) == ("mostly_true", "desk")
    assert verdict.explanation.count("\n") == 1
    held = Claim.objects.get(pk=second)
    assert held.assignee == verdict.reviewer and held.status == Claim.Status.IN_REVIEW
    expect(page.locator(".messages")).to_contain_text("saved on claim")

    # The keys help, then a skip and a dismissal, each landing on another claim.
    page.keyboard.press("?")
    expect(page.locator("#keys-dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#keys-dialog")).to_be_hidden()
    page.keyboard.press("s")
    page.wait_for_url(lambda url: CLAIM_URL.search(url) and _claim_id(url) != second)
    third = _claim_id(page.url)
    assert Claim.objects.get(pk=second).assignee is None
    page.keyboard.press("5")
    page.keyboard.type("The figure is wrong.")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: CLAIM_URL.search(url) and _claim_id(url) != third)
    fourth = _claim_id(page.url)
    page.keyboard.press("d")
    page.wait_for_url(lambda url: CLAIM_URL.search(url) and _claim_id(url) != fourth)
    assert Claim.objects.get(pk=fourth).status == Claim.Status.DISMISSED
    assert Verdict.objects.get(claim_id=third).rating == "false"

    # My work lists both verdicts.
    page.get_by_role("link", name="My work").click()
    verdicts = page.locator("table.my-verdicts")
    expect(verdicts.locator(f'a[href="/claims/{first}/"]')).to_be_visible()
    expect(verdicts).to_contain_text("Mostly true")
    expect(verdicts).to_contain_text("False")

    page.get_by_role("link", name="Stats").click()
    expect(page.locator("figure.chart svg")).to_have_count(5)
    _shoot(page, "stats.png", tmp_path)

    # On a tablet in portrait nothing needs sideways scrolling.
    page.set_viewport_size({"width": 768, "height": 1024})
    for path in ("/", "/my-work/", "/stats/", f"/claims/{fourth}/"):
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at tablet width"
    _shoot(page, "claim-tablet.png", tmp_path)
