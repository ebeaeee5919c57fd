"""Matching writes: the archive's entries (embedded once, indexed for search), imported
fact-checks, the matches found for new claims (suggested or linked), and reusing a verdict."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from claims.matching.encoder import DIMENSIONS, Encoder
from claims.matching.formats import FactCheckRecord
from claims.matching.ranking import Ranker, pack_vectors, unpack_vectors
from claims.models import (
    ArchiveEntry,
    ArchiveVector,
    AuditEvent,
    Claim,
    ClaimMatch,
    ExternalFactCheck,
    Rating,
    Verdict,
)
from claims.selectors.matching import (
    Candidate,
    archive_candidate_features,
    archive_candidate_features_many,
    archive_match_many,
    claim_archivable_q,
    claims_without_archive_entry,
)
from claims.services.audit import audit_record_claim
from claims.services.triage import claims_mark_duplicate
from claims.services.verdicts import verdict_set

# Lexical candidates re-ranked for a claim being split (``archive_match`` reads 100): only the
# matches at or above the suggestion tier are stored, and those rank high lexically too. With 30,
# the stored matches (entries and order) of the 997 dev and train tweets and of the overhead
# bench's 243 claims were the same as with 100; with 20, one tweet lost one (README, Matching).
SPLIT_CANDIDATES = 30


@dataclass(frozen=True)
class ImportSummary:
    created: int
    skipped: int


def _embed(
    entries: Sequence[ArchiveEntry], encoder: Encoder, texts: np.ndarray | None = None
) -> tuple[np.ndarray, list[bytes]]:
    """The entries' text embeddings (``texts`` when the caller has them) and their stored form
    with the titles' (batched: one call for the texts, one for the titles)."""
    if texts is None:
        texts = encoder.encode([e.text for e in entries])
    titled = [i for i, e in enumerate(entries) if e.title]
    titles = encoder.encode([entries[i].title for i in titled]) if titled else None
    title_of = {i: titles[k] for k, i in enumerate(titled)} if titles is not None else {}
    return texts, [pack_vectors(texts[i], title_of.get(i)) for i in range(len(entries))]


def _entries_create(
    entries: list[ArchiveEntry], encoder: Encoder, texts: np.ndarray | None = None
) -> np.ndarray:
    """Embed (batched) and store entries, then add them to the lexical index; returns the text
    embeddings (so that the caller need not compute them again to match the same texts).
    ``texts``: the text embeddings, when the caller has them already."""
    texts, blobs = _embed(entries, encoder, texts)
    for entry in entries:
        entry.encoder_version = encoder.version
    if connection.vendor == "postgresql":
        _pg_entries_insert(entries, blobs)
        return texts
    created = ArchiveEntry.objects.bulk_create(entries)
    ArchiveVector.objects.bulk_create(
        ArchiveVector(entry=entry, embedding=blob)
        for entry, blob in zip(created, blobs, strict=True)
    )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO claims_archiveentry_fts(rowid, text, title) VALUES (%s, %s, %s)",
                [(e.pk, e.text, e.title) for e in created],
            )
    return texts


# The entries with their tsvector (what ``SearchVector("text", weight="A", config="english") +
# SearchVector("title", weight="B", ...)`` computes) and their vectors, in one statement. Not
# ``bulk_create``: with the tsvector as an expression per row, compiling it cost more of this
# process's CPU (4-6 ms for 12 claims) than an UPDATE after the INSERT, which wrote every row
# twice; and the vectors would be a third round trip. An entry has its claim or its fact-check
# (one-to-one, never both), so either id finds its row (the fact-check's negated, to join on one
# key).
_PG_ENTRIES_INSERT = """
WITH given AS (
    SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::bytea[])
        AS g(claim_id, factcheck_id, text, title, embedding)
), entry AS (
    INSERT INTO claims_archiveentry
        (claim_id, factcheck_id, text, title, encoder_version, search, created_at)
    SELECT claim_id, factcheck_id, text, title, %s,
           setweight(to_tsvector('english', text), 'A')
           || setweight(to_tsvector('english', title), 'B'),
           now()
    FROM given
    RETURNING id, claim_id, factcheck_id
), vector AS (
    INSERT INTO claims_archivevector (entry_id, embedding)
    SELECT entry.id, given.embedding
    FROM entry JOIN given
        ON coalesce(entry.claim_id, -entry.factcheck_id)
         = coalesce(given.claim_id, -given.factcheck_id)
)
SELECT id, claim_id, factcheck_id FROM entry
"""


