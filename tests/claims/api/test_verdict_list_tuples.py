"""GET /api/v1/verdicts/ reads its rows as named tuples (``selectors.verdict_api_tuples``), not
model instances; a page built from them must say exactly what it says of the same verdicts
loaded as models, for the desk and for partners, in any time zone."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
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


# --- PostgreSQL: time stamps written by the database ---------------------------------------


@pytest.fixture
def postgres(require: Any) -> None:
    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")


@pytest.mark.parametrize("ordering", ["updated_at", "-created_at", "id"])
@pytest.mark.parametrize("published_only", [False, True])
def test_stamps_written_by_the_database_say_what_drf_writes(
    verdicts: None, postgres: None, ordering: str, published_only: bool
) -> None:
    filters = selectors.VerdictApiFilters(published_only=False)
    field = ordering.lstrip("-")
    models = list(selectors.verdict_api_rows(filters=filters).order_by(ordering, "id"))
    written = list(
        selectors.verdict_api_tuples(filters=filters, iso_utc_except=field).order_by(ordering, "id")
    )
    # The page's cursor reads the ordering field as a datetime, as from a model.
    assert [getattr(row, field) for row in written] == [getattr(row, field) for row in models]
    assert not hasattr(written[0], "published_at" if field != "published_at" else "created_at")
    with timezone.override("UTC"):
        assert _page(written, published_only) == _page(models, published_only)


def _list(client: Any, **params: Any) -> tuple[dict[str, Any], list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/verdicts/", {"page_size": 3, **params})
    assert response.status_code == 200
    return response.json(), [q["sql"] for q in queries.captured_queries]


def test_the_list_has_the_database_write_its_stamps_in_utc_only(
    verdicts: None, postgres: None
) -> None:
    client = token_api_client(ReviewerFactory())
    page, sql = _list(client)
    assert any("to_char" in q for q in sql)
    assert page["results"][0]["created_at"].endswith("Z")
    with timezone.override("Asia/Kolkata"):
        local, local_sql = _list(client)
    assert not any("to_char" in q for q in local_sql)
    assert local["results"][0]["created_at"].endswith("+05:30")
    assert [r["id"] for r in local["results"]] == [r["id"] for r in page["results"]]
    # Either way the next page follows on from the same cursor.
    assert local["next_cursor"] == page["next_cursor"]
    rest, _ = _list(client, cursor=page["next_cursor"])
    assert len(rest["results"]) == 1
