"""A blind second review from the reviews page: the reviewer's own rating, the verdict unseen."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from claims import services
from claims.forms import BlindReviewForm
from claims.review_posts import review_posted
from claims.views import _claim_exists, _requires


@_requires("claims.add_verdict")
@require_POST
@_claim_exists
def verdict_review_blind(request: HttpRequest, verdict_id: int) -> HttpResponse:
    return review_posted(
        request,
        BlindReviewForm(request.POST),
        invalid="Pick the rating you would give.",
        record=lambda data: services.verdict_review_blind(
            verdict_id=verdict_id,
            reviewer=request.user,
            rating=data["rating"],
            note=data["note"],
        ),
        agreed="Same rating: the verdict is published.",
        differed="Your rating differs: an editor will settle it.",
    )
