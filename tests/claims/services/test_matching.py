import pytest
from django.contrib.postgres.search import SearchVector

from claims import services
from claims.matching.encoder import sentence_encoder
from claims.matching.formats import FactCheckRecord
from claims.matching.ranking import ranker
from claims.models import (
    ArchiveEntry,
    AuditEvent,
    Claim,
    ClaimMatch,
    ExternalFactCheck,
    Rating,
    Verdict,
)
from tests.factories import ArticleFactory, ClaimFactory, PublishedVerdictFactory

pytestmark = pytest.mark.django_db

LONG = "The city council approved twelve new bus lines for the northern districts on Monday."
SHORT = "Inflation fell to two percent."
FACTCHECK = FactCheckRecord(
    source_key="claimreview:https://checker.example/1",
    claim_reviewed="Drinking bleach cures the flu.",
    rating="False",
    outlet="Checker",
    url="https://checker.example/1",
)


def _claim(text: str) -> Claim:
    return ClaimFactory(article=ArticleFactory(), text=text)


def _match(claim: Claim) -> int:
    return services.article_match_claims(
        article_id=claim.article_id, encoder=sentence_encoder(), ranker=ranker()
    )


def test_importing_twice_stores_each_fact_check_once_and_archives_it() -> None:
    first = services.factchecks_import(records=[FACTCHECK], encoder=sentence_encoder())
    again = services.factchecks_import(records=[FACTCHECK, FACTCHECK], encoder=sentence_encoder())
    assert (first.created, first.skipped) == (1, 0)
    assert (again.created, again.skipped) == (0, 2)
    assert ExternalFactCheck.objects.count() == 1
    assert ArchiveEntry.objects.get().factcheck.outlet == "Checker"


def test_a_claim_restating_a_judged_one_in_another_article_is_linked_as_its_duplicate() -> None:
    earlier = _claim(LONG)
    PublishedVerdictFactory(claim=earlier)
    _match(earlier)
    later = _claim(LONG)
    _match(later)
    match = ClaimMatch.objects.get(claim=later)
    assert match.entry.claim == earlier
    assert match.tier == ClaimMatch.Tier.LINKED
    later.refresh_from_db()
    assert later.duplicate_of == earlier
    assert later.status == Claim.Status.DUPLICATE


def test_a_short_claim_is_only_suggested_never_linked_automatically() -> None:
    earlier = _claim(SHORT)
    _match(earlier)
    later = _claim(SHORT)
    _match(later)
    match = ClaimMatch.objects.get(claim=later)
    assert match.tier == ClaimMatch.Tier.SUGGESTED
    later.refresh_from_db()
    assert later.duplicate_of is None
    assert later.status == Claim.Status.NEW


def test_below_the_suggestion_threshold_nothing_is_stored(settings) -> None:
    _match(_claim(LONG))
    settings.FACTCHECK_MATCH_SUGGEST_SIMILARITY = 1.01
    later = _claim("The council approved new bus lines.")
    _match(later)
    assert not ClaimMatch.objects.filter(claim=later).exists()


def test_matching_an_article_again_embeds_each_claim_once_and_replaces_its_matches() -> None:
    _match(_claim(LONG))
    later = _claim(LONG)
    _match(later)
    _match(later)
    assert ArchiveEntry.objects.filter(claim=later).count() == 1
    assert ClaimMatch.objects.filter(claim=later).count() == 1


def test_claims_of_the_same_article_are_not_matched_to_each_other() -> None:
    claim = _claim(LONG)
    ClaimFactory(article=claim.article, text=LONG, position=99)
    _match(claim)
    assert not ClaimMatch.objects.exists()


def test_reusing_a_verdict_records_one_pointing_at_its_source_and_audits_it(reviewer) -> None:
    earlier = _claim(SHORT)
    source = PublishedVerdictFactory(claim=earlier, rating=Rating.FALSE)
    _match(earlier)
    later = _claim(SHORT)
    _match(later)
    match = ClaimMatch.objects.get(claim=later)
    verdict = services.verdict_reuse(claim_id=later.pk, match_id=match.pk, reviewer=reviewer)
    assert verdict.reused_from == source
    assert verdict.rating == Rating.FALSE
    assert verdict.claim == later
    event = AuditEvent.objects.filter(claim=later, action=AuditEvent.Action.VERDICT).first()
    assert "Reused verdict" in event.message


def test_reusing_an_imported_fact_check_maps_its_label_and_keeps_its_link(reviewer) -> None:
    services.factchecks_import(records=[FACTCHECK], encoder=sentence_encoder())
    later = _claim("Drinking bleach cures the flu, a post claims.")
    _match(later)
    match = ClaimMatch.objects.get(claim=later)
    verdict = services.verdict_reuse(claim_id=later.pk, match_id=match.pk, reviewer=reviewer)
    assert verdict.rating == Rating.FALSE
    assert verdict.reused_from_factcheck == ExternalFactCheck.objects.get()
    assert verdict.evidence_urls == ["https://checker.example/1"]


