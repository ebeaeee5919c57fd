"""Articles, the claims split out of them, the verdicts reviewers give, and the audit trail."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Feed(models.Model):
    """An RSS or Atom feed a desk follows: polled periodically, each new entry ingested once."""

    class Status(models.TextChoices):
        NEW = "new", "Not polled yet"
        OK = "ok", "OK"
        FAILING = "failing", "Failing"

    url = models.URLField(max_length=2000, unique=True)
    title = models.CharField(max_length=500, blank=True)
    # Default outlet for the articles it brings; the feed's own title when left empty.
    source = models.CharField("outlet", max_length=200, blank=True)
    active = models.BooleanField(default=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    last_error = models.TextField(blank=True)
    # Failures in a row: each doubles the wait before the next poll, up to a cap.
    failures = models.PositiveIntegerField(default=0)
    # Conditional GET: sent back so an unchanged feed answers 304.
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url"]
        indexes = [models.Index(fields=["active", "next_poll_at"], name="feed_due")]

    def __str__(self) -> str:
        return self.title or self.url


class Article(models.Model):
    class Status(models.TextChoices):
        # Stored from a URL; a worker fetches the page, then it is queued for the split.
        FETCHING = "fetching", "Fetching"
        QUEUED = "queued", "Queued"
        SPLITTING = "splitting", "Splitting"
        SPLIT = "split", "Split"
        FAILED = "failed", "Failed"

    title = models.CharField(max_length=500)
    # Stored normalised (see claims.text.normalize_url); NULL when absent so uniqueness holds only
    # between articles that have one.
    url = models.URLField(max_length=2000, null=True, blank=True, unique=True)
    source = models.CharField("outlet", max_length=200, blank=True)
    author = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)
    body = models.TextField()
    # ISO 639-1 code guessed at ingest ("en"); the extractor is English-only, so others are marked.
    language = models.CharField(max_length=8, blank=True)
    # SHA-256 of the normalised body: the same text twice is refused.
    content_hash = models.CharField(max_length=64, unique=True, editable=False)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    status_changed_at = models.DateTimeField(default=timezone.now)
    failure_reason = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # Set when a worker takes the article; only the holder of the token may write its claims.
    split_token = models.UUIDField(null=True, blank=True, editable=False)
    extractor_version = models.CharField(max_length=64, blank=True)
    split_at = models.DateTimeField(null=True, blank=True)
    # An editor's choice: every claim of this article goes to blind double review (agreement).
    blind_review = models.BooleanField(
        default=False,
        help_text="Every verdict on this article's claims gets a blind second review.",
    )

    ingested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The feed that brought it, and the entry's id there (its GUID, else its link).
    feed = models.ForeignKey(
        Feed, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    feed_entry = models.CharField(max_length=2000, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Each feed entry is ingested once.
            models.UniqueConstraint(
                fields=["feed", "feed_entry"],
                condition=~Q(feed_entry=""),
                name="article_feed_entry",
            ),
        ]
        indexes = [
            # The sweep looks for articles stuck in a status since before a cut-off.
            models.Index(fields=["status", "status_changed_at"], name="article_status_changed"),
            models.Index(fields=["-created_at"], name="article_created"),
            # The queue's outlet filter lists distinct outlets by skipping through this index.
            models.Index(fields=["source"], name="article_source"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.status in (self.Status.SPLIT, self.Status.FAILED)

    @property
    def is_fetching(self) -> bool:
        return self.status == self.Status.FETCHING


# The queue's default view: open claims of a checkable kind (selectors.claim_queue filters the same
# way, so PostgreSQL can use the partial indexes below). Literal values: Claim is not defined yet.
QUEUE_DEFAULT_Q = Q(status__in=["new", "in_review"]) & ~Q(kind__in=["not_checkable"])


class Claim(models.Model):
    class Kind(models.TextChoices):
        QUANTITY = "quantity", "Quantity / statistic"
        COMPARISON = "comparison", "Comparison / superlative"
        EVENT = "event", "Event / action"
        ATTRIBUTION = "attribution", "Attribution / quote"
        NOT_CHECKABLE = "not_checkable", "Not checkable"

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_REVIEW = "in_review", "In review"
        VERDICT = "verdict", "Verdict given"
        DISMISSED = "dismissed", "Dismissed"
        DUPLICATE = "duplicate", "Duplicate"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    text = models.TextField(help_text="The claim, standing alone.")
    sentence = models.TextField(help_text="The sentence the claim comes from.")
    # body[start:end] is exactly the evidence span.
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    position = models.PositiveIntegerField(help_text="Order of the claim within its article.")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.EVENT)
    score = models.FloatField(help_text="Check-worthiness, 0 to 1.")
    entities = models.JSONField(default=list, blank=True)
    quantities = models.JSONField(default=list, blank=True)
    speaker = models.CharField(max_length=300, blank=True)
    speaker_via = models.CharField(
        max_length=300, blank=True, help_text='Who reported the speaker\'s words ("told CNN").'
    )
    # SHA-256 of the extractor's fingerprint of the claim (its normalised words): equal
    # fingerprints in different articles are the same claim.
    fingerprint = models.CharField(max_length=64, blank=True, db_index=True)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    # Editors raise or lower a claim; the queue sorts by priority first, then check-worthiness.
    priority = models.SmallIntegerField(default=0)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_claims",
    )
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["article_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="claim_article_position"),
            models.CheckConstraint(condition=Q(start__lte=F("end")), name="claim_span_ordered"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="claim_score_0_1"
            ),
        ]
        indexes = [
            # The queue: open claims, most check-worthy first.
            models.Index(fields=["status", "-priority", "-score", "id"], name="claim_queue"),
            models.Index(fields=["assignee", "lease_expires_at"], name="claim_lease"),
            models.Index(fields=["-created_at"], name="claim_created"),
            # The queue's two orderings over open, checkable claims (its default view): a page is
            # an index-only scan of ids, however deep, and its count stops at the cap early.
            models.Index(
                fields=["-priority", "-score", "id"],
                name="claim_queue_open",
                condition=QUEUE_DEFAULT_Q,
            ),
            models.Index(
                fields=["-created_at", "-id"],
                name="claim_queue_open_newest",
                condition=QUEUE_DEFAULT_Q,
            ),
            # My work: the open claims one reviewer holds, soonest lease end first.
            models.Index(
                fields=["assignee", "lease_expires_at", "id"],
                name="claim_held",
                condition=Q(status__in=["new", "in_review"]),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def held_by_other(self, user: Any, *, now: datetime | None = None) -> bool:
        """Someone other than ``user`` holds this claim: a live lease, or an editor's assignment
        (which has no expiry). An expired lease holds nobody back."""
        now = now or timezone.now()
        return (
            self.assignee_id is not None
            and self.assignee_id != getattr(user, "pk", None)
            and (self.lease_expires_at is None or self.lease_expires_at > now)
        )


# Claims still waiting for a verdict: in the queue, or leased or assigned to a reviewer.
OPEN_STATUSES = (Claim.Status.NEW, Claim.Status.IN_REVIEW)


class Rating(models.TextChoices):
    TRUE = "true", "True"
    MOSTLY_TRUE = "mostly_true", "Mostly true"
    MIXED = "mixed", "Mixed"
    MOSTLY_FALSE = "mostly_false", "Mostly false"
    FALSE = "false", "False"
    MISLEADING = "misleading", "Misleading"
    UNVERIFIABLE = "unverifiable", "Unverifiable"


# ClaimReview reviewRating: ratingValue on a 1 (worst) .. 5 (best) scale, alternateName the label.
# Misleading sits with mostly false; unverifiable has no place on the scale, so no ratingValue.
CLAIMREVIEW_BEST_RATING = 5
CLAIMREVIEW_WORST_RATING = 1
CLAIMREVIEW_RATING_VALUES: dict[str, int | None] = {
    Rating.TRUE: 5,
    Rating.MOSTLY_TRUE: 4,
    Rating.MIXED: 3,
    Rating.MOSTLY_FALSE: 2,
    Rating.FALSE: 1,
    Rating.MISLEADING: 2,
    Rating.UNVERIFIABLE: None,
}


class Verdict(models.Model):
    """A reviewer's rating of a claim. Never edited: a new verdict supersedes the current one."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="verdicts")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdicts"
    )
    rating = models.CharField(max_length=16, choices=Rating.choices)
    explanation = models.TextField()
    evidence_urls = models.JSONField(default=list, blank=True)
    is_current = models.BooleanField(default=True)
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # In the blind double-review sample: the second reviewer rates the claim without seeing this.
    blind_review = models.BooleanField(default=False)
    # Set when this verdict is published in place of an earlier published one (a correction):
    # {"previous_verdict", "previous_rating", "changed": [fields], "first_published_at"}.
    correction = models.JSONField(default=dict, blank=True)
    # Set when a reviewer reused an earlier verdict for the same claim ("Checked before").
    reused_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reused_by"
    )
    reused_from_factcheck = models.ForeignKey(
        "ExternalFactCheck", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"], condition=Q(is_current=True), name="verdict_one_current_per_claim"
            ),
        ]
        indexes = [
            models.Index(fields=["-updated_at", "-id"], name="verdict_updated"),
            models.Index(fields=["rating"], name="verdict_rating"),
            # My work: one reviewer's verdicts, or everyone's, newest first.
            models.Index(
                fields=["reviewer", "-created_at", "-id"], name="verdict_reviewer_created"
            ),
            models.Index(fields=["-created_at", "-id"], name="verdict_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()}: {self.claim}"

    @property
    def is_published(self) -> bool:
        """The row-level twin of ``verdict_published_q``."""
        return self.published_at is not None and self.is_current

    @property
    def is_superseded(self) -> bool:
        return self.superseded_by_id is not None

    @property
    def is_pending(self) -> bool:
        """The row-level twin of ``verdict_pending_q``."""
        return self.published_at is None and self.superseded_by_id is None


def verdict_published_q() -> Q:
    """Published: released (second review done, where required) and not superseded since.

    The one definition of published, as a filter; ``Verdict.is_published`` is its twin for one
    verdict already loaded."""
    return Q(published_at__isnull=False, is_current=True)


def verdict_pending_q() -> Q:
    """Awaiting a second review or disputed: not published and not superseded. A pending verdict
    that replaces a published one is not current yet: the published one stays current (and
    visible to partners) until its replacement is published."""
    return Q(published_at__isnull=True, superseded_by__isnull=True)


class VerdictReview(models.Model):
    """A second reviewer's check of a verdict, for desks that require agreement before publishing.

    Agreement publishes the verdict; disagreement (with the rating the second reviewer would give)
    leaves it unpublished for an editor to settle."""

    verdict = models.ForeignKey(Verdict, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdict_reviews"
    )
    agrees = models.BooleanField()
    rating = models.CharField(max_length=16, choices=Rating.choices, blank=True)
    note = models.TextField(blank=True)
    # Given blind (the reviewer rated the claim without seeing the verdict): counts for agreement.
    blind = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["verdict", "reviewer"], name="review_once_per_reviewer")
        ]

    def __str__(self) -> str:
        return f"{'Agrees' if self.agrees else 'Disagrees'}: {self.reviewer} on {self.verdict_id}"


