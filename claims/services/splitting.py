"""Splitting an article into claims: sending the task, running the extractor a worker hands in,
storing its claims atomically, marking failures, and the sweep that re-sends lost splits.

The extractor comes from the caller (the worker task passes the one it loaded), so nothing here
imports the worker side or spaCy: the web process sends the task by name and never loads them."""

import hashlib
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from claims.models import Article, AuditEvent, Claim, Verdict
from claims.services import events
from claims.services.audit import audit_record
from claims.services.duplicate_links import claim_duplicates_relink
from claims.text import LANGUAGE_NAMES

logger = logging.getLogger(__name__)

# The tasks' registered names: the web process sends them by name, and the worker registers its
# tasks under these, so neither side imports the other.
SPLIT_TASK_NAME = "workers.split_article"
SWEEP_TASK_NAME = "workers.sweep_articles"

# Claims in these statuses, or with any verdict, are people's work: a re-split would discard it.
_WORKED_ON_STATUSES = (Claim.Status.IN_REVIEW, Claim.Status.VERDICT, Claim.Status.DISMISSED)
# What storing the claims changes on the article row.
_SPLIT_FIELDS = (
    "status",
    "status_changed_at",
    "split_at",
    "split_token",
    "failure_reason",
    "extractor_version",
    "updated_at",
)


class ExtractionRefused(Exception):
    """The extractor cannot split this text (no text, or more than it accepts). Never worth a
    retry: the article is marked failed with ``reason``, which people read."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CandidateLike(Protocol):
    """What the service reads from each claim the extractor found."""

    @property
    def text(self) -> str: ...
    @property
    def sentence(self) -> str: ...
    # body[start:end] is exactly the claim's evidence.
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def entities(self) -> list[dict[str, Any]]: ...
    @property
    def quantities(self) -> list[dict[str, Any]]: ...
    @property
    def speaker(self) -> str: ...
    @property
    def speaker_via(self) -> str: ...
    # The claim's normalised words; stored hashed, to find the same claim in other articles.
    @property
    def fingerprint(self) -> str: ...
    # Index, in the same result list, of the earlier candidate this one restates.
    @property
    def duplicate_of(self) -> int | None: ...


# Article body in; the candidates and the version of the extractor that found them out.
Extractor = Callable[[str], tuple[Sequence[CandidateLike], str]]


@dataclass(frozen=True)
class SplitOutcome:
    # "busy": another worker holds the article; "skipped": gone, done, or taken over;
    # "refused": people are already reviewing its claims, which are kept.
    result: Literal["split", "failed", "busy", "skipped", "refused"]
    claims: int = 0
    retry_in: float | None = None
    reason: str = ""


def article_enqueue_split(*, article_id: int) -> bool:
    """Send the split task. Idempotent in effect: a spare message finds the article taken or done.

    Returns False instead of raising when the broker is unreachable: the article is already
    stored as queued, and the sweep sends it again once the broker is back."""
    try:
        # The project's app: factcheck/__init__ makes it current whenever Django is set up.
        current_app.send_task(SPLIT_TASK_NAME, args=[article_id])
    except Exception:  # the broker client raises many types; none may fail an ingest
        logger.warning(
            "could not queue article %s; the sweep will retry", article_id, exc_info=True
        )
        return False
    return True


def article_claims_worked_on(*, article_id: int) -> bool:
    """Whether people have worked on the article's claims (taken, judged or dismissed one)."""
    return (
        Claim.objects.filter(article_id=article_id, status__in=_WORKED_ON_STATUSES).exists()
        or Verdict.objects.filter(claim__article_id=article_id).exists()
    )


