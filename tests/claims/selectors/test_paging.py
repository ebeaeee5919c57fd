import re

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


# --- Keyset links ---------------------------------------------------------------------------


def _queue(**filters):
    return selectors.claim_queue(filters=selectors.QueueFilters(**filters))


def _walk(paginator, *, going="after", start=None):
    """Every page from ``start`` (the first page when None), following the pager's cursors."""
    page = start or paginator.page_for({})
    pages = [[row.pk for row in page.object_list]]
    while True:
        cursor = page.next_cursor if going == "after" else page.previous_cursor
        if not cursor:
            return pages
        page = paginator.page_for({going: cursor, "page": page.number + 1})
        pages.append([row.pk for row in page.object_list])


def _tied_claims():
    """Claims whose sort keys tie on priority and score, so pages cut through the ties."""
    return [
        ClaimFactory(score=score, priority=priority)
        for priority, score in [
            (1, 0.5),
            (0, 0.9),
            (0, 0.9),
            (0, 0.9),
            (0, 0.7),
            (0, 0.7),
            (0, 0.2),
        ]
    ]


def test_following_the_next_links_shows_every_row_once_in_the_queue_order():
    _tied_claims()
    expected = list(_queue().values_list("pk", flat=True))

    pages = _walk(selectors.BoundedPaginator(_queue(), 2))

    assert [pk for page in pages for pk in page] == expected
    assert [len(page) for page in pages] == [2, 2, 2, 1]


def test_the_previous_links_lead_back_through_the_same_pages():
    _tied_claims()
    paginator = selectors.BoundedPaginator(_queue(), 2)
    forward = _walk(paginator)
    last = paginator.page_for({"after": paginator.page_for({}).next_cursor})
    while last.has_next():
        last = paginator.page_for({"after": last.next_cursor})

    backward = _walk(paginator, going="before", start=last)

    assert backward == forward[::-1]
    assert not paginator.page_for({"before": paginator.get_page(2).previous_cursor}).has_previous()


def test_the_newest_first_order_and_my_work_page_by_their_own_keys(reviewer):
    _tied_claims()
    VerdictFactory.create_batch(5, reviewer=reviewer)
    newest = _queue(order="newest")
    mine = selectors.verdict_list(reviewer=reviewer)

    for queryset in (newest, mine):
        pages = _walk(selectors.BoundedPaginator(queryset, 2))
        assert [pk for page in pages for pk in page] == list(queryset.values_list("pk", flat=True))


def test_pages_neither_skip_nor_repeat_rows_while_claims_change():
    claims = [ClaimFactory(score=s / 10) for s in range(9, 0, -1)]  # already in queue order
    paginator = selectors.BoundedPaginator(_queue(), 3)
    first = paginator.page_for({})
    # Meanwhile: a new claim lands at the top, one shown is closed, one still to come too.
    ClaimFactory(score=0.99)
    claims[0].status = claims[5].status = Claim.Status.DISMISSED
    claims[0].save()
    claims[5].save()

    second = paginator.page_for({"after": first.next_cursor, "page": 2})
    third = paginator.page_for({"after": second.next_cursor, "page": 3})

    assert [c.pk for c in first.object_list] == [c.pk for c in claims[:3]]
    # By number, page 2 would now start with claims[2] (shown already) and skip nothing new.
    assert [c.pk for c in second.object_list] == [claims[3].pk, claims[4].pk, claims[6].pk]
    assert [c.pk for c in third.object_list] == [claims[7].pk, claims[8].pk]
    assert not third.has_next() and third.number == 3


def test_a_cursor_past_which_nothing_is_left_gives_the_first_page():
    claims = [ClaimFactory(score=s / 10) for s in (9, 8, 7)]
    paginator = selectors.BoundedPaginator(_queue(), 2)
    cursor = paginator.page_for({}).next_cursor
    Claim.objects.filter(pk=claims[2].pk).update(status=Claim.Status.DISMISSED)

    page = paginator.page_for({"after": cursor, "page": 2})

    assert page.number == 1 and [c.pk for c in page.object_list] == [c.pk for c in claims[:2]]


@pytest.mark.parametrize(
    "cursor",
    ["nonsense", "W10", "WzEsMl0", "WyJ4IiwieSIsInoiXQ", "WzAsbnVsbCwxXQ"],
    ids=["not base64 json", "empty list", "too few keys", "not numbers", "a null"],
)
def test_a_cursor_this_list_did_not_make_is_refused(cursor):
    with pytest.raises(selectors.InvalidCursor):
        selectors.BoundedPaginator(_queue(), 2).page_for({"after": cursor})


def test_a_forged_page_link_is_a_400_that_names_the_parameter(client, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("claims:queue"), {"after": "nonsense"})
    assert response.status_code == 400 and b"after/before" in response.content


def _next_link(html):
    match = re.search(r'<a rel="next" href="\?([^"]+)"', html)
    assert match, "no next link"
    return match[1].replace("&amp;", "&")


@pytest.mark.parametrize("url", [reverse("claims:queue"), reverse("claims:my-work")])
def test_deep_pages_read_no_offset_rows_and_no_more_queries(client, reviewer, url, settings):
    settings.FACTCHECK_QUEUE_PAGE_SIZE = 2
    client.force_login(reviewer)
    ClaimFactory.create_batch(12)
    VerdictFactory.create_batch(110, reviewer=reviewer)  # my work shows 50 a page
    html = client.get(url).content.decode()
    counts = []
    for _ in range(2):  # pages 2 and 3
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(f"{url}?{_next_link(html)}").content.decode()
        counts.append(len(ctx.captured_queries))
        assert not any("OFFSET" in q["sql"] for q in ctx.captured_queries)
    assert counts[0] == counts[1]


def test_the_pager_links_keep_the_filters(client, reviewer, settings):
    settings.FACTCHECK_QUEUE_PAGE_SIZE = 2
    client.force_login(reviewer)
    ClaimFactory.create_batch(5, kind=Claim.Kind.QUANTITY)
    ClaimFactory.create_batch(3, kind=Claim.Kind.EVENT)

    link = _next_link(client.get(reverse("claims:queue"), {"kind": "quantity"}).content.decode())
    second = client.get(f"{reverse('claims:queue')}?{link}")

    assert "kind=quantity" in link and "after=" in link and "page=2" in link
    assert [c.kind for c in second.context["page"].object_list] == ["quantity", "quantity"]
    assert second.context["page"].number == 2
    assert 'rel="prev" href="?kind=quantity"' in second.content.decode()


def test_an_ordering_on_the_id_alone_pages_by_it_too():
    claims = ClaimFactory.create_batch(5)
    pages = _walk(selectors.BoundedPaginator(Claim.objects.order_by("-id"), 2))
    assert [pk for page in pages for pk in page] == [c.pk for c in reversed(claims)]


def test_a_claim_judged_between_reading_the_ids_and_the_rows_is_left_out_not_an_error(
    monkeypatch,
):
    claims = ClaimFactory.create_batch(3)
    paginator = selectors.BoundedPaginator(
        Claim.objects.filter(status=Claim.Status.NEW).order_by("id"), 10
    )
    read_rows = paginator._rows

    def judged_meanwhile(ids):
        # Another reviewer's verdict lands after this page read its ids (seen as a 500 under load).
        Claim.objects.filter(pk=ids[0]).update(status=Claim.Status.VERDICT)
        return read_rows(ids)

    monkeypatch.setattr(paginator, "_rows", judged_meanwhile)
    assert [c.pk for c in paginator.page(1).object_list] == [claims[1].pk, claims[2].pk]