class ApiToken(models.Model):
    """A per-user API key. Only its SHA-256 is stored; the key is shown once, at creation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text='Who or what uses it ("Partner X feed").')
    # The first characters of the key, to tell tokens apart in lists and logs.
    prefix = models.CharField(max_length=12, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    read_only = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AuditEvent(models.Model):
    """Who did what, when. Rows are only ever added."""

    class Action(models.TextChoices):
        INGEST = "ingest", "Ingested"
        SPLIT = "split", "Split into claims"
        SPLIT_FAILED = "split_failed", "Split failed"
        REQUEUE = "requeue", "Re-queued"
        ASSIGN = "assign", "Assigned"
        RELEASE = "release", "Released"
        VERDICT = "verdict", "Verdict"
        DISMISS = "dismiss", "Dismissed"
        DUPLICATE = "duplicate", "Marked duplicate"
        SKIP = "skip", "Skipped"
        PRIORITY = "priority", "Priority changed"
        REVIEW = "review", "Second review"
        PUBLISH = "publish", "Published"
        TOKEN = "token", "API token"
        CHANGE = "change", "Changed"
        DELETE = "delete", "Deleted"

    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    verdict = models.ForeignKey(
        Verdict, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        who = self.actor or "system"
        return f"{self.created_at:%Y-%m-%d %H:%M} {who} {self.get_action_display()}"


class IdempotencyKey(models.Model):
    """A submission already handled: the same user sending the same key again gets the verdict
    it made the first time, not a second one. Kept until ``expires_at``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    # SHA-256 of what was submitted: the same key with another request is refused.
    request_hash = models.CharField(max_length=64)
    verdict = models.ForeignKey(
        Verdict, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.user_id})"


# Models of their own modules, registered here: they import the classes above.
from claims.models_matching import (  # noqa: E402, F401
    ArchiveEntry,
    ArchiveVector,
    ClaimMatch,
    ExternalFactCheck,
)
from claims.models_rollups import ClaimCount, StatsRollup, VerdictDayCount  # noqa: E402, F401

# Webhook endpoints, their events and deliveries live in their own module, registered here.
from claims.models_webhooks import (  # noqa: E402, F401
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