def _pg_entries_insert(entries: list[ArchiveEntry], blobs: list[bytes]) -> None:
    """``bulk_create`` of the entries and of their vectors (``blobs``) on PostgreSQL, the
    entries' ``search`` filled by the same statement; sets the entries' ids."""
    with connection.cursor() as cursor:
        cursor.execute(
            _PG_ENTRIES_INSERT,
            [
                [e.claim_id for e in entries],
                [e.factcheck_id for e in entries],
                [e.text for e in entries],
                [e.title for e in entries],
                blobs,
                entries[0].encoder_version if entries else "",
            ],
        )
        ids = {(c, f): i for i, c, f in cursor.fetchall()}
    for entry in entries:
        entry.pk = ids[(entry.claim_id, entry.factcheck_id)]
        entry._state.adding, entry._state.db = False, connection.alias


@transaction.atomic
def factchecks_import(
    *,
    records: Sequence[FactCheckRecord],
    encoder: Encoder,
    batch_size: int = 256,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Store other outlets' fact-checks in the archive. Idempotent: ones already imported (same
    source key) are skipped, so an import run twice stores each once."""
    created = skipped = 0
    seen: set[str] = set()
    for start in range(0, len(records), batch_size):
        batch = records[start : start + batch_size]
        keys = [r.source_key for r in batch]
        existing = set(
            ExternalFactCheck.objects.filter(source_key__in=keys).values_list(
                "source_key", flat=True
            )
        )
        fresh = []
        for record in batch:
            if record.source_key in existing or record.source_key in seen:
                skipped += 1
                continue
            seen.add(record.source_key)
            fresh.append(ExternalFactCheck(**record.__dict__))
        stored = ExternalFactCheck.objects.bulk_create(fresh)
        if stored:
            _entries_create(
                [ArchiveEntry(factcheck=f, text=f.claim_reviewed, title=f.title) for f in stored],
                encoder,
            )
        created += len(stored)
        if progress is not None:
            progress(min(start + batch_size, len(records)), len(records))
    return ImportSummary(created=created, skipped=skipped)


def article_match_claims(*, article_id: int, encoder: Encoder, ranker: Ranker) -> int:
    """Embed an article's claims into the archive and store what each one matches. Idempotent:
    claims already embedded are not embedded again, and their matches are replaced. Claims that
    are not checkable are left out until they are judged (``claim_archivable_q``).

    One transaction for the article (its claims locked together, no savepoint per claim): the
    round trips per claim are what matching adds to a split, more than the embedding."""
    with transaction.atomic():
        # With their stored vectors, if any (a claim matched before): one query, not two.
        claims = list(
            Claim.objects.select_for_update(of=("self",))
            .select_related("archive_entry__vector")
            .filter(claim_archivable_q(), article_id=article_id)
            .order_by("position")
        )
        if not claims:
            return 0
        vector_of = {
            c.pk: getattr(getattr(c, "archive_entry", None), "vector", None) for c in claims
        }
        stored = {pk: bytes(v.embedding) for pk, v in vector_of.items() if v is not None}
        vectors = _claims_vectors(claims, stored, encoder)
        if stored:  # only a claim in the archive can have been matched
            ClaimMatch.objects.filter(claim__in=claims).delete()
        # All the claims' candidates in two round trips, not two per claim.
        found = archive_candidate_features_many(
            texts=[c.text for c in claims], vectors=vectors, limit=SPLIT_CANDIDATES
        )
        return _claims_store_matches(
            claims, ranker, exclude_claim_ids=frozenset(c.pk for c in claims), candidates=found
        )


def _claims_vectors(
    claims: Sequence[Claim], stored: dict[int, bytes], encoder: Encoder
) -> np.ndarray:
    """The claims' text embeddings: the claims without an archive entry are embedded (one batch)
    and stored; the others' ``stored`` vectors (by claim id) are used, not computed again."""
    missing = [c for c in claims if c.pk not in stored]
    fresh = (
        _entries_create([ArchiveEntry(claim=c, text=c.text) for c in missing], encoder)
        if missing
        else np.zeros((0, DIMENSIONS), np.float32)
    )
    kept_texts, _ = unpack_vectors([bytes(stored[c.pk]) for c in claims if c.pk in stored])
    by_claim = {c.pk: v for c, v in zip(missing, fresh, strict=True)}
    by_claim.update(zip([c.pk for c in claims if c.pk in stored], kept_texts, strict=True))
    return np.stack([by_claim[c.pk] for c in claims])


