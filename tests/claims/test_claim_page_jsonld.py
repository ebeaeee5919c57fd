import json
import re

import pytest
from django.urls import reverse

from tests.factories import PublishedVerdictFactory, VerdictFactory

pytestmark = pytest.mark.django_db
LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def test_the_claim_page_embeds_the_claimreview_of_its_published_verdict(client, reviewer):
    verdict = PublishedVerdictFactory()
    client.force_login(reviewer)
    html = client.get(reverse("claims:claim", args=[verdict.claim_id])).content.decode()
    [block] = LD.findall(html)
    data = json.loads(block)
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == verdict.claim.text
    assert data["reviewRating"]["alternateName"] == verdict.get_rating_display()


def test_an_unpublished_verdict_embeds_nothing(client, reviewer):
    verdict = VerdictFactory(published_at=None)
    client.force_login(reviewer)
    html = client.get(reverse("claims:claim", args=[verdict.claim_id])).content.decode()
    assert LD.findall(html) == []
