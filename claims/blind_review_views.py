"""A blind second review from the reviews page: the reviewer's own rating, the verdict unseen."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from claims import services
from claims.forms import BlindReviewForm
from claims.views import _claim_exists, _requires


@_requires("claims.add_verdict")
@require_POST
@_claim_exists
def verdict_review_blind(request: HttpRequest, verdict_id: int) -> HttpResponse:
    form = BlindReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pick the rating you would give.")
        return redirect("claims:reviews")
    try:
        review = services.verdict_review_blind(
            verdict_id=verdict_id,
            reviewer=request.user,
            rating=form.cleaned_data["rating"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            "Same rating: the verdict is published."
            if review.agrees
            else "Your rating differs: an editor will settle it.",
        )
    return redirect("claims:reviews")
