"""The reviewer dashboard's pages: permissions, queue filters, leases, claim page, my work,
second review, stats and the article status line."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from claims import services
from claims.models import Article, AuditEvent, Claim, Rating, Verdict, VerdictReview
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    ReviewerFactory,
    UserFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def editor():
    return EditorFactory()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def _ids(response):
    return [c.pk for c in response.context["page"].object_list]


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Permissions -----------------------------------------------------------------------------

GET_PAGES = [
    ("claims:queue", []),
    ("claims:my-work", []),
    ("claims:reviews", []),
    ("claims:stats", []),
    ("claims:claim", ["claim"]),
    ("claims:article", ["article"]),
    ("claims:article-status", ["article"]),
]
POST_ACTIONS = [
    ("claims:claim-next", []),
    ("claims:claim-take", ["claim"]),
    ("claims:claim-renew", ["claim"]),
    ("claims:claim-skip", ["claim"]),
    ("claims:claim-release", ["claim"]),
    ("claims:claim-assign", ["claim"]),
    ("claims:claim-priority", ["claim"]),
    ("claims:verdict-review", ["verdict"]),
    ("claims:verdict-settle", ["verdict"]),
]


def _url(name, args):
    verdict = VerdictFactory()
    objects = {
        "claim": verdict.claim.pk,
        "article": verdict.claim.article_id,
        "verdict": verdict.pk,
    }
    return reverse(name, args=[objects[a] for a in args])


@pytest.mark.parametrize(("name", "args"), GET_PAGES + POST_ACTIONS)
def test_anonymous_visitors_are_sent_to_log_in_from_every_page(client, name, args):
    url = _url(name, args)
    response = client.post(url) if (name, args) in POST_ACTIONS else client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("name", "args"), GET_PAGES)
def test_a_user_without_a_role_is_refused_every_page(client, name, args):
    client.force_login(UserFactory())
    assert client.get(_url(name, args)).status_code == 403


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("claims:stats", []),
        ("claims:claim-assign", ["claim"]),
        ("claims:claim-unassign", ["claim"]),
        ("claims:claim-priority", ["claim"]),
        ("claims:verdict-settle", ["verdict"]),
    ],
)
def test_a_reviewer_cannot_use_editor_pages(reviewer_client, name, args):
    url = _url(name, args)
    response = reviewer_client.get(url) if name == "claims:stats" else reviewer_client.post(url)
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action__in=["assign", "priority", "publish"]).exists()


def test_actions_that_change_things_refuse_get(reviewer_client):
    assert reviewer_client.get(reverse("claims:claim-next")).status_code == 405


def test_the_navigation_shows_stats_to_editors_only(reviewer_client, client):
    stats = reverse("claims:stats")
    assert stats not in reviewer_client.get(reverse("claims:queue")).content.decode()
    client.force_login(EditorFactory())
    assert stats in client.get(reverse("claims:queue")).content.decode()


# --- Queue -----------------------------------------------------------------------------------


def test_the_queue_hides_not_checkable_and_duplicate_claims_until_asked(reviewer_client):
    shown = ClaimFactory()
    original = ClaimFactory()
    ClaimFactory(kind=Claim.Kind.NOT_CHECKABLE)
    ClaimFactory(status=Claim.Status.DUPLICATE, duplicate_of=original)
    response = reviewer_client.get(reverse("claims:queue"))
    assert set(_ids(response)) == {shown.pk, original.pk}
    assert "show them" in response.content.decode()
    assert len(_ids(reviewer_client.get(reverse("claims:queue"), {"all": "on"}))) == 4


def test_the_queue_orders_by_priority_then_score_or_newest(reviewer_client):
    urgent = ClaimFactory(score=0.1, priority=10)
    low = ClaimFactory(score=0.2)
    high = ClaimFactory(score=0.9)
    assert _ids(reviewer_client.get(reverse("claims:queue"))) == [urgent.pk, high.pk, low.pk]
    newest = reviewer_client.get(reverse("claims:queue"), {"order": "newest"})
    assert _ids(newest) == [high.pk, low.pk, urgent.pk]


def test_the_queue_filters_by_outlet_score_verdict_and_assignee(reviewer_client, reviewer):
    gazette = ClaimFactory(score=0.9, article=ArticleFactory(source="Gazette"))
    herald = ClaimFactory(score=0.5, article=ArticleFactory(source="Herald"))
    judged = ClaimFactory(score=0.7, status=Claim.Status.VERDICT)
    VerdictFactory(claim=judged)
    mine = ClaimFactory(score=0.3, assignee=reviewer)
    url = reverse("claims:queue")
    assert _ids(reviewer_client.get(url, {"source": "Herald"})) == [herald.pk]
    assert _ids(reviewer_client.get(url, {"score_min": "0.4", "score_max": "0.8"})) == [herald.pk]
    assert _ids(reviewer_client.get(url, {"has_verdict": "yes", "all": "on"})) == [judged.pk]
    assert judged.pk not in _ids(reviewer_client.get(url, {"has_verdict": "no", "all": "on"}))
    assert _ids(reviewer_client.get(url, {"assignee": "me"})) == [mine.pk]
    assert _ids(reviewer_client.get(url, {"assignee": "none"})) == [gazette.pk, herald.pk]


def test_the_queue_filters_by_the_date_a_claim_was_found(reviewer_client):
    old = ClaimFactory()
    Claim.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    new = ClaimFactory()
    today = timezone.localdate().isoformat()
    url = reverse("claims:queue")
    assert _ids(reviewer_client.get(url, {"created_from": today})) == [new.pk]
    assert _ids(reviewer_client.get(url, {"created_to": "2000-01-01"})) == []


def test_the_queue_search_needs_every_word_in_the_claim_or_its_sentence(reviewer_client):
    claim = ClaimFactory(text="Council approved bus lines", sentence="The mayor said so on Monday.")
    ClaimFactory(text="Council approved tram lines", sentence="Nobody said when.")
    url = reverse("claims:queue")
    assert _ids(reviewer_client.get(url, {"q": "bus mayor"})) == [claim.pk]
    assert len(_ids(reviewer_client.get(url, {"q": "council"}))) == 2
    assert _ids(reviewer_client.get(url, {"q": "%"})) == []


def test_the_queue_drops_malformed_filters_instead_of_failing(reviewer_client):
    ClaimFactory()
    response = reviewer_client.get(
        reverse("claims:queue"),
        {"score_min": "lots", "created_from": "yesterday", "status": "bogus", "assignee": "x"},
    )
    assert response.status_code == 200
    assert len(_ids(response)) == 1


def test_the_queue_counts_claims_per_status_under_the_other_filters(reviewer_client):
    herald = ArticleFactory(source="Herald")
    ClaimFactory.create_batch(2, article=herald)
    ClaimFactory(article=herald, status=Claim.Status.DISMISSED)
    ClaimFactory(article=ArticleFactory(source="Gazette"))
    counts = reviewer_client.get(reverse("claims:queue"), {"source": "Herald"}).context["counts"]
    assert (counts["new"], counts["dismissed"], counts["verdict"]) == (2, 1, 0)


def test_the_queue_pages_by_the_configured_size(reviewer_client, settings):
    settings.FACTCHECK_QUEUE_PAGE_SIZE = 2
    ClaimFactory.create_batch(5)
    response = reviewer_client.get(reverse("claims:queue"), {"page": "3"})
    assert response.context["page"].paginator.num_pages == 3
    assert len(_ids(response)) == 1


# --- Next claim, leases, skip ----------------------------------------------------------------


def test_next_claim_leases_the_best_free_claim_and_opens_it(reviewer_client, reviewer):
    ClaimFactory(score=0.4)
    best = ClaimFactory(score=0.9)
    response = reviewer_client.post(reverse("claims:claim-next"))
    assert response.url == reverse("claims:claim", args=[best.pk])
    best.refresh_from_db()
    assert best.assignee == reviewer and best.lease_expires_at > timezone.now()
    page = reviewer_client.get(response.url).content.decode()
    assert "You hold this claim" in page
    assert reverse("claims:claim-renew", args=[best.pk]) in page


def test_two_reviewers_asking_for_the_next_claim_get_different_ones(client, reviewer):
    ClaimFactory.create_batch(2)
    first, second = ReviewerFactory(), ReviewerFactory()
    client.force_login(first)
    a = client.post(reverse("claims:claim-next")).url
    client.force_login(second)
    b = client.post(reverse("claims:claim-next")).url
    assert a != b and "/claims/" in a and "/claims/" in b


def test_next_claim_on_an_empty_queue_says_so(reviewer_client):
    response = reviewer_client.post(reverse("claims:claim-next"))
    assert response.url == reverse("claims:queue")
    assert any("queue is empty" in m for m in _messages(response))


def test_skipping_returns_the_claim_and_opens_another(reviewer_client, reviewer):
    first = ClaimFactory(score=0.9)
    second = ClaimFactory(score=0.5)
    reviewer_client.post(reverse("claims:claim-next"))
    response = reviewer_client.post(reverse("claims:claim-skip", args=[first.pk]))
    assert response.url == reverse("claims:claim", args=[second.pk])
    first.refresh_from_db()
    assert first.assignee is None and first.status == Claim.Status.NEW
    assert AuditEvent.objects.filter(action="skip", claim=first, actor=reviewer).exists()
    # With everything skipped, the round starts over instead of reporting an empty queue.
    again = reviewer_client.post(reverse("claims:claim-skip", args=[second.pk]))
    assert again.url == reverse("claims:claim", args=[first.pk])


def test_the_lease_is_renewed_for_its_holder_only(reviewer_client, reviewer, client):
    claim = ClaimFactory()
    services.claim_lease_next(reviewer=reviewer)
    response = reviewer_client.post(reverse("claims:claim-renew", args=[claim.pk]))
    assert response.status_code == 200 and response.json()["held"] is True
    client.force_login(ReviewerFactory())
    assert client.post(reverse("claims:claim-renew", args=[claim.pk])).status_code == 409


def test_a_claim_someone_else_holds_shows_who_and_offers_no_verdict_form(reviewer_client):
    holder = ReviewerFactory(username="alice")
    claim = ClaimFactory()
    services.claim_lease_next(reviewer=holder)
    page = reviewer_client.get(reverse("claims:claim", args=[claim.pk])).content.decode()
    assert "alice is reviewing this claim" in page
    assert 'id="verdict-form"' not in page
    response = reviewer_client.post(
        reverse("claims:claim", args=[claim.pk]), {"rating": "true", "explanation": "Sure."}
    )
    assert "being reviewed by alice" in response.content.decode()
    assert response.context["form"].non_field_errors()
    assert not Verdict.objects.exists()


def test_taking_a_claim_from_its_page_leases_it(reviewer_client, reviewer):
    claim = ClaimFactory()
    response = reviewer_client.post(reverse("claims:claim-take", args=[claim.pk]))
    assert response.url == reverse("claims:claim", args=[claim.pk])
    claim.refresh_from_db()
    assert claim.assignee == reviewer and claim.status == Claim.Status.IN_REVIEW


def test_dismissing_from_the_claim_page_opens_the_next_claim(reviewer_client):
    first = ClaimFactory(score=0.9)
    second = ClaimFactory(score=0.5)
    response = reviewer_client.post(reverse("claims:claim-dismiss", args=[first.pk]))
    assert response.url == reverse("claims:claim", args=[second.pk])
    assert Claim.objects.get(pk=first.pk).status == Claim.Status.DISMISSED


def test_dismissing_a_claim_with_a_published_verdict_is_refused_with_the_reason(reviewer_client):
    claim = ClaimFactory()
    verdict = services.verdict_set(
        claim_id=claim.pk, reviewer=ReviewerFactory(), rating=Rating.FALSE, explanation="Minutes."
    )
    assert verdict.is_published
    response = reviewer_client.post(reverse("claims:claim-dismiss", args=[claim.pk]), follow=True)
    assert response.redirect_chain == [(reverse("claims:claim", args=[claim.pk]), 302)]
    assert (
        f"Claim #{claim.pk} already has a verdict: only open or duplicate claims can be dismissed."
        in response.content.decode()
    )
    claim.refresh_from_db()
    assert claim.status == Claim.Status.VERDICT
    assert not AuditEvent.objects.filter(action="dismiss").exists()
    # Its verdict still goes out, and the claim still says why.
    assert Verdict.objects.get(claim=claim).is_published


def test_dismissing_a_claim_that_does_not_exist_is_a_404(reviewer_client):
    response = reviewer_client.post(reverse("claims:claim-dismiss", args=[987654]))
    assert response.status_code == 404


# --- Claim page and verdicts -----------------------------------------------------------------


def test_the_claim_page_shows_facts_duplicates_earlier_verdicts_and_history(reviewer_client):
    original = ClaimFactory(
        speaker="Jane Doe",
        quantities=[{"text": "12 lines", "value": 12, "unit": "line", "qualifier": ""}],
        entities=[{"text": "Springfield", "label": "GPE"}],
    )
    restated = ClaimFactory(status=Claim.Status.DUPLICATE, duplicate_of=original)
    VerdictFactory(
        claim=restated, rating=Rating.MIXED, reviewer=ReviewerFactory(username="bob"),
        published_at=timezone.now(),
    )  # fmt: skip
    page = reviewer_client.get(reverse("claims:claim", args=[original.pk])).content.decode()
    assert "Jane Doe" in page and "12 lines" in page and "Springfield" in page
    assert "Restated by" in page and f"#{restated.pk}" in page
    assert "Already judged elsewhere" in page and "Mixed" in page and "bob" in page
    history = reviewer_client.get(reverse("claims:claim", args=[restated.pk])).content.decode()
    assert "by bob on" in history and "published" in history


def test_the_rating_radios_are_numbered_for_the_keyboard_and_labelled(reviewer_client):
    claim = ClaimFactory()
    page = reviewer_client.get(reverse("claims:claim", args=[claim.pk])).content.decode()
    for number, (value, _label) in enumerate(Rating.choices, start=1):
        assert f'<label class="rating rating-{value}" for="id_rating_{number - 1}">' in page
        assert f"<kbd>{number}</kbd>" in page
    assert '<label for="id_explanation">' in page


def test_saving_a_verdict_leases_and_opens_the_next_claim(reviewer_client, reviewer):
    claim = ClaimFactory(score=0.9)
    following = ClaimFactory(score=0.5)
    services.claim_lease_next(reviewer=reviewer)
    response = reviewer_client.post(
        reverse("claims:claim", args=[claim.pk]),
        {"rating": "mostly_true", "explanation": "Close enough.", "evidence_urls": ""},
    )
    assert response.url == reverse("claims:claim", args=[following.pk])
    following.refresh_from_db()
    assert following.assignee == reviewer and following.status == Claim.Status.IN_REVIEW
    claim.refresh_from_db()
    assert claim.status == Claim.Status.VERDICT and claim.assignee is None


def test_an_invalid_evidence_link_is_a_field_error(reviewer_client):
    claim = ClaimFactory()
    response = reviewer_client.post(
        reverse("claims:claim", args=[claim.pk]),
        {"rating": "true", "explanation": "x", "evidence_urls": "https://ok.example/a\nnot a link"},
    )
    assert response.context["form"].errors["evidence_urls"]
    assert not Verdict.objects.exists()


def test_more_evidence_links_than_a_verdict_keeps_is_a_field_error(reviewer_client):
    claim = ClaimFactory()
    links = "\n".join(f"https://example.org/{i}" for i in range(services.MAX_EVIDENCE_URLS + 1))
    response = reviewer_client.post(
        reverse("claims:claim", args=[claim.pk]),
        {"rating": "true", "explanation": "x", "evidence_urls": links},
    )
    assert response.context["form"].errors["evidence_urls"] == ["At most 20 evidence links."]
    assert not Verdict.objects.exists()


def test_an_editor_can_reassign_a_claim_and_change_its_priority(editor_client, editor, reviewer):
    claim = ClaimFactory()
    response = editor_client.post(
        reverse("claims:claim-assign", args=[claim.pk]), {"assignee": reviewer.pk}
    )
    assert response.status_code == 302
    editor_client.post(reverse("claims:claim-priority", args=[claim.pk]), {"direction": "up"})
    claim.refresh_from_db()
    assert claim.assignee == reviewer and claim.lease_expires_at is None
    assert claim.priority == 10
    assert AuditEvent.objects.filter(action="assign", actor=editor, claim=claim).exists()
    editor_client.post(reverse("claims:claim-unassign", args=[claim.pk]))
    assert Claim.objects.get(pk=claim.pk).assignee is None


def test_assigning_a_judged_claim_is_refused_with_the_reason(editor_client, reviewer):
    claim = ClaimFactory(status=Claim.Status.VERDICT)
    response = editor_client.post(
        reverse("claims:claim-assign", args=[claim.pk]), {"assignee": reviewer.pk}
    )
    assert _messages(response) == [
        f"Claim #{claim.pk} already has a verdict: only open claims can be assigned."
    ]
    assert Claim.objects.get(pk=claim.pk).assignee is None
    assert (
        editor_client.post(
            reverse("claims:claim-assign", args=[987654]), {"assignee": reviewer.pk}
        ).status_code
        == 404
    )


def test_the_claim_page_reads_the_claims_verdicts_once(reviewer_client, django_assert_num_queries):
    claim = ClaimFactory()
    VerdictFactory(claim=claim, is_current=False)
    VerdictFactory(claim=claim)
    # Session, user, permissions (2), the claim with its article and assignee, the claims
    # restating it, its neighbours (2), its verdicts, their reviews, verdicts on the same claim
    # elsewhere, its stored matches ("Checked before"), and its audit trail.
    with django_assert_num_queries(13) as captured:
        response = reviewer_client.get(reverse("claims:claim", args=[claim.pk]))
    assert response.status_code == 200
    verdict_reads = [q["sql"] for q in captured if 'FROM "claims_verdict"' in q["sql"]]
    # The history and the suggestions from elsewhere; no second read of the same verdicts.
    assert len(verdict_reads) == 2, verdict_reads


# --- Articles --------------------------------------------------------------------------------


def test_the_article_status_line_says_it_updates_itself_until_the_split_is_done(reviewer_client):
    article = ArticleFactory()
    page = reviewer_client.get(reverse("claims:article", args=[article.pk])).content.decode()
    assert reverse("claims:article-status", args=[article.pk]) in page
    status = reviewer_client.get(reverse("claims:article-status", args=[article.pk]))
    assert 'data-done="false"' in status.content.decode()
    assert "updates itself" in status.content.decode()


def test_a_failed_article_shows_its_reason_and_stops_polling(reviewer_client):
    article = ArticleFactory(status=Article.Status.FAILED, failure_reason="Too long a paragraph")
    page = reviewer_client.get(reverse("claims:article", args=[article.pk])).content.decode()
    assert "Too long a paragraph" in page
    assert "data-poll-url" not in page


def test_a_split_article_lists_its_claims(reviewer_client):
    claim = ClaimFactory()
    page = reviewer_client.get(reverse("claims:article", args=[claim.article_id])).content.decode()
    assert 'data-done="true"' in page
    assert reverse("claims:claim", args=[claim.pk]) in page


# --- My work ---------------------------------------------------------------------------------


def test_my_work_lists_my_claims_and_verdicts_but_not_others(reviewer_client, reviewer):
    held = ClaimFactory(text="Claim I hold")
    services.claim_lease_take(claim_id=held.pk, reviewer=reviewer)
    VerdictFactory(reviewer=reviewer, explanation="mine", claim__text="Claim I judged")
    VerdictFactory(claim__text="Someone else's claim")
    response = reviewer_client.get(reverse("claims:my-work"), {"who": "all"})
    page = response.content.decode()
    assert "Claim I hold" in page and "Claim I judged" in page
    assert "Someone else" not in page
    assert response.context["page"].paginator.count == 1


def test_editors_see_everyones_work(editor_client, reviewer):
    VerdictFactory(reviewer=reviewer, claim__text="Reviewer's claim")
    page = editor_client.get(reverse("claims:my-work"), {"who": "all"}).content.decode()
    assert "Reviewer&#x27;s claim" in page and "Everyone" in page
    one = editor_client.get(reverse("claims:my-work"), {"who": str(reviewer.pk)})
    assert one.context["subject"] == reviewer


# --- Second review ---------------------------------------------------------------------------


def test_second_review_from_verdict_to_dispute_to_settlement(client, reviewer, settings):
    settings.FACTCHECK_REQUIRE_SECOND_REVIEW = True
    first, second = ClaimFactory(), ClaimFactory()
    a = services.verdict_set(
        claim_id=first.pk, reviewer=reviewer, rating=Rating.FALSE, explanation="No."
    )
    b = services.verdict_set(
        claim_id=second.pk, reviewer=reviewer, rating=Rating.TRUE, explanation="Yes."
    )
    checker = ReviewerFactory()
    client.force_login(checker)
    page = client.get(reverse("claims:reviews"))
    assert [v.pk for v in page.context["awaiting"]] == [a.pk, b.pk]
    client.post(reverse("claims:verdict-review", args=[a.pk]), {"agrees": "yes"})
    client.post(
        reverse("claims:verdict-review", args=[b.pk]),
        {"agrees": "no", "rating": "mixed", "note": "Only half of it."},
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.published_at is not None and b.published_at is None
    assert client.get(reverse("claims:reviews")).context["awaiting"] == []

    editor = EditorFactory()
    client.force_login(editor)
    page = client.get(reverse("claims:reviews"))
    assert [v.pk for v in page.context["disputed"]] == [b.pk]
    assert "Only half of it." in page.content.decode()
    client.post(reverse("claims:verdict-settle", args=[b.pk]), {"rating": "mixed"})
    settled = Verdict.objects.get(claim=second, is_current=True)
    assert settled.rating == "mixed" and settled.reviewer == editor
    assert settled.published_at is not None
    assert VerdictReview.objects.count() == 2
    assert client.get(reverse("claims:reviews")).context["disputed"] == []


def test_a_reviewer_sees_no_disputes_and_cannot_review_their_own_verdict(
    reviewer_client, reviewer, settings
):
    settings.FACTCHECK_REQUIRE_SECOND_REVIEW = True
    claim = ClaimFactory()
    own = services.verdict_set(
        claim_id=claim.pk, reviewer=reviewer, rating=Rating.FALSE, explanation="No."
    )
    page = reviewer_client.get(reverse("claims:reviews"))
    assert page.context["awaiting"] == [] and page.context["disputed"] == []
    response = reviewer_client.post(
        reverse("claims:verdict-review", args=[own.pk]), {"agrees": "yes"}
    )
    assert any("someone else" in m for m in _messages(response))
    own.refresh_from_db()
    assert own.published_at is None


# --- Stats -----------------------------------------------------------------------------------


def test_the_stats_page_draws_its_charts_as_inline_svg(editor_client):
    VerdictFactory(rating=Rating.FALSE)
    ClaimFactory.create_batch(2)
    page = editor_client.get(reverse("claims:stats")).content.decode()
    assert page.count("<svg") == 5
    assert "Claims by status" in page and "Verdicts per reviewer" in page
    assert 'aria-label="Current verdicts by rating: True 0, Mostly true 0' in page
    assert "False 1" in page
