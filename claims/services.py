"""Every write to articles, claims and verdicts goes through here.

Views, API endpoints, admin actions, management commands and Celery tasks all call these functions,
so the rules (duplicates refused, claims replaced atomically, verdicts never overwritten, every
change audited) hold whichever door a change comes in by.
"""

import hashlib
import logging
import secrets
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from claims.models import (
    ApiToken,
    Article,
    AuditEvent,
    Claim,
    Rating,
    Verdict,
    VerdictReview,
)
from claims.text import (
    LANGUAGE_NAMES,
    clean_text,
    content_hash,
    has_visible_text,
    language_guess,
    normalize_url,
    title_from_text,
)

if TYPE_CHECKING:
    from workers.extraction import ClaimCandidate

logger = logging.getLogger(__name__)

# The task's registered name; the web process sends it by name so it never imports the worker side.
SPLIT_TASK_NAME = "workers.split_article"
SWEEP_TASK_NAME = "workers.sweep_articles"  # H3 TEMPORARY STUB: H1 defines it
MAX_EVIDENCE_URLS = 20


class ExtractionRefused(Exception):  # H3 TEMPORARY STUB: H1 defines it in splitting.py
    """H3 TEMPORARY STUB."""


class DuplicateArticle(ValidationError):
    """The article (same text, or same URL) is already stored."""

    def __init__(self, existing: Article, *, reason: str) -> None:
        self.existing = existing
        super().__init__(
            f"This article is already stored ({reason}): #{existing.pk} “{existing.title}”.",
            code="duplicate",
        )


class ArticleTooLarge(ValidationError):
    def __init__(self, length: int) -> None:
        limit = settings.FACTCHECK_MAX_ARTICLE_CHARS
        super().__init__(
            f"The article has {length:,} characters; the limit is {limit:,}.", code="too_large"
        )


class ClaimHeldByOther(ValidationError):
    def __init__(self, claim: Claim) -> None:
        super().__init__(
            f"Claim #{claim.pk} is being reviewed by {claim.assignee} until "
            f"{claim.lease_expires_at:%H:%M:%S} UTC.",
            code="held",
        )


def audit_record(
    *,
    action: str,
    actor: Any = None,
    article: Article | None = None,
    claim: Claim | None = None,
    verdict: Verdict | None = None,
    message: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Not idempotent: each call is one more row."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        article=article,
        claim=claim,
        verdict=verdict,
        message=message,
        data=data or {},
    )


# --- Articles --------------------------------------------------------------------------------


@transaction.atomic
def article_create(
    *,
    title: str,
    body: str,
    url: str | None = None,
    source: str = "",
    author: str = "",
    published_on: date | None = None,
    ingested_by: Any = None,
    via: str = "api",
) -> Article:
    """Store a new article and queue its split after commit. Not idempotent: a repeat is refused
    with ``DuplicateArticle`` naming the stored one."""
    body = clean_text(body)
    if not has_visible_text(body):
        raise ValidationError("The article has no text.", code="empty")
    if len(body) > settings.FACTCHECK_MAX_ARTICLE_CHARS:
        raise ArticleTooLarge(len(body))
    title = " ".join(title.split())[:500] or title_from_text(body)
    normalized_url = normalize_url(url) if url and url.strip() else None
    digest = content_hash(body)

    _refuse_duplicate(digest=digest, url=normalized_url)
    try:
        with transaction.atomic():
            article = Article.objects.create(
                title=title,
                body=body,
                url=normalized_url,
                source=" ".join(source.split())[:200],
                author=" ".join(author.split())[:200],
                published_on=published_on,
                language=language_guess(body),
                content_hash=digest,
                ingested_by=ingested_by
                if getattr(ingested_by, "is_authenticated", False)
                else None,
            )
    except IntegrityError:
        # Another request stored the same article between our check and our insert.
        _refuse_duplicate(digest=digest, url=normalized_url)
        raise
    audit_record(
        action=AuditEvent.Action.INGEST,
        actor=ingested_by,
        article=article,
        message=f"Ingested via {via}",
        data={"via": via, "chars": len(body)},
    )
    transaction.on_commit(partial(article_enqueue_split, article_id=article.pk))
    return article


def article_check_new(*, body: str, url: str | None = None) -> None:
    """Raise ``DuplicateArticle`` if this text or URL is already stored. Reads only."""
    _refuse_duplicate(
        digest=content_hash(clean_text(body)), url=normalize_url(url) if url else None
    )


