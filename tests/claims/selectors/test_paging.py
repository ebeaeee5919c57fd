import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims import selectors
from claims.models import Claim
from tests.factories import ClaimFactory, VerdictFactory

pytestmark = pytest.mark.django_db


def test_a_bounded_count_is_exact_up_to_the_cap_and_cap_plus_one_beyond():
    ClaimFactory.create_batch(4)
    assert selectors.queryset_count_bounded(queryset=Claim.objects.all(), cap=10) == 4
    assert selectors.queryset_count_bounded(queryset=Claim.objects.all(), cap=3) == 4


def test_past_the_cap_any_page_may_be_asked_for_and_the_count_reads_n_plus(monkeypatch):
    claims = ClaimFactory.create_batch(5)
    paginator = selectors.BoundedPaginator(Claim.objects.order_by("id"), 2)
    monkeypatch.setattr(paginator, "cap", 3)

    third = paginator.get_page(3)
    past_the_end = paginator.get_page(9)

    assert paginator.count_capped and paginator.count_label == "3+"
    assert [c.pk for c in third.object_list] == [claims[4].pk] and not third.has_next()
    assert list(past_the_end.object_list) == [] and past_the_end.number == 9


def test_below_the_cap_pages_keep_their_order_and_know_the_next_one():
    claims = ClaimFactory.create_batch(3)
    paginator = selectors.BoundedPaginator(Claim.objects.order_by("-id"), 2)
    first = paginator.get_page(1)
    assert [c.pk for c in first.object_list] == [claims[2].pk, claims[1].pk]
    assert first.has_next() and paginator.num_pages == 2 and paginator.count_label == "3"
    assert paginator.get_page(7).number == 2  # past the end: the last page, as Django does


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [reverse("claims:queue"), reverse("claims:my-work")])
def test_the_number_of_queries_does_not_grow_with_the_rows_shown(client, reviewer, url):
    client.force_login(reviewer)
    ClaimFactory()
    VerdictFactory(reviewer=reviewer)
    few = _queries(client, url)
    ClaimFactory.create_batch(15)
    VerdictFactory.create_batch(15, reviewer=reviewer)
    assert _queries(client, url) == few
