"""The queue's rows written in Python (``page_parts.queue_rows``) are the rows the queue's
template wrote: same markup, same escaping, same filters."""

import pytest
from django.template import engines
from django.template.defaultfilters import truncatechars

from claims import page_parts, selectors
from claims.models import Claim
from tests.factories import ArticleFactory, ClaimFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

# The row loop as templates/claims/queue.html had it before the rows moved to page_parts.
TEMPLATE_ROWS = """{% load claims_extras %}{% for claim in page.object_list %}
    <tr data-row>
      <td class="score">{{ claim.score|floatformat:2 }}{% if claim.priority %} <span class="priority" title="Priority {{ claim.priority }}">{% if claim.priority > 0 %}▲{% else %}▼{% endif %}</span>{% endif %}</td>
      <td class="claim-cell"><a href="{{ claim.pk|path_of:"claims:claim" }}" data-row-link>{{ claim.text }}</a></td>
      <td class="col-kind"><span class="kind kind-{{ claim.kind }}">{{ kind_labels|get_item:claim.kind }}</span></td>
      <td class="col-speaker">{{ claim.speaker }}</td>
      <td class="col-article"><a href="{{ claim.article_id|path_of:"claims:article" }}">{{ claim.article.title|truncatechars:50 }}</a>{% if claim.article.source %}<small>{{ claim.article.source }}</small>{% endif %}</td>
      <td><span class="badge status-{{ claim.status }}">{{ status_labels|get_item:claim.status }}</span>{% if claim.assignee %}<small>{{ claim.assignee }}</small>{% endif %}</td>
    </tr>
  {% endfor %}"""  # noqa: E501


def test_the_queue_rows_are_what_the_row_template_rendered():
    tricky = ArticleFactory(
        title='Budget <script>alert("x")</script> & a title well over fifty characters long',
        source="O'Reilly & <Sons>",
    )
    ClaimFactory(
        article=tricky, text='Taxes "rose" by <b>12%</b> & more', speaker="Ann & 'Bo'", score=0.125
    )
    ClaimFactory(article=ArticleFactory(source=""), priority=20, score=0.995)
    ClaimFactory(priority=-10, score=0.0, kind=Claim.Kind.ATTRIBUTION)
    held = ClaimFactory(
        assignee=ReviewerFactory(username="<eve>"), status=Claim.Status.IN_REVIEW, score=0.5049
    )
    claims = list(selectors.claim_queue(filters=selectors.QueueFilters(show_hidden=True)))
    assert held in claims and len(claims) == 4
    expected = (
        engines["django"]
        .from_string(TEMPLATE_ROWS)
        .render(
            {
                "page": {"object_list": claims},
                "kind_labels": dict(Claim.Kind.choices),
                "status_labels": dict(Claim.Status.choices),
            }
        )
    )
    rows = page_parts.queue_rows(claims)
    assert rows == expected
    assert "&lt;script&gt;" in rows and "<script>" not in rows and "&lt;eve&gt;" in rows


def test_the_queue_page_shows_its_rows(client, reviewer):
    claim = ClaimFactory(text="Inflation <fell> to 2%")
    client.force_login(reviewer)
    page = client.get("/").content.decode()
    assert f'<a href="/claims/{claim.pk}/" data-row-link>Inflation &lt;fell&gt; to 2%</a>' in page


@pytest.mark.parametrize(
    "title",
    [
        "",
        "x" * 49,
        "x" * 50,
        "x" * 51,
        "Cafe\u0301 prices",  # not NFC: the filter returns it composed
        "e\u0301" * 50,  # 100 code points, 50 characters once composed
        "a" * 48 + "\u0301\u0301\u0301" + "bcd",  # combining marks across the limit
        "Budget <b>cuts</b> & a title well over fifty characters long, with more",
    ],
)
def test_a_queue_title_is_what_the_truncatechars_filter_gives(title):
    assert page_parts._title_text(title) == truncatechars(title, 50)