def _refuse_duplicate(*, digest: str, url: str | None) -> None:
    same_text = Article.objects.filter(content_hash=digest).first()
    if same_text is not None:
        raise DuplicateArticle(same_text, reason="same text")
    if url is not None:
        same_url = Article.objects.filter(url=url).first()
        if same_url is not None:
            raise DuplicateArticle(same_url, reason="same URL")


def article_enqueue_split(*, article_id: int) -> bool:
    """Send the split task. Idempotent in effect: a spare message finds the article taken or done.

    Returns False instead of raising when the broker is unreachable: the article is already
    stored as queued, and the sweep sends it again once the broker is back."""
    from factcheck.celery import app

    try:
        app.send_task(SPLIT_TASK_NAME, args=[article_id])
    except Exception:  # the broker client raises many types; none may fail an ingest
        logger.warning(
            "could not queue article %s; the sweep will retry", article_id, exc_info=True
        )
        return False
    return True


@dataclass(frozen=True)
class SplitOutcome:
    # "split", "failed", "busy" (another worker holds it), "skipped" (gone or done),
    # "refused" (people are already reviewing its claims; they are kept)
    result: str
    claims: int = 0
    retry_in: float | None = None
    reason: str = ""


Extractor = Callable[[str], "tuple[Sequence[ClaimCandidate], str]"]


def _default_extractor(body: str) -> "tuple[Sequence[ClaimCandidate], str]":
    # Imported here: only worker processes may load spaCy.
    from workers.nlp import extract_article  # H3 TEMPORARY STUB: H1 drops the default

    return extract_article(body)


