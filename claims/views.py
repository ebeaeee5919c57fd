"""Server-rendered pages for reviewers: queue, claim with verdict form, articles and ingest."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from claims import selectors, services
from claims.forms import ArticleIngestForm, VerdictForm
from claims.models import Article, Claim


def _int_or_none(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


@login_required
@permission_required("claims.view_claim", raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    params = request.GET
    status = params.get("status") if params.get("status") in Claim.Status.values else None
    kind = params.get("kind") if params.get("kind") in Claim.Kind.values else None
    filters = selectors.ClaimFilters(
        status=status,
        kind=kind,
        article_id=_int_or_none(params.get("article")),
        q=(params.get("q") or "").strip()[:200] or None,
        show_hidden=params.get("all") == "1",
        order="newest" if params.get("order") == "newest" else "score",
    )
    page = Paginator(selectors.claim_list(filters=filters), 50).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "claims/queue.html",
        {
            "page": page,
            "filters": filters,
            "counts": selectors.claim_status_counts(),
            "statuses": Claim.Status.choices,
            "kinds": Claim.Kind.choices,
            "querystring": query.urlencode(),
        },
    )


def _claim_or_404(claim_id: int) -> Claim:
    try:
        return selectors.claim_get(claim_id=claim_id)
    except Claim.DoesNotExist:
        raise Http404("No such claim") from None


@login_required
@permission_required("claims.view_claim", raise_exception=True)
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = _claim_or_404(claim_id)
    form = VerdictForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("claims.add_verdict"):
            return HttpResponse("You may not give verdicts.", status=403)
        if form.is_valid():
            try:
                services.verdict_set(
                    claim_id=claim.pk,
                    reviewer=request.user,
                    rating=form.cleaned_data["rating"],
                    explanation=form.cleaned_data["explanation"],
                    evidence_urls=form.cleaned_data["evidence_urls"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"Verdict saved on claim #{claim.pk}.")
                return redirect(_next_claim_url(exclude=claim.pk))
    return render(
        request,
        "claims/claim_detail.html",
        {
            "claim": claim,
            "context": selectors.claim_context(claim=claim),
            "verdicts": list(claim.verdicts.all()),
            "suggestions": list(selectors.claim_matching_verdicts(claim=claim)[:5]),
            "form": form,
            "audit": selectors.audit_for_claim(claim=claim)[:50],
        },
    )


def _next_claim_url(*, exclude: int) -> str:
    nxt = (
        selectors.claim_list(filters=selectors.ClaimFilters(status=Claim.Status.NEW))
        .exclude(pk=exclude)
        .values_list("pk", flat=True)
        .first()
    )
    return reverse("claims:claim", args=[nxt]) if nxt else reverse("claims:queue")


@login_required
@permission_required("claims.change_claim", raise_exception=True)
@require_POST
def claim_dismiss(request: HttpRequest, claim_id: int) -> HttpResponse:
    try:
        services.claim_dismiss(claim_id=claim_id, user=request.user)
    except Claim.DoesNotExist:
        raise Http404("No such claim") from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("claims:claim", claim_id=claim_id)
    messages.success(request, f"Claim #{claim_id} dismissed.")
    return redirect(_next_claim_url(exclude=claim_id))


@login_required
@permission_required("claims.view_article", raise_exception=True)
def article_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.article_list(), 50).get_page(request.GET.get("page"))
    return render(request, "claims/article_list.html", {"page": page})


@login_required
@permission_required("claims.view_article", raise_exception=True)
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    try:
        article = selectors.article_get(article_id=article_id)
    except Article.DoesNotExist:
        raise Http404("No such article") from None
    return render(request, "claims/article_detail.html", {"article": article})


@login_required
@permission_required("claims.add_article", raise_exception=True)
def article_create(request: HttpRequest) -> HttpResponse:
    form = ArticleIngestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = services.article_create(
                title=data.get("title") or "",
                body=data["body"],
                url=data.get("url") or None,
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
            messages.success(request, "Article stored and queued for splitting into claims.")
            return redirect("claims:article", article_id=article.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "claims/article_form.html", {"form": form}, status=status)
