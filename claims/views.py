"""Server-rendered pages for reviewers: queue, next claim, claim with verdict form, articles and
ingest, my work, second review and stats. Views parse input, call one service or selector, render."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from claims import page_parts, selectors, services
from claims.forms import (
    ArticleIngestForm,
    AssignForm,
    VerdictForm,
    VerdictReviewForm,
    VerdictSettleForm,
)
from claims.models import Article, Claim, Rating, Verdict
from claims.review_posts import review_posted
from claims.roles import EDITOR_PERMISSION
from claims.text import id_from_text
from claims.views_matching import checked_before

# "Skip" sends a claim to the back of this reviewer's line for the rest of the session.
SKIPPED_SESSION_KEY = "claims_skipped"
MAX_SKIPPED = 50

View = Callable[..., HttpResponse]


def _requires(permission: str) -> Callable[[View], View]:
    """Login first (anonymous -> login page), then the permission (missing -> 403)."""

    def decorate(view: View) -> View:
        return login_required(permission_required(permission, raise_exception=True)(view))

    return decorate


def _claim_exists(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (Claim.DoesNotExist, Verdict.DoesNotExist):
            raise Http404("No such claim or verdict") from None

    return wrapped


def _is_editor(request: HttpRequest) -> bool:
    return request.user.has_perm(EDITOR_PERMISSION)


# --- Queue -----------------------------------------------------------------------------------


@_requires("claims.view_claim")
def queue(request: HttpRequest) -> HttpResponse:
    values, fields = page_parts.queue_filter_form(
        request.GET,
        sources=selectors.article_sources(),
        assignees=list(selectors.reviewer_list().values_list("pk", "username")),
    )
    filters = page_parts.queue_filters(values, user=request.user)
    if filters.q and len(filters.q.split()) > selectors.MAX_SEARCH_WORDS:
        messages.info(request, selectors.SEARCH_WORDS_CAPPED)
    paginator = selectors.BoundedPaginator(
        selectors.claim_queue(filters=filters), settings.FACTCHECK_QUEUE_PAGE_SIZE
    )
    paginator.cap = selectors.queue_count_cap(filters)
    try:
        page = paginator.page_for(request.GET)
    except selectors.InvalidCursor as exc:
        return _bad_page_link(exc)
    query = request.GET.copy()
    for name in ("page", "after", "before"):
        query.pop(name, None)
    return render(
        request,
        "claims/queue.html",
        {
            "page": page,
            "fields": fields,
            "filters": filters,
            "counts": selectors.claim_status_counts(filters=filters),
            "statuses": Claim.Status.choices,
            "rows": page_parts.queue_rows(page.object_list),
            "querystring": query.urlencode(),
            "status_querystring": _without(query, "status", "all"),
        },
    )


def _bad_page_link(exc: selectors.InvalidCursor) -> HttpResponse:
    return HttpResponseBadRequest(f"after/before: {exc} Go back to the first page.")


def _without(query: Any, *names: str) -> str:
    query = query.copy()
    for name in names:
        query.pop(name, None)
    return str(query.urlencode())


# --- Leases: next, take, renew, skip, release -------------------------------------------------


def _skipped(request: HttpRequest) -> list[int]:
    return [int(i) for i in request.session.get(SKIPPED_SESSION_KEY, [])]


def _open_next(request: HttpRequest) -> HttpResponse:
    claim = services.claim_lease_next(reviewer=request.user, exclude_ids=_skipped(request))
    if claim is None and _skipped(request):
        # Everything left was skipped: start over rather than claim the queue is empty.
        request.session[SKIPPED_SESSION_KEY] = []
        claim = services.claim_lease_next(reviewer=request.user)
    if claim is None:
        messages.info(request, "The queue is empty: nobody else's claim is left to check.")
        return redirect("claims:queue")
    return redirect("claims:claim", claim_id=claim.pk)


@_requires("claims.add_verdict")
@require_POST
def claim_next(request: HttpRequest) -> HttpResponse:
    return _open_next(request)


@_requires("claims.add_verdict")
@require_POST
@_claim_exists
def claim_take(request: HttpRequest, claim_id: int) -> HttpResponse:
    try:
        services.claim_lease_take(claim_id=claim_id, reviewer=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("claims:claim", claim_id=claim_id)


@_requires("claims.add_verdict")
@require_POST
def claim_renew(request: HttpRequest, claim_id: int) -> JsonResponse:
    expires = services.claim_lease_renew(claim_id=claim_id, reviewer=request.user)
    if expires is None:
        return JsonResponse({"held": False}, status=409)
    return JsonResponse({"held": True, "expires": expires.isoformat()})


@_requires("claims.add_verdict")
@require_POST
def claim_skip(request: HttpRequest, claim_id: int) -> HttpResponse:
    services.claim_release(claim_id=claim_id, user=request.user, skipped=True)
    skipped = [i for i in _skipped(request) if i != claim_id] + [claim_id]
    request.session[SKIPPED_SESSION_KEY] = skipped[-MAX_SKIPPED:]
    messages.info(request, f"Skipped claim #{claim_id}.")
    return _open_next(request)


@_requires("claims.add_verdict")
@require_POST
def claim_release(request: HttpRequest, claim_id: int) -> HttpResponse:
    if services.claim_release(claim_id=claim_id, user=request.user):
        messages.info(request, f"Claim #{claim_id} is back in the queue.")
    return redirect("claims:queue")


# --- Claim page and verdicts ------------------------------------------------------------------


@_requires("claims.view_claim")
@_claim_exists
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    form = VerdictForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("claims.add_verdict"):
            return HttpResponse("You may not give verdicts.", status=403)
        if form.is_valid():
            data = form.cleaned_data
            args = {
                "claim_id": claim_id,
                "reviewer": request.user,
                "rating": data["rating"],
                "explanation": data["explanation"],
                "evidence_urls": data["evidence_urls"],
            }
            try:
                if data["submission"]:
                    verdict, _ = services.verdict_set_once(key=f"form:{data['submission']}", **args)
                else:
                    verdict = services.verdict_set(**args)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                waiting = "" if verdict.published_at else " It awaits a second review."
                messages.success(
                    request,
                    f"Verdict “{verdict.get_rating_display()}” saved on claim #{claim_id}.{waiting}",
                )
                return _open_next(request)
    # Read only to show the page: a saved verdict goes straight on to the next claim. The lists
    # that the facts say are empty are not queried.
    facts = selectors.claim_page_facts(claim_id=claim_id)
    claim = selectors.claim_get(claim_id=claim_id)
    now = timezone.now()
    held_by_me = claim.assignee_id == request.user.pk and claim.is_open
    editor = _is_editor(request)
    verdicts = list(selectors.claim_verdict_history(claim=claim)) if facts.has_verdicts else []
    # A blind second reviewer must not see the verdict (nor the audit lines naming its rating).
    blind = not editor and selectors.claim_blind_review_hidden(verdicts=verdicts, user=request.user)
    return render(
        request,
        "claims/claim_detail.html",
        {
            "claim": claim,
            "blind": blind,
            "context": selectors.claim_context(claim=claim),
            "verdicts": [] if blind else verdicts,
            "duplicates": list(claim.duplicates.all()) if facts.has_duplicates else [],
            "suggestions": list(selectors.claim_matching_verdicts(claim=claim)[:5])
            if facts.has_suggestions
            else [],
            "checked_before": checked_before(claim) if facts.has_matches else [],
            "form": form,
            "verdict_fields": page_parts.verdict_fields(form),
            "audit": [] if blind else selectors.audit_for_claim(claim=claim)[:50],
            "held_by_me": held_by_me,
            "held_by_other": claim.held_by_other(request.user, now=now),
            "is_open": claim.is_open,
            "renew_every": max(5, settings.FACTCHECK_LEASE_SECONDS // 3),
            "previous_id": facts.previous_id,
            "next_id": facts.next_id,
            "is_editor": editor,
            "assign_form": AssignForm(reviewers=selectors.reviewer_list()) if editor else None,
        },
    )


@_requires("claims.change_claim")
@require_POST
@_claim_exists
def claim_dismiss(request: HttpRequest, claim_id: int) -> HttpResponse:
    try:
        services.claim_dismiss(claim_id=claim_id, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("claims:claim", claim_id=claim_id)
    messages.success(request, f"Claim #{claim_id} dismissed as not checkable.")
    return _open_next(request)


@_requires(EDITOR_PERMISSION)
@require_POST
@_claim_exists
def claim_assign(request: HttpRequest, claim_id: int) -> HttpResponse:
    form = AssignForm(request.POST, reviewers=selectors.reviewer_list())
    if not form.is_valid():
        messages.error(request, "Pick a reviewer or editor to assign the claim to.")
        return redirect("claims:claim", claim_id=claim_id)
    assignee = form.cleaned_data["assignee"]
    try:
        changed = services.claim_assign(claim_id=claim_id, assignee=assignee, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if changed:
            messages.success(request, f"Claim #{claim_id} assigned to {assignee}.")
        else:
            messages.info(request, f"Claim #{claim_id} is already assigned to {assignee}.")
    return redirect("claims:claim", claim_id=claim_id)


@_requires(EDITOR_PERMISSION)
@require_POST
def claim_unassign(request: HttpRequest, claim_id: int) -> HttpResponse:
    if services.claims_release_leases(claim_ids=[claim_id], by=request.user):
        messages.success(request, f"Claim #{claim_id} is back in the queue.")
    return redirect("claims:claim", claim_id=claim_id)


@_requires(EDITOR_PERMISSION)
@require_POST
def claim_priority(request: HttpRequest, claim_id: int) -> HttpResponse:
    delta = 10 if request.POST.get("direction") == "up" else -10
    services.claims_set_priority(claim_ids=[claim_id], delta=delta, by=request.user)
    return redirect("claims:claim", claim_id=claim_id)


# --- Second review ----------------------------------------------------------------------------


@_requires("claims.add_verdict")
def reviews(request: HttpRequest) -> HttpResponse:
    editor = _is_editor(request)
    return render(
        request,
        "claims/reviews.html",
        {
            "required": settings.FACTCHECK_REQUIRE_SECOND_REVIEW,
            "awaiting": list(selectors.verdicts_awaiting_review(user=request.user)[:100]),
            "disputed": list(selectors.verdicts_disputed()[:100]) if editor else [],
            "is_editor": editor,
            "rating_choices": Rating.choices,
        },
    )


@_requires("claims.add_verdict")
@require_POST
@_claim_exists
def verdict_review(request: HttpRequest, verdict_id: int) -> HttpResponse:
    return review_posted(
        request,
        VerdictReviewForm(request.POST),
        invalid="Say whether you agree with the verdict.",
        record=lambda data: services.verdict_review(
            verdict_id=verdict_id,
            reviewer=request.user,
            agrees=data["agrees"],
            rating=data["rating"],
            note=data["note"],
        ),
        agreed="Agreed: the verdict is published.",
        differed="Disagreement recorded: an editor will settle it.",
    )


@_requires(EDITOR_PERMISSION)
@require_POST
@_claim_exists
def verdict_settle(request: HttpRequest, verdict_id: int) -> HttpResponse:
    form = VerdictSettleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pick the rating to publish.")
        return redirect("claims:reviews")
    try:
        verdict = services.verdict_settle(
            verdict_id=verdict_id,
            by=request.user,
            rating=form.cleaned_data["rating"],
            explanation=form.cleaned_data["explanation"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"Published “{verdict.get_rating_display()}” on claim #{verdict.claim_id}."
        )
    return redirect("claims:reviews")


# --- My work and stats ------------------------------------------------------------------------


@_requires("claims.view_claim")
def my_work(request: HttpRequest) -> HttpResponse:
    editor = _is_editor(request)
    who = request.GET.get("who", "")
    user: Any = request.user
    if editor and who == "all":
        user = None
    elif editor and id_from_text(who) is not None:
        user = selectors.reviewer_list().filter(pk=id_from_text(who)).first() or request.user
    try:
        page = selectors.BoundedPaginator(selectors.verdict_list(reviewer=user), 50).page_for(
            request.GET
        )
    except selectors.InvalidCursor as exc:
        return _bad_page_link(exc)
    return render(
        request,
        "claims/my_work.html",
        {
            "held": list(selectors.claims_held(user=user)[:200]),
            "page": page,
            "subject": user,
            "is_editor": editor,
            "who": who,
            "people": list(selectors.reviewer_list()) if editor else [],
            "querystring": f"who={who}" if who else "",
        },
    )


@_requires("claims.view_auditevent")
def stats(request: HttpRequest) -> HttpResponse:
    stats = selectors.dashboard_stats()
    if stats is None:
        # Before the periodic rollup first ran (a new install): count once now.
        services.stats_rollup_refresh()
        stats = selectors.dashboard_stats()
    return render(
        request, "claims/stats.html", {"stats": stats, "agreement": selectors.agreement_report()}
    )


# --- Articles ---------------------------------------------------------------------------------


@_requires("claims.view_article")
def article_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.article_list(), 50).get_page(request.GET.get("page"))
    return render(request, "claims/article_list.html", {"page": page})


def _article_or_404(article_id: int) -> Article:
    try:
        return selectors.article_get(article_id=article_id)
    except Article.DoesNotExist:
        raise Http404("No such article") from None


@_requires("claims.view_article")
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    return render(request, "claims/article_detail.html", {"article": _article_or_404(article_id)})


@_requires("claims.view_article")
def article_status(request: HttpRequest, article_id: int) -> HttpResponse:
    """The status line alone, polled by the article page until the split is done."""
    return render(request, "claims/_article_status.html", {"article": _article_or_404(article_id)})


@_requires("claims.add_article")
def article_create(request: HttpRequest) -> HttpResponse:
    form = ArticleIngestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # A URL alone is stored as "fetching"; a worker fetches it (this process never does).
            article = services.article_ingest(
                body="" if data.get("fetch") else data["body"],
                url=data.get("url") or None,
                title=data.get("title") or "",
                source=data.get("source") or "",
                author=data.get("author") or "",
                published_on=data.get("published_on"),
                ingested_by=request.user,
                via="web",
            )
        except services.DuplicateArticle as exc:
            form.add_error(None, exc)
            return render(
                request,
                "claims/article_form.html",
                {"form": form, "existing": exc.existing},
                status=409,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                "Article stored; it will be fetched, then split into claims."
                if article.is_fetching
                else "Article stored and queued for splitting into claims.",
            )
            return redirect("claims:article", article_id=article.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "claims/article_form.html", {"form": form}, status=status)