def article_extract_claims(
    *, article_id: int, token: uuid.UUID | None = None, extractor: Extractor | None = None
) -> SplitOutcome:
    """Split one article into claims. Idempotent: running it again leaves the same claims.

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

    body, language = Article.objects.values_list("body", "language").get(pk=article_id)
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
    from workers.extraction import ExtractionInputError

    try:
        candidates, version = (extractor or _default_extractor)(body)
    except (ExtractionInputError, ExtractionRefused) as exc:  # H3 TEMPORARY STUB
        article_mark_failed(article_id=article_id, reason=str(exc), token=token)
        return SplitOutcome("failed", reason=str(exc))
    return _article_store_claims(
        article_id=article_id, token=token, candidates=candidates, version=version
    )


@transaction.atomic
def _article_store_claims(
    *,
    article_id: int,
    token: uuid.UUID,
    candidates: Sequence["ClaimCandidate"],
    version: str,
    notice: str = "",
) -> SplitOutcome:
    article = Article.objects.select_for_update().filter(pk=article_id).first()
    if article is None:
        return SplitOutcome("skipped", reason="article was deleted during the split")
    if article.status != Article.Status.SPLITTING or article.split_token != token:
        # Our lease ran out and another worker took the article over; its result stands.
        return SplitOutcome("skipped", reason="another worker took the article over")
    # Duplicate links are the extractor's own work; anything a person did to a claim is not.
    reviewed = article.claims.filter(
        status__in=[Claim.Status.IN_REVIEW, Claim.Status.VERDICT, Claim.Status.DISMISSED]
    ).exists()
    if reviewed or Verdict.objects.filter(claim__article=article).exists():
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

    article.claims.all().delete()
    claims = Claim.objects.bulk_create(
        Claim(
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
            fingerprint=_fingerprint_hash(c.fingerprint),
        )
        for position, c in enumerate(candidates)
    )
    duplicates = _link_duplicates(claims, [c.duplicate_of for c in candidates])
    now = timezone.now()
    article.status = Article.Status.SPLIT
    article.status_changed_at = now
    article.split_at = now
    article.split_token = None
    article.failure_reason = notice
    article.extractor_version = version
    article.save()
    audit_record(
        action=AuditEvent.Action.SPLIT,
        article=article,
        message=notice
        or f"Split into {len(candidates)} claims ({duplicates} restating earlier ones) "
        f"by extractor {version}",
        data={"claims": len(candidates), "duplicates": duplicates, "extractor_version": version},
    )
    return SplitOutcome("split", claims=len(candidates), reason=notice)


def _fingerprint_hash(fingerprint: str) -> str:
    return hashlib.sha256(fingerprint.encode("utf-8")).hexdigest() if fingerprint else ""


def _link_duplicates(claims: list[Claim], duplicate_of: Sequence[int | None]) -> int:
    """Mark claims that restate an earlier one: in this article (as the extractor found), or in
    another article (same fingerprint), so a reviewer judges each claim once."""
    if not claims:
        return 0
    fingerprints = {c.fingerprint for c in claims if c.fingerprint}
    elsewhere: dict[str, int] = {}
    earlier = (
        Claim.objects.filter(fingerprint__in=fingerprints, duplicate_of__isnull=True)
        .exclude(article_id=claims[0].article_id)
        .order_by("created_at", "id")
        .values_list("fingerprint", "id")
    )
    for fingerprint, claim_id in earlier:
        elsewhere.setdefault(fingerprint, claim_id)
    linked = []
    for claim, index in zip(claims, duplicate_of, strict=True):
        target = claims[index].pk if index is not None else elsewhere.get(claim.fingerprint)
        if target is not None and target != claim.pk:
            claim.duplicate_of_id = target
            claim.status = Claim.Status.DUPLICATE
            linked.append(claim)
    Claim.objects.bulk_update(linked, ["duplicate_of", "status"])
    return len(linked)


def _set_failed(article: Article, reason: str) -> None:
    article.status = Article.Status.FAILED
    article.status_changed_at = timezone.now()
    article.failure_reason = reason
    article.split_token = None
    article.save()
    audit_record(action=AuditEvent.Action.SPLIT_FAILED, article=article, message=reason)


@transaction.atomic
def article_mark_failed(*, article_id: int, reason: str, token: uuid.UUID | None = None) -> bool:
    """Mark an article failed with a reason people can read. Idempotent.

    With ``token``, only while that split still holds the article."""
    article = Article.objects.select_for_update().filter(pk=article_id).first()
    if article is None or article.status == Article.Status.SPLIT:
        return False
    if token is not None and article.split_token != token:
        return False
    _set_failed(article, reason)
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


# --- Claims and verdicts ---------------------------------------------------------------------


def _validate_evidence_urls(urls: Iterable[str]) -> list[str]:
    validator = URLValidator(schemes=["http", "https"])
    cleaned: list[str] = []
    for raw in urls:
        url = raw.strip()
        if not url:
            continue
        try:
            validator(url)
        except ValidationError:
            raise ValidationError(
                f"“{url[:200]}” is not a web address (only http:// and https:// links).",
                code="invalid_url",
            ) from None
        if url not in cleaned:
            cleaned.append(url)
    if len(cleaned) > MAX_EVIDENCE_URLS:
        raise ValidationError(f"At most {MAX_EVIDENCE_URLS} evidence links.", code="too_many")
    return cleaned


@transaction.atomic
def verdict_set(
    *,
    claim_id: int,
    reviewer: Any,
    rating: str,
    explanation: str,
    evidence_urls: Iterable[str] = (),
) -> Verdict:
    """Record a verdict on a claim, superseding the current one. Not idempotent: each call adds a
    verdict to the claim's history; none is ever overwritten."""
    if rating not in Rating.values:
        raise ValidationError(f"“{rating}” is not a rating; use one of {', '.join(Rating.values)}.")
    explanation = explanation.strip()
    if not explanation:
        raise ValidationError("Explain the verdict: the explanation is empty.", code="empty")
    urls = _validate_evidence_urls(evidence_urls)
    claim = (
        Claim.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=claim_id)
    )
    now = timezone.now()
    if claim.lease_held_by_other(reviewer, now=now):
        raise ClaimHeldByOther(claim)

    previous = Verdict.objects.select_for_update().filter(claim=claim, is_current=True).first()
    if previous is not None:
        # Cleared before the insert: at most one current verdict per claim is a constraint.
        previous.is_current = False
        previous.save(update_fields=["is_current", "updated_at"])
    verdict = Verdict.objects.create(
        claim=claim,
        reviewer=reviewer,
        rating=rating,
        explanation=explanation,
        evidence_urls=urls,
        # With second review required, the verdict waits for another reviewer (verdict_review).
        published_at=None if settings.FACTCHECK_REQUIRE_SECOND_REVIEW else now,
    )
    if previous is not None:
        previous.superseded_by = verdict
        previous.save(update_fields=["superseded_by", "updated_at"])

    claim.status = Claim.Status.VERDICT
    claim.assignee = None
    claim.lease_expires_at = None
    claim.save(update_fields=["status", "assignee", "lease_expires_at", "updated_at"])
    audit_record(
        action=AuditEvent.Action.VERDICT,
        actor=reviewer,
        article=Article(pk=claim.article_id),
        claim=claim,
        verdict=verdict,
        message=f"Rated {verdict.get_rating_display()}"
        + (f" (was {previous.get_rating_display()})" if previous else "")
        + ("" if verdict.published_at else ", awaiting a second review"),
        data={"rating": rating, "previous": previous.rating if previous else None},
    )
    return verdict