def article_extract_claims(
    *, article_id: int, extractor: Extractor, token: uuid.UUID | None = None
) -> SplitOutcome:
    """Split one article into claims with ``extractor``. Idempotent: running it again leaves the
    same claims.

    A worker first takes the article with a conditional update, so two workers never split it at
    once; a worker that died keeps it only until its lease runs out. The claims are written in one
    transaction, and only by the worker that still holds the article's token."""
    now = timezone.now()
    token = token or uuid.uuid4()
    lease = timedelta(seconds=settings.FACTCHECK_SPLIT_LEASE_SECONDS)
    taken = (
        Article.objects.filter(pk=article_id)
        .filter(
            Q(status=Article.Status.QUEUED)
            | Q(status=Article.Status.SPLITTING, status_changed_at__lt=now - lease)
            # The same task retried after a transient error takes back its own article at once
            # instead of waiting out the lease it holds itself.
            | Q(status=Article.Status.SPLITTING, split_token=token)
        )
        .update(
            status=Article.Status.SPLITTING,
            split_token=token,
            status_changed_at=now,
            attempts=F("attempts") + 1,
        )
    )
    if taken != 1:
        row = Article.objects.filter(pk=article_id).values("status", "status_changed_at").first()
        if row is None:
            return SplitOutcome("skipped", reason="article no longer exists")
        if row["status"] == Article.Status.SPLITTING:
            expires = row["status_changed_at"] + lease
            return SplitOutcome("busy", retry_in=max(1.0, (expires - now).total_seconds()))
        return SplitOutcome("skipped", reason=f"article is already {row['status']}")

    body, language, attempts = Article.objects.values_list("body", "language", "attempts").get(
        pk=article_id
    )
    if attempts > settings.FACTCHECK_MAX_SPLIT_ATTEMPTS:
        # Earlier attempts never finished: most likely the text kills its worker (out of memory,
        # a crash), and Celery hands a message whose worker died straight back. Stop here.
        reason = (
            f"Gave up after {attempts - 1} attempts: each one stopped before finishing (the "
            "worker was killed or crashed, perhaps out of memory on this text)."
        )
        article_mark_failed(article_id=article_id, reason=reason, token=token)
        return SplitOutcome("failed", reason=reason)
    if language not in ("", "en"):
        # The extractor reads English only: run on other text it would invent nonsense claims.
        # The article stays (split, with no claims) and says why.
        notice = (
            f"Not split into claims: the text looks like {LANGUAGE_NAMES.get(language, language)}"
            " and the claim extractor reads English only."
        )
        return _article_store_claims(
            article_id=article_id, token=token, candidates=[], version="", notice=notice
        )
    try:
        candidates, version = extractor(body)
    except ExtractionRefused as exc:
        article_mark_failed(article_id=article_id, reason=exc.reason, token=token)
        return SplitOutcome("failed", reason=exc.reason)
    return _article_store_claims(
        article_id=article_id, token=token, candidates=candidates, version=version
    )


@transaction.atomic
def _article_store_claims(
    *,
    article_id: int,
    token: uuid.UUID,
    candidates: Sequence[CandidateLike],
    version: str,
    notice: str = "",
) -> SplitOutcome:
    article = Article.objects.select_for_update().filter(pk=article_id).first()
    if article is None:
        return SplitOutcome("skipped", reason="article was deleted during the split")
    if article.status != Article.Status.SPLITTING or article.split_token != token:
        # Our lease ran out and another worker took the article over; its result stands.
        return SplitOutcome("skipped", reason="another worker took the article over")
    # A first split (the usual case) has no claims to protect, re-link or delete: one query
    # says so instead of the four below.
    resplit = article.claims.exists()
    # Duplicate links are the extractor's own work; anything a person did to a claim is not.
    if resplit and article_claims_worked_on(article_id=article.pk):
        reason = (
            "Re-split refused: this article's claims are already being reviewed, and replacing "
            "them would discard that work. The existing claims are kept."
        )
        article.status = Article.Status.SPLIT
        article.status_changed_at = timezone.now()
        article.split_token = None
        article.failure_reason = reason
        article.save()
        audit_record(action=AuditEvent.Action.SPLIT_FAILED, article=article, message=reason)
        return SplitOutcome("refused", reason=reason)

    if resplit:
        # Other articles' claims that restate these must not be left duplicates of nothing.
        claim_duplicates_relink(article_id=article.pk)
        article.claims.all().delete()
    fingerprints = [_fingerprint_hash(c.fingerprint) for c in candidates]
    # Read after the re-linking above, which may have reopened a claim elsewhere.
    elsewhere = _first_statements_elsewhere(article_id=article.pk, fingerprints=fingerprints)
    claims = Claim.objects.bulk_create(
        _claim_row(
            article=article,
            position=position,
            candidate=c,
            fingerprint=fingerprint,
            # A restatement within the article wins; it is linked once the rows have ids.
            duplicate_of_id=elsewhere.get(fingerprint) if c.duplicate_of is None else None,
        )
        for position, (c, fingerprint) in enumerate(zip(candidates, fingerprints, strict=True))
    )
    duplicates = sum(1 for c in claims if c.duplicate_of_id is not None)
    duplicates += _link_restatements(claims, [c.duplicate_of for c in candidates])
    now = timezone.now()
    article.status = Article.Status.SPLIT
    article.status_changed_at = now
    article.split_at = now
    article.split_token = None
    article.failure_reason = notice
    article.extractor_version = version
    # Only what changed: the body, by far the largest column, is not written again.
    article.save(update_fields=_SPLIT_FIELDS)
    audit_record(
        action=AuditEvent.Action.SPLIT,
        article=article,
        message=notice
        or f"Split into {len(candidates)} claims ({duplicates} restating earlier ones) "
        f"by extractor {version}",
        data={"claims": len(candidates), "duplicates": duplicates, "extractor_version": version},
    )
    events.article_split_record(article=article, claims=len(candidates))
    return SplitOutcome("split", claims=len(candidates), reason=notice)


def _fingerprint_hash(fingerprint: str) -> str:
    return hashlib.sha256(fingerprint.encode("utf-8")).hexdigest() if fingerprint else ""


