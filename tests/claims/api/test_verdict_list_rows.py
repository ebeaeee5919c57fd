"""A page of verdicts is built in one pass (VerdictListSerializer); it must say exactly what the
one-verdict serializer says of each row, for the desk and for partners."""

import pytest
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from claims import selectors
from claims.api.verdicts import VerdictOutputSerializer
from claims.models import Rating, Verdict
from tests.factories import ClaimFactory, PublishedVerdictFactory, VerdictFactory

pytestmark = pytest.mark.django_db


def _rows() -> list[Verdict]:
    claim = ClaimFactory()
    old = PublishedVerdictFactory(
        claim=claim, evidence_urls=["https://example.org/a", "https://example.org/b"]
    )
    Verdict.objects.filter(pk=old.pk).update(is_current=False)  # one current verdict a claim
    new = PublishedVerdictFactory(
        claim=claim,
        rating=Rating.FALSE,
        correction={"previous_verdict": old.pk, "previous_rating": "mostly_true"},
    )
    Verdict.objects.filter(pk=old.pk).update(superseded_by=new)
    VerdictFactory(rating=Rating.UNVERIFIABLE, explanation="Awaits a second review.")
    PublishedVerdictFactory(published_at=timezone.now(), explanation="Line one\nline two")
    filters = selectors.VerdictApiFilters(published_only=False)
    return list(selectors.verdict_api_rows(filters=filters).order_by("updated_at", "id"))


@pytest.mark.parametrize("published_only", [False, True])
def test_a_page_of_verdicts_says_what_each_verdict_says_alone(published_only):
    rows = _rows()
    request = Request(APIRequestFactory().get("/api/v1/verdicts/"))
    context = {"request": request, "published_only": published_only}

    page = VerdictOutputSerializer(rows, many=True, context=context).data
    alone = [VerdictOutputSerializer(row, context=context).data for row in rows]

    assert len(page) == 4
    assert [dict(row) for row in page] == [dict(row) for row in alone]
    assert [list(row) for row in page] == [list(row) for row in alone]  # same keys, same order
    withdrawn = next(row for row in page if row["withdrawn"])
    expected = "" if published_only else "Council minutes confirm the vote."
    assert withdrawn["explanation"] == expected
    assert withdrawn["superseded_by"] is not None