@transaction.atomic
def claim_dismiss(*, claim_id: int, user: Any, reason: str = "") -> Claim:
    """Dismiss a claim as not checkable. Idempotent: dismissing twice records it once."""
    claim = Claim.objects.select_for_update().get(pk=claim_id)
    if claim.lease_held_by_other(user):
        raise ClaimHeldByOther(claim)
    if claim.status == Claim.Status.DISMISSED:
        return claim
    claim.status = Claim.Status.DISMISSED
    claim.assignee = None
    claim.lease_expires_at = None
    claim.save(update_fields=["status", "assignee", "lease_expires_at", "updated_at"])
    audit_record(
        action=AuditEvent.Action.DISMISS,
        actor=user,
        article=Article(pk=claim.article_id),
        claim=claim,
        message=reason.strip() or "Dismissed as not checkable",
    )
    return claim


# --- Leases, assignment and triage -----------------------------------------------------------

OPEN_STATUSES = (Claim.Status.NEW, Claim.Status.IN_REVIEW)
MAX_PRIORITY = 100


def _lease_expiry(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.FACTCHECK_LEASE_SECONDS)


@transaction.atomic
def claim_lease_next(
    *, reviewer: Any, exclude_ids: Sequence[int] = (), now: datetime | None = None
) -> Claim | None:
    """Lease the best open claim nobody else holds to ``reviewer``; None when the queue is empty.

    Not idempotent by design: a reviewer who already holds a live lease gets that claim back
    (renewed) rather than a second one. Two reviewers asking at once never get the same claim:
    on PostgreSQL the candidate row is locked with SKIP LOCKED, so the other request takes the next
    one; SQLite serialises writers with BEGIN IMMEDIATE."""
    now = now or timezone.now()
    held = (
        Claim.objects.select_for_update(of=("self",))
        .filter(assignee=reviewer, status=Claim.Status.IN_REVIEW, lease_expires_at__gt=now)
        .exclude(pk__in=exclude_ids)
        .order_by("lease_expires_at")
        .first()
    )
    if held is not None:
        held.lease_expires_at = _lease_expiry(now)
        held.save(update_fields=["lease_expires_at", "updated_at"])
        return held
    free = (
        Q(assignee__isnull=True)
        | Q(assignee=reviewer)
        # A lease that ran out returns the claim to the queue; a durable assignment
        # (an editor's, without expiry) keeps it for its assignee.
        | Q(lease_expires_at__lte=now)
    )
    claim = (
        Claim.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(free, status__in=OPEN_STATUSES)
        .exclude(kind=Claim.Kind.NOT_CHECKABLE)
        .exclude(pk__in=exclude_ids)
        .order_by("-priority", "-score", "id")
        .first()
    )
    if claim is None:
        return None
    claim.assignee = reviewer
    claim.lease_expires_at = _lease_expiry(now)
    claim.status = Claim.Status.IN_REVIEW
    claim.save(update_fields=["assignee", "lease_expires_at", "status", "updated_at"])
    audit_record(
        action=AuditEvent.Action.ASSIGN,
        actor=reviewer,
        article=Article(pk=claim.article_id),
        claim=claim,
        message=f"Leased to {reviewer} until {claim.lease_expires_at:%H:%M:%S} UTC",
        data={"lease": True},
    )
    return claim


def claim_lease_renew(*, claim_id: int, reviewer: Any) -> datetime | None:
    """Extend the reviewer's lease on a claim. Idempotent. None when the reviewer no longer holds
    it (it expired and someone else took it, or it was released)."""
    now = timezone.now()
    expiry = _lease_expiry(now)
    renewed = Claim.objects.filter(
        pk=claim_id, assignee=reviewer, status=Claim.Status.IN_REVIEW
    ).update(lease_expires_at=expiry, updated_at=now)
    return expiry if renewed else None


