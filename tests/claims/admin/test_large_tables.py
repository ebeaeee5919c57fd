"""The claim changelist at scale: constant queries, no exact COUNT of big tables, cheap dates."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import selectors
from claims.models import Article, AuditEvent, Claim
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    UserFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db
CLAIMS = "/admin/claims/claim/"
FILTERS = [
    {},
    {"status__exact": "new", "kind__exact": "quantity"},
    {"score": "high", "verdict": "no", "source": "Test Gazette"},
    {"assignee": "none"},
    {"q": "council"},
    {"created_at__year": "2024"},
]


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("boss", "b@example.org", "x"))
    return client


def make_claims(n: int) -> None:
    editor = EditorFactory(is_staff=True)
    for i in range(n):
        # Each row with its own article and assignee: a lazy foreign key would cost a query each.
        ClaimFactory(assignee=editor if i % 2 else UserFactory(), priority=i % 3)


def queries_for(client, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(CLAIMS, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("params", FILTERS, ids=lambda p: ",".join(p) or "unfiltered")
def test_the_changelist_query_count_does_not_grow_with_the_rows_shown(admin_client, params):
    make_claims(5)
    few = queries_for(admin_client, params)
    make_claims(45)
    many = queries_for(admin_client, params)
    assert many == few
    assert few <= 15


def test_the_date_drill_down_never_lists_distinct_dates(admin_client):
    ClaimFactory()
    with CaptureQueriesContext(connection) as ctx:
        response = admin_client.get(CLAIMS)
    on_dates = [q["sql"] for q in ctx.captured_queries if '"claims_claim"."created_at"' in q["sql"]]
    assert on_dates and not any("DISTINCT" in sql.upper() for sql in on_dates)
    assert response.context["date_hierarchy_links"]["show"] is True


def test_the_date_drill_down_offers_each_year_between_the_first_and_last_claim(admin_client):
    old, new = ClaimFactory(), ClaimFactory()
    Claim.objects.filter(pk=old.pk).update(created_at=datetime(2022, 3, 1, tzinfo=UTC))
    Claim.objects.filter(pk=new.pk).update(created_at=datetime(2024, 5, 1, tzinfo=UTC))
    links = admin_client.get(CLAIMS).context["date_hierarchy_links"]
    assert [c["title"] for c in links["choices"]] == ["2022", "2023", "2024"]

    year = admin_client.get(CLAIMS, {"created_at__year": "2024"}).context["date_hierarchy_links"]
    assert [c["title"] for c in year["choices"]] == ["May 2024"]
    month = admin_client.get(CLAIMS, {"created_at__year": "2024", "created_at__month": "5"})
    assert [c["title"] for c in month.context["date_hierarchy_links"]["choices"]] == ["May 1"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"score": "high"}, {"high"}),
        ({"score": "low"}, {"low"}),
        ({"verdict": "yes"}, {"judged"}),
        ({"assignee": "me"}, {"mine"}),
        ({"source": "Elsewhere"}, {"elsewhere"}),
    ],
)
def test_each_filter_selects_its_claims(admin_client, params, expected):
    boss = get_user_model().objects.get(username="boss")
    named = {
        "high": ClaimFactory(score=0.9),
        "low": ClaimFactory(score=0.1),
        "judged": VerdictFactory(claim__score=0.5).claim,
        "mine": ClaimFactory(score=0.5, assignee=boss),
        "elsewhere": ClaimFactory(score=0.5, article=ArticleFactory(source="Elsewhere")),
    }
    shown = set(admin_client.get(CLAIMS, params).context["cl"].result_list)
    assert {name for name, claim in named.items() if claim in shown} == expected


def test_the_article_filter_searches_instead_of_listing_every_article(admin_client):
    article = ArticleFactory(status=Article.Status.SPLIT, title="Buses in Springfield")
    ClaimFactory(article=article)
    ClaimFactory()
    response = admin_client.get(CLAIMS, {"article": article.pk})
    assert [c.article_id for c in response.context["cl"].result_list] == [article.pk]
    page = response.content.decode()
    assert 'class="admin-autocomplete"' in page and "Buses in Springfield" in page


def test_a_hash_and_number_finds_a_claim_by_its_id(admin_client):
    claim, _ = ClaimFactory(), ClaimFactory()
    response = admin_client.get(CLAIMS, {"q": f"#{claim.pk}"})
    assert list(response.context["cl"].result_list) == [claim]


def test_the_audit_list_pages_without_counting_everything(admin_client):
    claim = ClaimFactory()
    for _ in range(3):
        AuditEvent.objects.create(action="change", claim=claim)
    response = admin_client.get("/admin/claims/auditevent/", {"claim__id__exact": claim.pk})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3


# --- PostgreSQL: estimates instead of full counts ----------------------------------------------


@pytest.fixture
def postgres(require):
    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")


def test_an_unfiltered_big_table_is_counted_from_the_planners_estimate(
    postgres, monkeypatch, admin_client
):
    ClaimFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
    monkeypatch.setattr("claims.selectors.admin.EXACT_COUNT_BELOW", 1)
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.queryset_count_fast(queryset=Claim.objects.all()) == 3
    assert not any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)


def test_a_slow_filtered_count_gives_way_to_an_estimate_and_restores_the_timeout(
    postgres, monkeypatch
):
    ClaimFactory.create_batch(3)
    monkeypatch.setattr("claims.selectors.admin.COUNT_TIMEOUT_MS", 1)
    slow = Claim.objects.extra(where=["pg_sleep(0.05) IS NOT NULL"])  # noqa: S610 - test only
    assert selectors.queryset_count_fast(queryset=slow) >= 1  # the estimate, not an error
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('statement_timeout')")
        assert cursor.fetchone()[0] == "0"
    assert Claim.objects.count() == 3  # the connection still works


def test_a_filtered_count_is_exact_when_it_is_quick(postgres):
    ClaimFactory.create_batch(2, status=Claim.Status.DISMISSED)
    ClaimFactory()
    dismissed = Claim.objects.filter(status=Claim.Status.DISMISSED)
    assert selectors.queryset_count_fast(queryset=dismissed) == 2


def test_old_claims_do_not_need_their_own_count(admin_client):
    ClaimFactory()
    Claim.objects.update(created_at=datetime.now(UTC) - timedelta(days=400))
    assert admin_client.get(CLAIMS).status_code == 200


@pytest.mark.parametrize("max_articles", [1000, 0], ids=["title-as-id-list", "title-as-join"])
def test_search_matches_every_word_in_text_sentence_or_article_title(
    admin_client, monkeypatch, max_articles
):
    monkeypatch.setattr("claims.selectors.admin.SEARCH_MAX_ARTICLES", max_articles)
    in_text = ClaimFactory(text="Bus fares rose by 12 percent", sentence="-")
    in_sentence = ClaimFactory(text="Fares rose", sentence="Bus fares rose, the mayor said.")
    in_title = ClaimFactory(
        text="Fares rose sharply", sentence="-", article=ArticleFactory(title="Bus network review")
    )
    ClaimFactory(text="Fares rose for trains", sentence="-")  # "fares" but no "bus"

    def found(q: str) -> set[Claim]:
        return set(admin_client.get(CLAIMS, {"q": q}).context["cl"].result_list)

    assert found("bus fares") == {in_text, in_sentence, in_title}
    assert found('"12 percent"') == {in_text}