@dataclass(frozen=True)
class BackfillSummary:
    articles: int
    claims: int
    matched: int


@transaction.atomic
def claims_backfill_matches(
    *, article_ids: Sequence[int], encoder: Encoder, ranker: Ranker
) -> BackfillSummary:
    """Embed the claims of these articles that have no archive entry yet (stored before matching
    existed), in one batch, and store what each matches. Idempotent: claims already in the archive
    are left as they are, and the batch commits whole, so an interrupted run is simply run again.

    Articles go in id order, each added to the archive just before it is matched: a claim is
    compared with the claims before it, as if it had been matched when it was split (a later
    restatement never becomes the original of an earlier claim)."""
    claims = list(
        claims_without_archive_entry()
        .select_for_update(of=("self",))
        .filter(article_id__in=article_ids)
        .order_by("article_id", "position")
    )
    vectors = encoder.encode([c.text for c in claims]) if claims else None
    by_article: dict[int, list[int]] = {}
    for index, claim in enumerate(claims):
        by_article.setdefault(claim.article_id, []).append(index)
    ClaimMatch.objects.filter(claim__in=claims).delete()
    matched = 0
    for article_id, indexes in by_article.items():
        assert vectors is not None
        _entries_create(
            [ArchiveEntry(claim=claims[i], text=claims[i].text) for i in indexes],
            encoder,
            vectors[indexes],
        )
        siblings = frozenset(
            Claim.objects.filter(article_id=article_id).values_list("id", flat=True)
        )
        found = archive_candidate_features_many(
            texts=[claims[i].text for i in indexes],
            vectors=vectors[indexes],
            limit=SPLIT_CANDIDATES,
        )
        matched += _claims_store_matches(
            [claims[i] for i in indexes], ranker, exclude_claim_ids=siblings, candidates=found
        )
    return BackfillSummary(articles=len(by_article), claims=len(claims), matched=matched)


@transaction.atomic
def archive_reembed(*, entry_ids: Sequence[int], encoder: Encoder) -> int:
    """Embed these archive entries again with ``encoder`` (after the encoder changed: vectors of two
    encoders cannot be compared). Idempotent: entries already embedded by it are left alone."""
    entries = list(
        ArchiveEntry.objects.select_for_update()
        .filter(pk__in=entry_ids)
        .exclude(encoder_version=encoder.version)
        .order_by("pk")
    )
    if not entries:
        return 0
    _, blobs = _embed(entries, encoder)
    vectors = {}
    for entry, blob in zip(entries, blobs, strict=True):
        entry.encoder_version = encoder.version
        vectors[entry.pk] = ArchiveVector(entry=entry, embedding=blob)
    ArchiveEntry.objects.bulk_update(entries, ["encoder_version"])
    ArchiveVector.objects.bulk_create(
        vectors.values(),
        update_conflicts=True,
        unique_fields=["entry"],
        update_fields=["embedding"],
    )
    return len(entries)


@transaction.atomic
def claim_store_matches(
    *,
    claim_id: int,
    vector: np.ndarray,
    ranker: Ranker,
    exclude_claim_ids: frozenset[int] = frozenset(),
) -> int:
    """Replace a claim's stored matches with those above the suggestion threshold, and link it as a
    duplicate when the best earlier claim is nearly identical and the claim is long enough to
    trust that. Idempotent."""
    claim = Claim.objects.select_for_update().filter(pk=claim_id).first()
    if claim is None:
        return 0
    ClaimMatch.objects.filter(claim=claim).delete()
    candidates = archive_candidate_features(text=claim.text, vector=vector)
    return _claims_store_matches(
        [claim], ranker, exclude_claim_ids=exclude_claim_ids, candidates=[candidates]
    )