@transaction.atomic
def claim_release(*, claim_id: int, user: Any, skipped: bool = False) -> bool:
    """Give a held claim back to the queue. Idempotent: releasing a free claim does nothing.

    Only the holder releases through here; editors use ``claims_release_leases``."""
    claim = Claim.objects.select_for_update().filter(pk=claim_id, assignee=user).first()
    if claim is None:
        return False
    claim.assignee = None
    claim.lease_expires_at = None
    if claim.status == Claim.Status.IN_REVIEW:
        claim.status = Claim.Status.NEW
    claim.save(update_fields=["assignee", "lease_expires_at", "status", "updated_at"])
    audit_record(
        action=AuditEvent.Action.SKIP if skipped else AuditEvent.Action.RELEASE,
        actor=user,
        article=Article(pk=claim.article_id),
        claim=claim,
        message="Skipped" if skipped else "Released",
    )
    return True


@transaction.atomic
def claims_assign(*, claim_ids: Iterable[int], assignee: Any, by: Any) -> int:
    """Assign open claims to a reviewer until they give a verdict or it is changed. Idempotent.

    Returns how many claims changed hands; claims already judged or dismissed are left alone."""
    claims = list(
        Claim.objects.select_for_update()
        .filter(pk__in=list(claim_ids), status__in=OPEN_STATUSES)
        .exclude(assignee=assignee, lease_expires_at__isnull=True)
    )
    for claim in claims:
        previous = claim.assignee_id
        claim.assignee = assignee
        claim.lease_expires_at = None
        claim.status = Claim.Status.NEW
        audit_record(
            action=AuditEvent.Action.ASSIGN,
            actor=by,
            article=Article(pk=claim.article_id),
            claim=claim,
            message=f"Assigned to {assignee}",
            data={"assignee": assignee.pk, "previous": previous},
        )
    Claim.objects.bulk_update(claims, ["assignee", "lease_expires_at", "status", "updated_at"])
    return len(claims)


@transaction.atomic
def claims_release_leases(*, claim_ids: Iterable[int], by: Any) -> int:
    """Return claims to the queue whoever holds them (an editor's action). Idempotent."""
    claims = list(
        Claim.objects.select_for_update().filter(pk__in=list(claim_ids), assignee__isnull=False)
    )
    for claim in claims:
        audit_record(
            action=AuditEvent.Action.RELEASE,
            actor=by,
            article=Article(pk=claim.article_id),
            claim=claim,
            message=f"Released from {claim.assignee_id and claim.assignee}",
        )
        claim.assignee = None
        claim.lease_expires_at = None
        if claim.status == Claim.Status.IN_REVIEW:
            claim.status = Claim.Status.NEW
    Claim.objects.bulk_update(claims, ["assignee", "lease_expires_at", "status", "updated_at"])
    return len(claims)


@transaction.atomic
def claims_dismiss(*, claim_ids: Iterable[int], by: Any, reason: str = "") -> int:
    """Dismiss open or duplicate claims as not checkable. Idempotent. Judged claims are kept."""
    claims = list(
        Claim.objects.select_for_update().filter(
            pk__in=list(claim_ids), status__in=[*OPEN_STATUSES, Claim.Status.DUPLICATE]
        )
    )
    for claim in claims:
        claim.status = Claim.Status.DISMISSED
        claim.assignee = None
        claim.lease_expires_at = None
        audit_record(
            action=AuditEvent.Action.DISMISS,
            actor=by,
            article=Article(pk=claim.article_id),
            claim=claim,
            message=reason.strip() or "Dismissed as not checkable",
        )
    Claim.objects.bulk_update(claims, ["status", "assignee", "lease_expires_at", "updated_at"])
    return len(claims)


@transaction.atomic
def claims_mark_duplicate(*, claim_ids: Iterable[int], original_id: int, by: Any) -> int:
    """Mark claims as restating ``original_id``. Idempotent. Judged claims are left alone."""
    original = Claim.objects.select_for_update().get(pk=original_id)
    # Point at the first statement, never at another duplicate.
    target = original.duplicate_of_id or original.pk
    ids = [i for i in claim_ids if i not in (original.pk, target)]
    if not ids:
        raise ValidationError("A claim cannot be a duplicate of itself.", code="self")
    claims = list(
        Claim.objects.select_for_update().filter(
            pk__in=ids, status__in=[*OPEN_STATUSES, Claim.Status.DUPLICATE]
        )
    )
    for claim in claims:
        claim.duplicate_of_id = target
        claim.status = Claim.Status.DUPLICATE
        claim.assignee = None
        claim.lease_expires_at = None
        audit_record(
            action=AuditEvent.Action.DUPLICATE,
            actor=by,
            article=Article(pk=claim.article_id),
            claim=claim,
            message=f"Marked duplicate of claim #{target}",
            data={"duplicate_of": target},
        )
    Claim.objects.bulk_update(
        claims, ["duplicate_of", "status", "assignee", "lease_expires_at", "updated_at"]
    )
    return len(claims)