def _claim_row(
    *,
    article: Article,
    position: int,
    candidate: CandidateLike,
    fingerprint: str,
    duplicate_of_id: int | None,
) -> Claim:
    c = candidate
    return Claim(
        article=article,
        position=position,
        text=c.text,
        sentence=c.sentence,
        start=c.start,
        end=c.end,
        kind=c.kind,
        score=c.score,
        entities=c.entities,
        quantities=c.quantities,
        speaker=c.speaker[:300],
        speaker_via=c.speaker_via[:300],
        fingerprint=fingerprint,
        duplicate_of_id=duplicate_of_id,
        status=Claim.Status.DUPLICATE if duplicate_of_id is not None else Claim.Status.NEW,
    )


def _first_statements_elsewhere(*, article_id: int, fingerprints: Sequence[str]) -> dict[str, int]:
    """The earliest first statement in another article of each fingerprint that has one, so a
    claim that restates it is stored as its duplicate and a reviewer judges each claim once."""
    wanted = {f for f in fingerprints if f}
    if not wanted:
        return {}
    earlier = (
        Claim.objects.filter(fingerprint__in=wanted, duplicate_of__isnull=True)
        .exclude(status=Claim.Status.DUPLICATE)
        .exclude(article_id=article_id)
        .order_by("created_at", "id")
        .values_list("fingerprint", "id")
    )
    elsewhere: dict[str, int] = {}
    for fingerprint, claim_id in earlier:
        elsewhere.setdefault(fingerprint, claim_id)
    return elsewhere


def _link_restatements(claims: list[Claim], duplicate_of: Sequence[int | None]) -> int:
    """Mark claims that restate an earlier one in the same article, as the extractor found."""
    linked = []
    for claim, index in zip(claims, duplicate_of, strict=True):
        if index is not None and claims[index].pk != claim.pk:
            claim.duplicate_of_id = claims[index].pk
            claim.status = Claim.Status.DUPLICATE
            linked.append(claim)
    if linked:
        Claim.objects.bulk_update(linked, ["duplicate_of", "status"])
    return len(linked)


@transaction.atomic
def article_mark_failed(*, article_id: int, reason: str, token: uuid.UUID | None = None) -> bool:
    """Mark an article failed with a reason people can read. Idempotent.

    With ``token``, only while that split still holds the article."""
    article = Article.objects.select_for_update().filter(pk=article_id).first()
    if article is None or article.status == Article.Status.SPLIT:
        return False
    if token is not None and article.split_token != token:
        return False
    article.status = Article.Status.FAILED
    article.status_changed_at = timezone.now()
    article.failure_reason = reason
    article.split_token = None
    article.save()
    audit_record(action=AuditEvent.Action.SPLIT_FAILED, article=article, message=reason)
    return True


@dataclass(frozen=True)
class SweepResult:
    requeued: list[int]
    given_up: list[int]
    enqueue_failures: int


def articles_sweep(*, now: datetime | None = None, limit: int = 500) -> SweepResult:
    """Re-queue articles whose split was lost (message dropped, worker killed). Idempotent.

    The database, not the broker, says what still needs doing."""
    now = now or timezone.now()
    lease_cutoff = now - timedelta(seconds=settings.FACTCHECK_SPLIT_LEASE_SECONDS)
    queued_cutoff = now - timedelta(seconds=settings.FACTCHECK_QUEUED_TIMEOUT_SECONDS)
    stale = Article.objects.filter(
        Q(status=Article.Status.SPLITTING, status_changed_at__lt=lease_cutoff)
        | Q(status=Article.Status.QUEUED, status_changed_at__lt=queued_cutoff)
    ).values_list("pk", "status", "status_changed_at", "attempts")[:limit]

    requeued: list[int] = []
    given_up: list[int] = []
    for pk, status, changed_at, attempts in list(stale):
        if attempts >= settings.FACTCHECK_MAX_SPLIT_ATTEMPTS:
            reason = (
                f"Gave up after {attempts} attempts: the split never finished "
                f"(each attempt may take up to {settings.FACTCHECK_SPLIT_LEASE_SECONDS} s)."
            )
            if article_mark_failed(article_id=pk, reason=reason):
                given_up.append(pk)
            continue
        # Conditional on the row being as we read it: a worker may have taken it meanwhile.
        moved = Article.objects.filter(pk=pk, status=status, status_changed_at=changed_at).update(
            status=Article.Status.QUEUED, status_changed_at=now, split_token=None
        )
        if moved:
            audit_record(
                action=AuditEvent.Action.REQUEUE,
                article=Article(pk=pk),
                message=f"Re-queued by the sweep (was {status} since {changed_at:%Y-%m-%d %H:%M:%S})",
            )
            requeued.append(pk)
    failures = sum(1 for pk in requeued if not article_enqueue_split(article_id=pk))
    return SweepResult(requeued=requeued, given_up=given_up, enqueue_failures=failures)