def test_reusing_a_match_of_another_claim_fails_and_writes_nothing(reviewer) -> None:
    earlier = _claim(SHORT)
    PublishedVerdictFactory(claim=earlier)
    _match(earlier)
    later = _claim(SHORT)
    _match(later)
    match = ClaimMatch.objects.get(claim=later)
    other = _claim("Something else entirely was said here.")
    with pytest.raises(ClaimMatch.DoesNotExist):
        services.verdict_reuse(claim_id=other.pk, match_id=match.pk, reviewer=reviewer)
    assert not Verdict.objects.filter(claim=other).exists()


def _queries_to_match(article) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        services.article_match_claims(
            article_id=article.pk, encoder=sentence_encoder(), ranker=ranker()
        )
    return len(queries)


def test_an_articles_claims_are_matched_in_as_many_queries_however_many_claims(require) -> None:
    from django.db import connection

    # SQLite's FTS5 is asked once per text (and per search term), in process.
    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
    services.factchecks_import(records=[FACTCHECK], encoder=sentence_encoder())
    one, three = ArticleFactory(), ArticleFactory()
    ClaimFactory(article=one, text="Drinking vinegar cures the common cold.", position=0)
    for position, text in enumerate(
        [
            "Chewing ice cures a headache within minutes.",
            "Eating garlic cures the flu overnight.",
            "Drinking hot water cures a sore throat.",
        ]
    ):
        ClaimFactory(article=three, text=text, position=position)
    # Embedded (and stored) once; then what a re-split's matching costs, all below the threshold.
    _queries_to_match(one), _queries_to_match(three)
    assert not ClaimMatch.objects.exists()
    assert _queries_to_match(three) == _queries_to_match(one)


def test_a_split_ranks_only_the_first_lexical_candidates(monkeypatch) -> None:
    earlier = _claim(LONG)
    _match(earlier)
    monkeypatch.setattr(services.matching, "SPLIT_CANDIDATES", 0)
    later = _claim(LONG)
    _match(later)
    assert not ClaimMatch.objects.filter(claim=later).exists()
    monkeypatch.setattr(services.matching, "SPLIT_CANDIDATES", 1)
    _match(later)
    assert ClaimMatch.objects.get(claim=later).entry.claim == earlier


def test_an_articles_restatements_of_one_claim_are_linked_to_it_together() -> None:
    earlier = _claim(LONG)
    _match(earlier)
    article = ArticleFactory()
    twins = [ClaimFactory(article=article, text=LONG, position=p) for p in (0, 1)]
    services.article_match_claims(
        article_id=article.pk, encoder=sentence_encoder(), ranker=ranker()
    )
    for twin in twins:
        twin.refresh_from_db()
        assert twin.duplicate_of == earlier
        assert ClaimMatch.objects.get(claim=twin).tier == ClaimMatch.Tier.LINKED


def test_an_articles_suggestions_are_loaded_and_stored_in_as_many_queries_however_many(
    require,
) -> None:
    from django.db import connection

    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
    said = ["Inflation fell to two percent.", "Rents doubled in ten years.", "Crime rose sharply."]
    for position, text in enumerate(said):
        ClaimFactory(article=ArticleFactory(), text=text, position=position)  # the archive
    one, three = ArticleFactory(), ArticleFactory()
    ClaimFactory(article=one, text=said[0], position=0)
    for position, text in enumerate(said):
        ClaimFactory(article=three, text=text, position=position)
    services.claims_backfill_matches(
        article_ids=list(Claim.objects.values_list("article_id", flat=True).distinct()),
        encoder=sentence_encoder(),
        ranker=ranker(),
    )
    # Each claim of ``three`` has its suggestions now; matching again costs what ``one`` costs.
    assert ClaimMatch.objects.filter(claim__article=three).values("claim").distinct().count() == 3
    assert _queries_to_match(three) == _queries_to_match(one)


def test_a_first_match_inserts_its_archive_entries_searchable_and_deletes_nothing(
    require,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
    claim = _claim(LONG)
    with CaptureQueriesContext(connection) as queries:
        _match(claim)
    statements = [q["sql"].split(" ", 1)[0] for q in queries.captured_queries]
    assert "UPDATE" not in statements and "DELETE" not in statements
    # The entries and their vectors go in by one statement (a WITH), no INSERT of their own.
    assert not any(q["sql"].startswith("INSERT") for q in queries.captured_queries)
    # The claims' stored vectors come with the claims (joined), not from a query of their own.
    assert not any('FROM "claims_archivevector"' in q["sql"] for q in queries.captured_queries)
    later = _claim(LONG)
    _match(later)  # found through the full-text index the INSERT filled
    assert ClaimMatch.objects.get(claim=later).entry == claim.archive_entry
    entries = ArchiveEntry.objects.filter(claim=claim)
    computed = entries.annotate(
        expected=SearchVector("text", weight="A", config="english")
        + SearchVector("title", weight="B", config="english")
    )
    assert [(e.search, e.created_at is not None) for e in computed] == [
        (e.expected, True) for e in computed
    ]