@transaction.atomic
def claims_set_priority(*, claim_ids: Iterable[int], delta: int, by: Any) -> int:
    """Raise (delta > 0) or lower a claim's place in the queue, within ±100. Not idempotent."""
    claims = list(Claim.objects.select_for_update().filter(pk__in=list(claim_ids)))
    for claim in claims:
        before = claim.priority
        claim.priority = max(-MAX_PRIORITY, min(MAX_PRIORITY, claim.priority + delta))
        audit_record(
            action=AuditEvent.Action.PRIORITY,
            actor=by,
            article=Article(pk=claim.article_id),
            claim=claim,
            message=f"Priority {before} → {claim.priority}",
            data={"before": before, "after": claim.priority},
        )
    Claim.objects.bulk_update(claims, ["priority", "updated_at"])
    return len(claims)


@transaction.atomic
def article_resplit(*, article_id: int, by: Any) -> Article:
    """Queue an article to be split again (after a failure, or with a newer extractor).

    Idempotent: an article already queued or splitting is left as it is. Refused, with the
    reason, when people are already working on its claims."""
    article = Article.objects.select_for_update().get(pk=article_id)
    if article.status in (Article.Status.QUEUED, Article.Status.SPLITTING):
        return article
    worked_on = article.claims.filter(
        status__in=[Claim.Status.IN_REVIEW, Claim.Status.VERDICT, Claim.Status.DISMISSED]
    ).exists()
    if worked_on or Verdict.objects.filter(claim__article=article).exists():
        raise ValidationError(
            f"“{article.title}” cannot be split again: reviewers have already worked on its "
            "claims, and a new split would discard that work.",
            code="reviewed",
        )
    article.status = Article.Status.QUEUED
    article.status_changed_at = timezone.now()
    article.attempts = 0
    article.failure_reason = ""
    article.split_token = None
    article.save()
    audit_record(
        action=AuditEvent.Action.REQUEUE, actor=by, article=article, message="Re-split requested"
    )
    transaction.on_commit(partial(article_enqueue_split, article_id=article.pk))
    return article


# --- Taking a chosen claim, second review and publishing -------------------------------------


@transaction.atomic
def claim_lease_take(*, claim_id: int, reviewer: Any, now: datetime | None = None) -> Claim:
    """Lease one chosen open claim to ``reviewer`` (picked from the queue rather than "next").

    Idempotent: taking a claim you already hold renews the lease. Refused while another reviewer
    holds a live lease on it or an editor has assigned it to someone else."""
    now = now or timezone.now()
    claim = (
        Claim.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=claim_id)
    )
    if claim.status not in OPEN_STATUSES:
        raise ValidationError(
            f"Claim #{claim.pk} is {claim.get_status_display().lower()}; only open claims can "
            "be taken.",
            code="closed",
        )
    if claim.lease_held_by_other(reviewer, now=now):
        raise ClaimHeldByOther(claim)
    if claim.assignee_id not in (None, reviewer.pk) and claim.lease_expires_at is None:
        raise ValidationError(
            f"Claim #{claim.pk} is assigned to {claim.assignee}.", code="assigned"
        )
    renewing = claim.assignee_id == reviewer.pk and claim.status == Claim.Status.IN_REVIEW
    claim.assignee = reviewer
    claim.lease_expires_at = _lease_expiry(now)
    claim.status = Claim.Status.IN_REVIEW
    claim.save(update_fields=["assignee", "lease_expires_at", "status", "updated_at"])
    if not renewing:
        audit_record(
            action=AuditEvent.Action.ASSIGN,
            actor=reviewer,
            article=Article(pk=claim.article_id),
            claim=claim,
            message=f"Taken by {reviewer} until {claim.lease_expires_at:%H:%M:%S} UTC",
            data={"lease": True},
        )
    return claim


def _publish(verdict: Verdict, *, by: Any, message: str) -> Verdict:
    verdict.published_at = timezone.now()
    verdict.save(update_fields=["published_at", "updated_at"])
    audit_record(
        action=AuditEvent.Action.PUBLISH,
        actor=by,
        article=Article(pk=verdict.claim.article_id),
        claim=verdict.claim,
        verdict=verdict,
        message=message,
    )
    return verdict


