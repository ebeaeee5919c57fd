"""The world each matrix test runs in."""

from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache

from claims.models import (
    ArchiveEntry,
    Article,
    AuditEvent,
    Claim,
    ClaimMatch,
    ExternalFactCheck,
    Feed,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from tests.factories import (
    ApiTokenFactory,
    ArticleFactory,
    ClaimFactory,
    PublishedVerdictFactory,
    ReviewerFactory,
    role,
)
from tests.security.permission_matrix._probes import World


@pytest.fixture(autouse=True)
def _isolated(settings: Any) -> None:
    cache.clear()  # throttle counts would otherwise carry over between tests
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.FACTCHECK_REQUIRE_SECOND_REVIEW = False
    # Each test client builds its own middleware; WhiteNoise would index every static file each
    # time (a third of this file's run). Static files are not what these tests are about.
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture
def world(db: Any) -> World:
    """One of everything a URL can point at, none of it belonging to the role under test."""
    author = ReviewerFactory(username="author")
    article = ArticleFactory(status=Article.Status.SPLIT)
    claim = ClaimFactory(article=article, position=0)
    judged = ClaimFactory(article=article, position=1, status=Claim.Status.VERDICT)
    verdict = PublishedVerdictFactory(claim=judged, reviewer=author)
    event = AuditEvent.objects.create(
        action=AuditEvent.Action.INGEST, actor=author, article=article, message="ingested"
    )
    token = ApiTokenFactory(user=author)
    endpoint = WebhookEndpoint.objects.create(
        owner=author, url="https://hooks.example/factcheck", events=["verdict.published"]
    )
    webhook_event = WebhookEvent.objects.create(type="verdict.published", payload={})
    delivery = WebhookDelivery.objects.create(event=webhook_event, endpoint=endpoint)
    access = {
        "user_agent": "test",
        "ip_address": "127.0.0.1",
        "username": "someone",
        "http_accept": "*/*",
        "path_info": "/accounts/login/",
    }
    attempt = AccessAttempt.objects.create(
        **access, get_data="", post_data="", failures_since_start=1
    )
    factcheck = ExternalFactCheck.objects.create(
        source_key="matrix", claim_reviewed="The moon is made of cheese.", outlet="Other desk"
    )
    entry = ArchiveEntry.objects.create(claim=judged, text=judged.text, encoder_version="test")
    match = ClaimMatch.objects.create(claim=claim, entry=entry, rank=1, similarity=0.9)
    return World(
        ids={
            "claim_id": claim.pk,
            "match_id": match.pk,
            "claims_externalfactcheck": factcheck.pk,
            "judged_claim_id": judged.pk,
            "webhook_id": endpoint.pk,
            "claims_webhookendpoint": endpoint.pk,
            "claims_webhookdelivery": delivery.pk,
            "verdict_id": verdict.pk,
            "article_id": article.pk,
            "token_id": token.pk,
            "claim_ct": ContentType.objects.get_for_model(Claim).pk,
            "claims_article": article.pk,
            "claims_feed": Feed.objects.create(url="https://example.org/feed.xml").pk,
            "claims_claim": claim.pk,
            "claims_verdict": verdict.pk,
            "claims_auditevent": event.pk,
            "claims_apitoken": token.pk,
            "auth_user": author.pk,
            "auth_group": role("Reviewer").pk,
            "axes_accessattempt": attempt.pk,
            "axes_accesslog": AccessLog.objects.create(**access).pk,
            "axes_accessfailurelog": AccessFailureLog.objects.create(**access).pk,
        }
    )
