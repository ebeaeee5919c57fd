"""Bad input through the services that store and split an article: each case gets a clear message and changes nothing already
stored (the other doors are beside this module; the browser proof that no script runs is
tests/integration/test_xss_browser.py)."""

from typing import Any

import pytest

from claims import services
from claims.models import Article, AuditEvent
from claims.text import LANGUAGE_UNDETERMINED, language_guess
from tests.claims.bad_input._inputs import (
    ENGLISH,
    FRENCH,
    GERMAN,
    RUSSIAN,
)

pytestmark = pytest.mark.django_db


# --- A 5,000-word sentence --------------------------------------------------------------------

RUN_ON = (
    "the council said that the new bus lines would carry more than twelve thousand people every "
    "day and officials told reporters that ridership rose by fourteen percent in 2023 while the "
    "mayor promised that the city would add routes"
)


def test_a_5000_word_sentence_without_punctuation_splits_without_crashing(worker_extractor):
    words = RUN_ON.split()
    body = " ".join(words[i % len(words)] for i in range(5000))
    article = services.article_create(title="Run-on", body=body)
    assert article.language == "en"

    outcome = services.article_extract_claims(article_id=article.pk, extractor=worker_extractor)

    article.refresh_from_db()
    assert outcome.result in ("split", "failed")
    assert article.status in (Article.Status.SPLIT, Article.Status.FAILED)
    if article.status == Article.Status.FAILED:
        assert article.failure_reason  # refused with a reason people can read
    for claim in article.claims.all():
        assert 0 <= claim.start <= claim.end <= len(article.body)
        assert len(claim.text) > 0


# --- Non-English text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ENGLISH, "en"),
        (FRENCH, "fr"),
        (GERMAN, "de"),
        (RUSSIAN, LANGUAGE_UNDETERMINED),
        (
            "政府は火曜日、失業者数が3%減少したと発表した。国家統計局が発表した数字によるものである。",
            "und",
        ),
        ("12 buses.", ""),
        # English with foreign names and a quote stays English.
        (
            "The Bundestag in Berlin passed the law on Friday, the chancellor said, calling it "
            "a « grande victoire » for the coalition and its partners in the region.",
            "en",
        ),
    ],
    ids=["en", "fr", "de", "ru", "ja", "too-short", "en-with-names"],
)
def test_the_language_guess_names_the_language_or_says_it_cannot_tell(text, expected):
    assert language_guess(text) == expected


def _extractor_never_called(body: str) -> Any:
    raise AssertionError("the English extractor ran on a non-English article")


@pytest.mark.parametrize(
    ("body", "language", "named"),
    [(FRENCH, "fr", "French"), (GERMAN, "de", "German"), (RUSSIAN, "und", "other than English")],
)
def test_a_non_english_article_is_stored_marked_and_not_split_into_nonsense(body, language, named):
    article = services.article_create(title="Abroad", body=body)
    assert article.language == language

    outcome = services.article_extract_claims(
        article_id=article.pk, extractor=_extractor_never_called
    )

    article.refresh_from_db()
    assert outcome.result == "split" and outcome.claims == 0
    assert article.status == Article.Status.SPLIT
    assert not article.claims.exists()
    assert named in article.failure_reason and "English only" in article.failure_reason
    event = AuditEvent.objects.filter(article=article, action=AuditEvent.Action.SPLIT).get()
    assert "English only" in event.message


def test_an_english_article_still_goes_to_the_extractor():
    article = services.article_create(title="Home", body=ENGLISH)
    calls: list[str] = []

    def extractor(body: str) -> Any:
        calls.append(body)
        return [], "test-1"

    services.article_extract_claims(article_id=article.pk, extractor=extractor)
    article.refresh_from_db()
    assert calls == [article.body]
    assert article.failure_reason == ""