def _verdict_for_update(verdict_id: int) -> Verdict:
    verdict = (
        Verdict.objects.select_for_update(of=("self",))
        .select_related("claim", "reviewer")
        .get(pk=verdict_id)
    )
    if not verdict.is_current:
        raise ValidationError(
            "This verdict has been superseded by a newer one; review that instead.",
            code="superseded",
        )
    return verdict


@transaction.atomic
def verdict_review(
    *, verdict_id: int, reviewer: Any, agrees: bool, rating: str = "", note: str = ""
) -> VerdictReview:
    """Record a second reviewer's agreement or disagreement with an unpublished verdict.

    Not idempotent: a reviewer reviews a verdict once; a second try is refused. Agreement publishes
    the verdict unless someone already disagreed; a disagreement (with the rating this reviewer
    would give and why) leaves it unpublished for an editor to settle."""
    verdict = _verdict_for_update(verdict_id)
    if verdict.published_at is not None:
        raise ValidationError("This verdict is already published.", code="published")
    if verdict.reviewer_id == reviewer.pk:
        raise ValidationError(
            "A second review must come from someone else than the verdict's author.", code="own"
        )
    if verdict.reviews.filter(reviewer=reviewer).exists():
        raise ValidationError("You have already reviewed this verdict.", code="reviewed")
    note = note.strip()
    if agrees:
        rating = ""
    else:
        if rating not in Rating.values:
            raise ValidationError("Say which rating you would give instead.", code="rating")
        if rating == verdict.rating:
            raise ValidationError(
                "Disagreeing with the same rating: pick the rating you would give.",
                code="same_rating",
            )
        if not note:
            raise ValidationError("Say why you disagree: the note is empty.", code="empty")
    review = VerdictReview.objects.create(
        verdict=verdict, reviewer=reviewer, agrees=agrees, rating=rating, note=note
    )
    audit_record(
        action=AuditEvent.Action.REVIEW,
        actor=reviewer,
        article=Article(pk=verdict.claim.article_id),
        claim=verdict.claim,
        verdict=verdict,
        message=f"{'Agreed' if agrees else 'Disagreed'} with {verdict.get_rating_display()}"
        + ("" if agrees else f": would rate {Rating(rating).label}"),
        data={"agrees": agrees, "rating": rating},
    )
    disputed = verdict.reviews.filter(agrees=False).exists()
    if agrees and not disputed:
        _publish(verdict, by=reviewer, message=f"Published after {reviewer} agreed")
    return review


@transaction.atomic
def verdict_publish(*, verdict_id: int, by: Any) -> Verdict:
    """Publish a current verdict as it stands (an editor settling a dispute). Idempotent."""
    verdict = _verdict_for_update(verdict_id)
    if verdict.published_at is not None:
        return verdict
    return _publish(verdict, by=by, message=f"Published by {by}")


@transaction.atomic
def verdict_settle(*, verdict_id: int, by: Any, rating: str, explanation: str = "") -> Verdict:
    """An editor settles a disputed verdict: the same rating publishes it as it stands; another
    rating records the editor's verdict (superseding it) and publishes that at once.

    Not idempotent when the rating changes: each call adds a verdict to the history."""
    verdict = _verdict_for_update(verdict_id)
    if rating == verdict.rating:
        if verdict.published_at is not None:
            return verdict
        return _publish(verdict, by=by, message=f"Settled by {by}: published as it stands")
    settled = verdict_set(
        claim_id=verdict.claim_id,
        reviewer=by,
        rating=rating,
        explanation=explanation or verdict.explanation,
        evidence_urls=verdict.evidence_urls,
    )
    if settled.published_at is not None:
        return settled
    return _publish(
        settled,
        by=by,
        message=f"Settled by {by}: {verdict.get_rating_display()} → {settled.get_rating_display()}",
    )


# --- API tokens ------------------------------------------------------------------------------

API_KEY_PREFIX = "fc_"
# A token's last_used_at is written at most this often, so reading the API is not a write each time.
API_TOKEN_TOUCH_SECONDS = 60


