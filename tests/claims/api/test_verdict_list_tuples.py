"""GET /api/v1/verdicts/ reads its rows as named tuples (``selectors.verdict_api_tuples``), not
model instances; a page built from them must say exactly what it says of the same verdicts
loaded as models, for the desk and for partners, in any time zone."""

from typing import Any

import pytest
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from claims import selectors
from claims.api.verdicts import VerdictOutputSerializer
from claims.models import Rating, Verdict
from tests.factories import (
    ClaimFactory,
    PublishedVerdictFactory,
    ReviewerFactory,
    VerdictFactory,
    token_api_client,
)

pytestmark = pytest.mark.django_db
AWKWARD = 'Quote " backslash \\ tab\t newline\n é 漢字 🦉 </script>'


@pytest.fixture
def verdicts() -> None:
    claim = ClaimFactory(text="+1 " + AWKWARD)
    old = PublishedVerdictFactory(
        claim=claim, evidence_urls=["https://example.org/a", 'https://example.org/ü "b"']
    )
    Verdict.objects.filter(pk=old.pk).update(is_current=False)  # one current verdict a claim
    new = PublishedVerdictFactory(
        claim=claim,
        rating=Rating.FALSE,
        explanation=AWKWARD,
        correction={"previous_verdict": old.pk, "previous_rating": "mostly_true"},
    )
    Verdict.objects.filter(pk=old.pk).update(superseded_by=new)
    VerdictFactory(rating=Rating.UNVERIFIABLE, explanation="Awaits a second review.")
    PublishedVerdictFactory(
        published_at=timezone.now().replace(microsecond=0), evidence_urls=[], explanation=""
    )


def _page(rows: list[Any], published_only: bool) -> list[dict[str, Any]]:
    request = Request(APIRequestFactory().get("/api/v1/verdicts/"))
    context = {"request": request, "published_only": published_only}
    return [dict(row) for row in VerdictOutputSerializer(rows, many=True, context=context).data]


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "America/St_Johns"])
@pytest.mark.parametrize("published_only", [False, True])
def test_a_page_of_tuples_says_what_a_page_of_models_says(
    verdicts: None, published_only: bool, zone: str
) -> None:
    filters = selectors.VerdictApiFilters(published_only=False)
    models = list(selectors.verdict_api_rows(filters=filters).order_by("updated_at", "id"))
    tuples = list(selectors.verdict_api_tuples(filters=filters).order_by("updated_at", "id"))
    with timezone.override(zone):
        from_tuples = _page(tuples, published_only)
        from_models = _page(models, published_only)
        alone = [
            dict(
                VerdictOutputSerializer(
                    row, context={"request": None, "published_only": published_only}
                ).data
            )
            for row in models
        ]
    assert len(from_tuples) == 4
    assert from_tuples == from_models
    assert [list(row) for row in from_tuples] == [list(row) for row in from_models]
    # The one-verdict serializer agrees too (its URLs are relative without a request).
    for row in (*from_tuples, *alone):
        row.pop("self_url"), row.pop("claimreview_url")
    assert from_tuples == alone
    stamps = [row["created_at"] for row in from_tuples]
    assert all(stamp.endswith("Z") for stamp in stamps) == (zone == "UTC")


def test_the_list_builds_no_verdict_instances(verdicts: None, monkeypatch: Any) -> None:
    built: list[Any] = []
    original = Verdict.from_db

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(Verdict, "from_db", counting)
    client = token_api_client(ReviewerFactory())
    response = client.get("/api/v1/verdicts/", {"page_size": 3})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3
    assert built == []
    second = client.get(response.json()["next"])
    assert len(second.json()["results"]) == 1