def _claims_store_matches(
    claims: Sequence[Claim],
    ranker: Ranker,
    *,
    exclude_claim_ids: frozenset[int],
    candidates: Sequence[tuple[list[Candidate], np.ndarray]],
) -> int:
    """``claim_store_matches`` for claims the caller has locked and cleared of their matches, with
    their ``archive_candidate_features``: their matches loaded and stored together (an article's
    claims in a few queries, not a few per claim). None matches ``exclude_claim_ids`` or itself."""
    found = archive_match_many(
        candidates=candidates,
        ranker=ranker,
        limit=settings.FACTCHECK_MATCH_SUGGESTIONS,
        exclude_claim_ids=[exclude_claim_ids | {claim.pk} for claim in claims],
        min_similarity=settings.FACTCHECK_MATCH_SUGGEST_SIMILARITY,
    )
    rows: list[ClaimMatch] = []
    originals: dict[int, list[int]] = {}
    for claim, kept in zip(claims, found, strict=True):
        link = next(
            (
                r
                for r in kept
                if r.entry.claim_id is not None
                and r.similarity >= settings.FACTCHECK_MATCH_LINK_SIMILARITY
                and len(claim.text.split()) >= settings.FACTCHECK_MATCH_LINK_MIN_WORDS
            ),
            None,
        )
        rows.extend(
            ClaimMatch(
                claim=claim,
                entry=r.entry,
                rank=rank,
                similarity=r.similarity,
                tier=ClaimMatch.Tier.LINKED if r is link else ClaimMatch.Tier.SUGGESTED,
            )
            for rank, r in enumerate(kept, start=1)
        )
        if link is not None and claim.status == Claim.Status.NEW and claim.duplicate_of_id is None:
            assert link.entry.claim_id is not None
            originals.setdefault(link.entry.claim_id, []).append(claim.pk)
    ClaimMatch.objects.bulk_create(rows)
    for original_id, claim_ids in originals.items():
        claims_mark_duplicate(claim_ids=claim_ids, original_id=original_id, by=None)
    return len(rows)


@transaction.atomic
def verdict_reuse(*, claim_id: int, match_id: int, reviewer: Any) -> Verdict:
    """Give a claim the verdict of the earlier claim (or imported fact-check) it restates, pointing
    at its source, audited. Not idempotent: each call adds a verdict, as ``verdict_set`` does."""
    match = ClaimMatch.objects.select_related("entry__claim", "entry__factcheck").get(
        pk=match_id, claim_id=claim_id
    )
    source = match.entry
    if source.factcheck is not None:
        fc = source.factcheck
        rating = _rating_from_label(fc.rating)
        explanation = (
            f"Same claim as checked by {fc.outlet or 'another outlet'}"
            f"{f' ({fc.rating})' if fc.rating else ''}: {fc.claim_reviewed}"
        )
        verdict = verdict_set(
            claim_id=claim_id, reviewer=reviewer, rating=rating, explanation=explanation,
            evidence_urls=[fc.url] if fc.url else [],
        )  # fmt: skip
        verdict.reused_from_factcheck = fc
        what = f"imported fact-check #{fc.pk}"
    else:
        assert source.claim_id is not None  # an entry is a claim or a fact-check
        earlier = Verdict.objects.filter(claim_id=source.claim_id, is_current=True).first()
        if earlier is None:
            raise Verdict.DoesNotExist("The earlier claim has no verdict to reuse.")
        verdict = verdict_set(
            claim_id=claim_id, reviewer=reviewer, rating=earlier.rating,
            explanation=f"Same claim as #{source.claim_id}: {earlier.explanation}",
            evidence_urls=earlier.evidence_urls,
        )  # fmt: skip
        verdict.reused_from = earlier
        what = f"verdict #{earlier.pk} on claim #{source.claim_id}"
    verdict.save(update_fields=["reused_from", "reused_from_factcheck", "updated_at"])
    audit_record_claim(
        Claim.objects.get(pk=claim_id),
        action=AuditEvent.Action.VERDICT,
        actor=reviewer,
        verdict=verdict,
        message=f"Reused {what} (similarity {match.similarity:.2f})",
        data={"reused_from": what, "match": match.pk, "similarity": match.similarity},
    )
    return verdict


def _rating_from_label(label: str) -> str:
    """Our rating nearest to another outlet's label; unverifiable when it names none of ours."""
    words = label.lower().replace("-", " ").replace("_", " ")
    for value, name in sorted(Rating.choices, key=lambda c: -len(c[1])):
        if name.lower() in words:
            return str(value)
    return Rating.UNVERIFIABLE