def api_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: Any, name: str, read_only: bool = True, by: Any = None
) -> tuple[ApiToken, str]:
    """Create a token for ``user`` and return it with its key, which is never stored and cannot be
    shown again. Not idempotent: each call makes another token."""
    name = " ".join(name.split())[:100]
    if not name:
        raise ValidationError("Name the token after who or what will use it.", code="empty")
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[: ApiToken._meta.get_field("prefix").max_length],
        key_hash=api_key_hash(key),
        read_only=read_only,
    )
    audit_record(
        action=AuditEvent.Action.TOKEN,
        actor=by or user,
        message=f"Created {'read-only' if read_only else 'read-write'} API token “{name}” "
        f"({token.prefix}…) for {user}",
        data={"token": token.pk, "event": "created", "user": user.pk, "read_only": read_only},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token_id: int, by: Any, user: Any = None) -> ApiToken:
    """Revoke a token; it stops working at once. Idempotent: revoking twice records it once.

    With ``user``, only that user's own token (raises ``ApiToken.DoesNotExist`` otherwise)."""
    tokens = ApiToken.objects.select_for_update().select_related("user")
    if user is not None:
        tokens = tokens.filter(user=user)
    token = tokens.get(pk=token_id)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        action=AuditEvent.Action.TOKEN,
        actor=by,
        message=f"Revoked API token “{token.name}” ({token.prefix}…) of {token.user}",
        data={"token": token.pk, "event": "revoked", "user": token.user_id},
    )
    return token


def api_token_authenticate(*, key: str, now: datetime | None = None) -> ApiToken | None:
    """The live token with this key (its user active), or None. Idempotent apart from recording
    when the token was last used, at most once a minute."""
    if not key.startswith(API_KEY_PREFIX) or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=api_key_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = now or timezone.now()
    stale = now - timedelta(seconds=API_TOKEN_TOUCH_SECONDS)
    if token.last_used_at is None or token.last_used_at < stale:
        # Conditional: concurrent requests with the same token write it once.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale)
        ).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- Admin edits -------------------------------------------------------------------------------

# What an editor may change on a stored article; its text and URL are what the claims point into.
ARTICLE_EDITABLE_FIELDS = ("title", "source", "author", "published_on", "language")


def _audit_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@transaction.atomic
def article_update(*, article_id: int, by: Any, changes: dict[str, Any]) -> Article:
    """Edit an article's descriptive fields and audit each change. Idempotent: equal values
    write nothing."""
    refused = sorted(set(changes) - set(ARTICLE_EDITABLE_FIELDS))
    if refused:
        raise ValidationError(f"These fields cannot be edited: {', '.join(refused)}.")
    article = Article.objects.select_for_update().get(pk=article_id)
    diff = {
        name: [_audit_value(getattr(article, name)), _audit_value(value)]
        for name, value in changes.items()
        if getattr(article, name) != value
    }
    if not diff:
        return article
    for name in diff:
        setattr(article, name, changes[name])
    article.save(update_fields=[*diff, "updated_at"])
    audit_record(
        action=AuditEvent.Action.CHANGE,
        actor=by,
        article=article,
        message=f"Changed {', '.join(diff)}",
        data={"fields": diff},
    )
    return article


@transaction.atomic
def article_delete(*, article_id: int, by: Any) -> bool:
    """Delete an article with its claims, leaving an audit row that names it. Idempotent.

    Raises ``ProtectedError`` (and deletes nothing) when any of its claims has a verdict."""
    article = Article.objects.select_for_update().filter(pk=article_id).first()
    if article is None:
        return False
    claims = article.claims.count()
    title = article.title
    article.delete()
    audit_record(
        action=AuditEvent.Action.DELETE,
        actor=by,
        message=f"Deleted article #{article_id} “{title}” with its {claims} claims",
        data={"article_id": article_id, "title": title, "claims": claims},
    )
    return True


@transaction.atomic
def claim_update(*, claim_id: int, by: Any, assignee: Any, priority: int) -> Claim:
    """Apply an editor's edit of a claim's assignee and priority through the triage services, so
    each change is audited. Idempotent: unchanged values write nothing."""
    claim = Claim.objects.select_for_update().get(pk=claim_id)
    if priority != claim.priority:
        claims_set_priority(claim_ids=[claim.pk], delta=priority - claim.priority, by=by)
    if getattr(assignee, "pk", None) != claim.assignee_id:
        if assignee is None:
            claims_release_leases(claim_ids=[claim.pk], by=by)
        elif claim.status not in OPEN_STATUSES:
            raise ValidationError(
                f"Claim #{claim.pk} is {claim.get_status_display().lower()}: only open claims "
                "can be assigned.",
                code="closed",
            )
        else:
            claims_assign(claim_ids=[claim.pk], assignee=assignee, by=by)
    claim.refresh_from_db()
    return claim
